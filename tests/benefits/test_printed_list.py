"""Issue 14, item 9: the list of claims with attachments due (添付書類の未着一覧) prints as an
A4 PDF by real HTTP: the claims of the office chosen, with the office, who printed it and when;
one print event per person printed; a role without the permission is refused; no 個人番号."""

import re
from datetime import date

import pytest
from django.utils import timezone

from audit.models import Action, AuditEvent
from kokumin_nenkin.identifiers import find_my_number_like
from kokumin_nenkin.verification.models import Entry
from kokumin_nenkin.wareki import format_date
from qualifications.models import Household
from tests.benefits.test_screens import OLD_AGE
from tests.pdf import pdf_text

from .conftest import give_income, make_person, qualify


def claim(client, person) -> Entry:
    response = client.post(
        f"/entries/new/benefits.old_age/{person.pk}/", {**OLD_AGE, "claimant": str(person.pk)}
    )
    assert response.status_code == 302
    return Entry.objects.get(person=person)


@pytest.fixture
def claims(cast, staff):
    """A claim taken in at 本庁 and one at 大里行政センター, each with attachments due."""
    made = {}
    for n, (name, given) in enumerate((("madoguchi", "一子"), ("oosato", "二子"))):
        home = Household.objects.create(number=f"P000000{n}")
        person = make_person(given=given, birth=date(1960, 5, 10), household=home, householder=True)
        qualify(person, cast["madoguchi"], acquired_on=date(1980, 5, 9))
        give_income(person, date.today().year - 1, 300_000)
        made[name] = claim(staff(name), person)
    return made


def test_the_attachments_due_list_prints_the_office_chosen(staff, cast, claims):
    clerk = staff("madoguchi")
    page = clerk.get("/benefits/attachments-due/", {"office": "honcho"}).content.decode()
    assert "/benefits/attachments-due/print/?office=honcho" in page
    assert claims["oosato"].receipt_number not in page  # the screen shows the office chosen
    response = clerk.get("/benefits/attachments-due/print/", {"office": "honcho"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = re.sub(r"\s+", "", pdf_text(response.content))  # pypdf may drop a space or not
    assert "添付書類の未着一覧（裁定請求）" in text and "本庁保険年金課" in text
    assert f"印刷者{cast['madoguchi'].full_name}".replace(" ", "") in text
    assert f"印刷日時{format_date(timezone.localdate())}" in text and "1/1" in text
    assert claims["madoguchi"].receipt_number in text and "一子" in text
    assert "戸籍謄本（戸籍全部事項証明書）" in text
    assert claims["oosato"].receipt_number not in text and "二子" not in text
    allowed = {c.receipt_number for c in claims.values()}
    assert not find_my_number_like(text, allow=allowed)

    printed = AuditEvent.objects.filter(action=Action.PRINT)
    assert [e.person_id for e in printed] == [claims["madoguchi"].person_id]
    assert printed[0].details["帳票"] == "添付書類の未着一覧（裁定請求）"

    every = pdf_text(clerk.get("/benefits/attachments-due/print/", {"office": "all"}).content)
    assert claims["oosato"].receipt_number in every and "全事務所" in every


def test_the_attachments_due_print_is_refused_without_the_permission(staff, claims):
    for name in ("kanri", "kansa", "shintatsu"):
        assert staff(name).get("/benefits/attachments-due/print/").status_code == 403
    assert not AuditEvent.objects.filter(action=Action.PRINT).exists()
