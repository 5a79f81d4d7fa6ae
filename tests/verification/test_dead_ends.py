"""Dead ends caught before typing (issue 14, item 5): a refusal known from the person alone — an
open entry of the same kind, no qualification, 第2号 for an exemption, no 付加 to withdraw — is
said on the person page and on the intake page instead of a form, and the link or PDF that
cannot apply is not offered. The refusals are the kinds' own rule checks (`precheck`)."""

import pytest
from django.urls import reverse

from kokumin_nenkin.verification import services
from kokumin_nenkin.verification.models import Entry
from tests.exemptions.conftest import make_person, qualify
from tests.qualifications import factories
from tests.qualifications.factories import acquisition_payload

ACQ = "qualifications.acquisition"
LOSS = "qualifications.loss"
APPLICATION = "exemptions.application"
ADDITIONAL_WITHDRAWAL = "exemptions.additional_withdrawal"


def new_url(kind, person):
    return reverse("verification:new", args=[kind, person.pk])


def person_page(client, person) -> str:
    response = client.get(reverse("qualifications:person", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


# (how the person is, kind, what the person page and the intake page say)
CASES = [
    ("not insured", LOSS, "資格がないため、喪失を受け付けられません。"),
    ("not insured", APPLICATION, "国民年金の資格の記録がない（または喪失している）ため"),
    ("第2号", APPLICATION, "第2号の方は国民年金保険料の免除・納付猶予の対象外です。"),
    ("第2号", "exemptions.student", "第2号の方は国民年金保険料の学生納付特例の対象外です。"),
    ("第1号", ACQ, "既に資格があります"),
    ("第1号", ADDITIONAL_WITHDRAWAL, "辞退できる付加保険料の申出がありません。"),
    ("第1号", "exemptions.statutory_end", "消滅させる法定免除"),
]


def person_who_is(state, operator):
    person = make_person()
    if state == "第1号":
        qualify(person, operator, category="1")
    elif state == "第2号":
        qualify(person, operator, category="2")
    return person


@pytest.mark.parametrize(("state", "kind", "says"), CASES)
def test_a_refusal_known_from_the_person_is_said_before_the_form(
    client_for, cast, state, kind, says
):
    person = person_who_is(state, cast["kakunin"])
    clerk = client_for("madoguchi")
    page = person_page(clerk, person)
    assert says in page
    assert new_url(kind, person) not in page  # the link that cannot apply is not offered

    intake = clerk.get(new_url(kind, person))
    assert intake.status_code == 200
    text = intake.content.decode()
    assert "この届書は受け付けられません" in text and says in text
    assert "受付（確認依頼）" not in text  # no form to fill in vain

    refused = clerk.post(new_url(kind, person), {})
    assert refused.status_code == 409
    assert not Entry.objects.filter(person=person, kind=kind).exists()


def test_an_open_entry_of_the_same_kind_is_said_with_its_receipt_number(client_for, cast):
    person = factories.make_person()
    open_entry = services.entry_submit(
        kind=ACQ, person=person, payload=acquisition_payload("2010-06-14"), actor=cast["oosato"]
    )
    clerk = client_for("madoguchi")
    page = person_page(clerk, person)
    says = f"この方の「資格取得届」は既に受付中です（受付番号 {open_entry.receipt_number}）"
    assert says in page and new_url(ACQ, person) not in page
    intake = clerk.get(new_url(ACQ, person)).content.decode()
    assert says in intake and "受付（確認依頼）" not in intake


def test_what_may_apply_is_offered_as_a_link(client_for, cast):
    person = person_who_is("第1号", cast["kakunin"])
    clerk = client_for("madoguchi")
    page = person_page(clerk, person)
    for kind in (LOSS, "qualifications.category_change", APPLICATION, "exemptions.additional"):
        assert new_url(kind, person) in page
    assert reverse("exemptions:application_pdf", args=[person.pk]) in page
    intake = clerk.get(new_url(APPLICATION, person)).content.decode()
    assert "受付（確認依頼）" in intake and "受け付けられません" not in intake


def test_the_application_pdf_is_not_offered_when_it_cannot_apply(client_for, cast):
    person = person_who_is("第2号", cast["kakunin"])
    clerk = client_for("madoguchi")
    pdf_url = reverse("exemptions:application_pdf", args=[person.pk])
    assert pdf_url not in person_page(clerk, person)
    panel = clerk.get(reverse("exemptions:household_panel", args=[person.pk])).content.decode()
    assert "申請書は印刷できません" in panel and pdf_url not in panel
    response = clerk.get(pdf_url)
    assert response.status_code == 302  # back to the panel with the reason, no PDF
    assert response["Content-Type"] != "application/pdf"
