"""Issue 11, item 7: the 12-digit detector normalises before it looks (full-width digits,
spaces, hyphens, dots and 「・」 between groups), and a memo or a return reason holding a valid
個人番号 is refused with a message next to the field; nothing is written."""

from datetime import date

import pytest
from django.urls import reverse

from kokumin_nenkin.identifiers import (
    contains_my_number_like,
    contains_valid_my_number,
    find_my_number_like,
)
from kokumin_nenkin.verification.models import Entry, Status
from qualifications.models import Memo
from tests.qualifications.factories import make_person
from tests.verification.test_http import intake

WRITTEN = [
    "987654321093",
    "９８７６５４３２１０９３",
    "9876 5432 1093",
    "9876-5432-1093",
    "9876.5432.1093",
    "9876・5432・1093",
    "９８７６・５４３２・１０９３",
    "9876 - 5432 - 1093",
    "9876　5432　1093",  # full-width spaces
]


@pytest.mark.parametrize("written", WRITTEN)
def test_the_detector_sees_the_number_however_it_is_written(written):
    text = f"電話で本人から聞いた番号 {written} を確認"
    assert contains_my_number_like(text)
    assert contains_valid_my_number(text)


def test_a_wrong_check_digit_or_a_date_is_not_a_valid_number():
    assert not contains_valid_my_number("9876・5432・1094")
    assert not find_my_number_like("令和7.4.1 受付、2025.04.01")


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["9876・5432・1093", "９８７６．５４３２．１０９３"])
def test_a_memo_with_a_my_number_is_refused(client_for, written):
    person = make_person()
    response = client_for("madoguchi").post(
        reverse("qualifications:memo_new", args=[person.pk]),
        {"registered_on": "R8.11.2", "consultation": f"本人の番号は {written} とのこと"},
    )
    assert response.status_code in (200, 400)
    assert "個人番号と思われる12桁の数字が含まれています" in response.content.decode()
    assert not Memo.objects.filter(person=person).exists()


@pytest.mark.django_db
def test_a_return_reason_with_a_my_number_is_refused(client_for):
    person = make_person(birth_date=date(2005, 4, 2))
    intake(client_for("madoguchi"), person)
    entry = Entry.objects.get(person=person)
    response = client_for("kakunin").post(
        reverse("verification:return", args=[entry.pk]),
        {"reason": "番号 9876.5432.1093 の記載あり"},
    )
    assert response.status_code == 409
    assert "個人番号と思われる12桁の数字が含まれています" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == Status.PENDING and entry.return_reason == ""
