"""The claim screens by real HTTP: which claims the city takes (the screen says so before
anything is typed, the intake refuses, the 案内 names the reason), the household and incomes
at the counter (audited per person), the claimant's receipt with attachments received and
due, the list of claims with attachments due. No 個人番号 in any output."""

from datetime import date

import pytest

from audit.models import Action, AuditEvent
from kokumin_nenkin.identifiers import find_my_number_like
from kokumin_nenkin.verification.models import Entry
from qualifications.models import Household, Sex
from tests.exemptions.test_panel_and_pdf import pdf_text

from .conftest import give_income, make_person, qualify

OLD_AGE = {
    "claimed_on": "R7.6.2",
    "claimant_name": "",
    "relationship": "本人",
    "start_month": "R7.6",
    "paid_months": "400",
    "exempt_months": "20",
    "kara_months": "0",
    "attachments": ["techo"],
}


@pytest.fixture
def insured(cast):
    home = Household.objects.create(number="S0000001")
    person = make_person(birth=date(1960, 5, 10), household=home, householder=True)
    partner = make_person(
        given="次郎", sex=Sex.MALE, birth=date(1958, 1, 2), household=home, spouse=person
    )
    person.spouse = partner
    person.save(update_fields=["spouse"])
    qualify(person, cast["madoguchi"], acquired_on=date(1980, 5, 9))
    give_income(person, date.today().year - 1, 300_000)
    return person


def test_the_claim_screen_shows_the_household_and_incomes_and_audits_each_member(staff, insured):
    page = staff("madoguchi").get(f"/benefits/persons/{insured.pk}/").content.decode()
    assert "市では受け付けられません" not in page
    assert "/entries/new/benefits.old_age/" in page and "300000円" in page
    assert "配偶者" in page and "所得情報がありません" in page
    events = AuditEvent.objects.filter(action=Action.VIEW, details__画面="裁定請求の受付")
    assert {e.person_id for e in events} == {insured.pk, insured.spouse_id}
    assert {e.details["表示の立場"] for e in events} == {"本人", "配偶者"}


def test_a_record_with_second_category_months_is_sent_to_the_pension_office(staff, insured, cast):
    qualify(insured, cast["madoguchi"], category="2", acquired_on=date(2000, 4, 1))
    clerk = staff("madoguchi")
    page = clerk.get(f"/benefits/persons/{insured.pk}/").content.decode()
    assert "市では受け付けられません" in page and "第2号被保険者の期間" in page
    assert "/entries/new/benefits." not in page  # nothing to type
    # The intake form says so above the first field, and refuses.
    form = clerk.get(f"/entries/new/benefits.old_age/{insured.pk}/").content.decode()
    assert "熊谷年金事務所で請求してください" in form
    response = clerk.post(
        f"/entries/new/benefits.old_age/{insured.pk}/", {**OLD_AGE, "claimant": str(insured.pk)}
    )
    assert response.status_code == 200 and not Entry.objects.exists()
    assert "市で受け付けるのは第1号被保険者期間のみの方の請求です" in response.content.decode()
    # The 案内 prints the reason.
    pdf = clerk.get(f"/benefits/persons/{insured.pk}/guidance.pdf")
    text = pdf_text(pdf.content)
    assert "熊谷年金事務所" in text and "第2号被保険者の期間" in text
    assert AuditEvent.objects.filter(
        person=insured, action=Action.PRINT, details__帳票="年金事務所での請求のご案内"
    ).exists()
    assert not find_my_number_like(text)


def test_no_guidance_for_a_claim_the_city_takes(staff, insured):
    assert staff("madoguchi").get(f"/benefits/persons/{insured.pk}/guidance.pdf").status_code == 404


def test_a_refused_rule_is_shown_next_to_its_field_and_nothing_is_saved(staff, insured):
    response = staff("madoguchi").post(
        f"/entries/new/benefits.old_age/{insured.pk}/",
        {**OLD_AGE, "claimant": str(insured.pk), "paid_months": "90", "exempt_months": "0"},
    )
    assert response.status_code == 200 and not Entry.objects.exists()
    assert "老齢基礎年金の受給資格期間（10年）を満たしていません" in response.content.decode()


def test_the_receipt_lists_attachments_received_and_due_and_the_work_list_shows_it(staff, insured):
    clerk = staff("madoguchi")
    response = clerk.post(
        f"/entries/new/benefits.old_age/{insured.pk}/", {**OLD_AGE, "claimant": str(insured.pk)}
    )
    assert response.status_code == 302
    entry = Entry.objects.get(person=insured)
    page = clerk.get(f"/benefits/persons/{insured.pk}/").content.decode()
    assert f"/benefits/entries/{entry.pk}/receipt.pdf" in page
    text = pdf_text(clerk.get(f"/benefits/entries/{entry.pk}/receipt.pdf").content)
    assert entry.receipt_number in text and "年金請求書（老齢基礎年金）" in text
    assert "基礎年金番号通知書または年金手帳" in text
    assert "未着: 戸籍謄本（戸籍全部事項証明書）" in text
    assert "未着: 受取先金融機関の通帳等（本人名義）" in text
    assert "令和7年6月2日" in text
    assert not find_my_number_like(text, allow={entry.receipt_number})
    printed = AuditEvent.objects.get(person=insured, action=Action.PRINT)
    assert printed.details == {"帳票": "裁定請求 受付控え", "請求の種類": "老齢基礎年金"}
    # The checker sees what is missing; the work list holds the claim.
    detail = staff("kakunin").get(f"/entries/{entry.pk}/").content.decode()
    assert "未着の添付書類" in detail and "戸籍謄本" in detail
    listed = clerk.get("/benefits/attachments-due/").content.decode()
    assert entry.receipt_number in listed and "戸籍謄本" in listed


def test_the_receipt_of_another_kind_of_entry_is_not_found(staff, insured, cast):
    from kokumin_nenkin.verification.services import entry_submit

    entry = entry_submit(
        kind="exemptions.additional",
        person=insured,
        payload={"applied_on": "2025-08-01", "join_reason": "", "national_pension_fund": "0"},
        actor=cast["madoguchi"],
    )
    assert staff("madoguchi").get(f"/benefits/entries/{entry.pk}/receipt.pdf").status_code == 404


def test_a_death_lump_sum_after_a_survivors_claim_for_the_same_death_is_refused(staff, couple):
    clerk = staff("madoguchi")
    husband, wife = couple["husband"], couple["wife"]
    common = {
        "claimed_on": "R7.6.2",
        "claimant": str(wife.pk),
        "claimant_name": "",
        "relationship": "配偶者",
        "death_on": "R7.3.1",
    }
    widow = clerk.post(
        f"/entries/new/benefits.widow/{husband.pk}/",
        {
            **common,
            "husband_first_months": "200",
            "husband_received_pension": "0",
            "married_years": "30",
            "maintained": "1",
        },
    )
    assert widow.status_code == 302
    lump = clerk.post(
        f"/entries/new/benefits.death_lump_sum/{husband.pk}/",
        {
            **common,
            "paid_months": "200",
            "quarter_exempt_months": "0",
            "half_exempt_months": "0",
            "three_quarter_exempt_months": "0",
            "additional_months": "0",
            "deceased_received_pension": "0",
            "survivors_pension_payable": "0",
        },
    )
    assert lump.status_code == 200
    assert "寡婦年金と死亡一時金はどちらか一方の選択です" in lump.content.decode()
