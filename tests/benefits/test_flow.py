"""Every claim through real HTTP as the staff use it: intake at the counter → blind re-key and
approval by a second person (the claim record is written, 審査中) → a 進達 batch (the F1 line
with 届書種類 31–37, the fields F1 has no place for on the paper sheet) → JPS's result in an F2
version 2 file (05 裁定結果, 06 認定結果) applied through the two-person apply → the person page.
No 個人番号 in any output."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from benefits.models import BenefitClaim, DecisionStatus, LateAttachment
from jps_reporting.formats.f1 import parse_f1
from jps_reporting.formats.f2 import HEADER_V2
from jps_reporting.models import BatchItem, BatchOutput, ResultsUpload
from kokumin_nenkin.identifiers import find_my_number_like
from kokumin_nenkin.verification.models import Entry
from kokumin_nenkin.verification.models import Status as EntryStatus
from qualifications.models import Sex
from tests.conftest import shown_version
from tests.jps_reporting.flow import results_rekey

from .conftest import give_income, make_person, qualify

d = date


def _insured(cast, birth, since):
    person = make_person(family="熊谷", given="花子", sex=Sex.FEMALE, birth=birth)
    qualify(person, cast["madoguchi"], acquired_on=since)
    return person


def setup_old_age(cast):
    p = _insured(cast, d(1960, 5, 10), d(1980, 5, 9))
    return p, p


def setup_disability(cast):
    p = _insured(cast, d(1990, 5, 10), d(2010, 5, 9))
    return p, p


def setup_special(cast):
    p = _insured(cast, d(1970, 5, 10), d(1991, 4, 1))
    return p, p


def setup_support(cast):
    p = _insured(cast, d(1955, 5, 10), d(1975, 5, 9))
    give_income(p, 2024, 0)
    return p, p


def setup_survivor(cast):
    """A deceased husband (born 1980) and his widow in his household."""
    from qualifications.models import Household

    home = Household.objects.create(number="F0000001")
    husband = make_person(
        family="熊谷",
        given="花子",
        sex=Sex.MALE,
        birth=d(1980, 5, 10),
        household=home,
        householder=True,
    )
    wife = make_person(given="花子", birth=d(1982, 5, 10), household=home, spouse=husband)
    husband.spouse = wife
    husband.save(update_fields=["spouse"])
    qualify(husband, cast["madoguchi"], acquired_on=d(2000, 5, 9))
    return husband, wife


def setup_widow(cast):
    from qualifications.models import Household

    home = Household.objects.create(number="W0000001")
    husband = make_person(
        family="熊谷",
        given="花子",
        sex=Sex.MALE,
        birth=d(1960, 5, 10),
        household=home,
        householder=True,
    )
    wife = make_person(given="花子", birth=d(1968, 5, 10), household=home, spouse=husband)
    husband.spouse = wife
    husband.save(update_fields=["spouse"])
    qualify(husband, cast["madoguchi"], acquired_on=d(1980, 5, 9))
    return husband, wife


COMMON = {"claimed_on": "R7.6.2", "claimant_name": ""}
SURVIVOR = {"relationship": "配偶者", "death_on": "R7.3.1"}

# id, kind, setup, form data (claimant filled by the test), re-key, F2 v2 line, record check
CASES = [
    (
        "31 老齢",
        "old_age",
        setup_old_age,
        {
            "relationship": "本人",
            "start_month": "R7.6",
            "paid_months": "400",
            "exempt_months": "20",
            "kara_months": "0",
            "attachments": ["techo", "bank"],
        },
        {"claimed_on": "2025-06-02", "start_month": "R7.6"},
        ("05", "1", "1150", "1150-123456", "", "", ""),
        lambda c: (
            (c.adjudication_result, c.certificate_number, c.pension_code)
            == ("1", "1150-123456", "1150")
        ),
    ),
    (
        "32 障害",
        "disability",
        setup_disability,
        {
            "relationship": "本人",
            "first_visit_on": "R7.3.1",
            "lived_in_japan": "1",
            "insured_months": "178",
            "paid_exempt_months": "150",
            "unpaid_recent": "0",
            "attachments": ["techo", "koseki", "bank", "shindan", "byoreki"],
        },
        {"claimed_on": "R7.6.2", "first_visit_on": "2025-03-01"},
        ("05", "2", "", "", "", "", ""),
        lambda c: (c.adjudication_result, c.decision) == ("2", DecisionStatus.REJECTED),
    ),
    (
        "33 遺族",
        "survivors",
        setup_survivor,
        {
            **SURVIVOR,
            "lived_in_japan": "1",
            "insured_months": "298",
            "paid_exempt_months": "250",
            "unpaid_recent": "0",
            "qualifying_months": "250",
            "children": "1",
            "attachments": ["techo"],
        },
        {"claimed_on": "R7.6.2", "death_on": "R7.3.1"},
        ("05", "1", "6450", "6450-000001", "", "", ""),
        lambda c: c.certificate_number == "6450-000001" and c.claimant is not None,
    ),
    (
        "34 寡婦",
        "widow",
        setup_widow,
        {
            **SURVIVOR,
            "husband_first_months": "200",
            "husband_received_pension": "0",
            "married_years": "30",
            "maintained": "1",
            "attachments": [],
        },
        {"claimed_on": "R7.6.2", "death_on": "R7.3.1"},
        ("05", "1", "5950", "5950-000002", "", "", ""),
        lambda c: c.pension_code == "5950" and c.death_on == d(2025, 3, 1),
    ),
    (
        "35 死亡一時金",
        "death_lump_sum",
        setup_survivor,
        {
            **SURVIVOR,
            "paid_months": "180",
            "quarter_exempt_months": "0",
            "half_exempt_months": "0",
            "three_quarter_exempt_months": "0",
            "additional_months": "36",
            "deceased_received_pension": "0",
            "survivors_pension_payable": "0",
            "attachments": ["techo", "koseki", "jumin", "bank"],
        },
        {"claimed_on": "R7.6.2", "death_on": "R7.3.1"},
        ("05", "1", "", "D-7", "", "", ""),
        lambda c: c.lump_sum_amount == 153_500 and c.certificate_number == "D-7",
    ),
    (
        "36 特別障害給付金",
        "special_disability",
        setup_special,
        {
            "relationship": "本人",
            "first_visit_on": "H2.1.10",
            "reason": "student",
            "grade": "1",
            "attachments": [],
        },
        {"claimed_on": "R7.6.2", "first_visit_on": "1990-01-10"},
        ("05", "1", "", "S-1", "", "", ""),
        lambda c: c.adjudication_result == "1",
    ),
    (
        "37 支援給付金",
        "support",
        setup_support,
        {
            "claimed_on": "R7.11.4",
            "relationship": "本人",
            "pension_received": "old_age",
            "pension_receipts": "700000",
            "pension_misc_income": "0",
            "attachments": ["shotoku"],
        },
        {"claimed_on": "R7.11.4", "pension_received": "old_age"},
        ("06", "1", "", "", "1", "2025-12", ""),
        lambda c: (
            (c.recognition_result, c.support_kind, c.support_start, c.claim_year)
            == ("1", "1", d(2025, 12, 1), 2025)
        ),
    ),
]


def f2_line(entry, person, fields):
    kind, result, code, number, support, start, end = fields
    return ",".join(
        [
            entry.receipt_number,
            kind,
            "",
            "クマガヤ　ハナコ",
            person.birth_date.isoformat(),
            "",
            result,
            "",
            "",
            "",
            "",
            "",
            "2026-11-20",
            "",
            code,
            number,
            support,
            start,
            end,
        ]
    )


def f2_file(*lines, header=HEADER_V2):
    return ("\r\n".join([",".join(header), *lines]) + "\r\n").encode()


def apply_f2(client_for, content):
    clerk = client_for("shintatsu")
    response = clerk.post(
        "/jps/results/",
        {"file": SimpleUploadedFile("kekka.csv", content, "text/csv"), "encoding": "auto"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = ResultsUpload.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert saved.matched == 1 and saved.conflicts == 0, saved.__dict__
    clerk.post(f"/jps/results/{saved.pk}/request/")
    saved.refresh_from_db()
    response = client_for("kakunin").post(
        f"/entries/{saved.entry_id}/approve/", results_rekey(saved.entry_id)
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.applied_at is not None


def intake(client_for, kind, person, claimant, data):
    payload = {**COMMON, "claimant": str(claimant.pk), **data}
    return client_for("madoguchi").post(f"/entries/new/benefits.{kind}/{person.pk}/", payload)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "setup", "data", "rekey", "result", "check"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_a_claim_from_the_counter_to_jps_and_back(
    staff, cast, kind, setup, data, rekey, result, check
):
    client_for = staff
    person, claimant = setup(cast)
    response = intake(client_for, kind, person, claimant, data)
    assert response.status_code == 302, response.content.decode()[:4000]
    entry = Entry.objects.get(person=person, kind=f"benefits.{kind}")
    assert entry.status == EntryStatus.PENDING and not BenefitClaim.objects.exists()

    # The checker sees the arithmetic and re-keys blind.
    page = client_for("kakunin").get(f"/entries/{entry.pk}/").content.decode()
    assert "事前確認" in page and "受付できません" not in page
    response = client_for("kakunin").post(
        f"/entries/{entry.pk}/approve/",
        {**{f"rekey-{k}": v for k, v in rekey.items()}, "version": shown_version(entry)},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED
    claim = BenefitClaim.objects.get(receipt_number=entry.receipt_number)
    assert claim.decision == DecisionStatus.AWAITING and claim.operator == cast["madoguchi"]
    assert claim.claimant_name == claimant.full_name and claim.assessment

    # 進達: the F1 line and the paper sheet.
    response = client_for("shintatsu").post(
        "/jps/batches/new/", {"cutoff": timezone.localdate().isoformat(), "entry": [entry.pk]}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REPORTED
    item = BatchItem.objects.get(entry=entry)
    assert (
        item.form_code == entry.form_code
        and ["請求の種類", claim.get_kind_display()] in item.snapshot["paper_fields"]
    )
    f1 = BatchOutput.objects.get(batch=item.batch, kind="f1").content
    lines = [r for r in parse_f1(bytes(f1)) if r["レコード区分"] == "2"]
    assert [(r["受付番号"], r["届書種類"]) for r in lines] == [
        (entry.receipt_number, entry.form_code)
    ]
    for output in BatchOutput.objects.filter(batch=item.batch):
        text = bytes(output.content).decode("cp932" if output.kind == "f1" else "latin-1")
        assert not find_my_number_like(text, allow={entry.receipt_number})

    # JPS's answer in an F2 version 2 file.
    apply_f2(client_for, f2_file(f2_line(entry, person, result)))
    claim.refresh_from_db()
    assert check(claim)
    assert claim.jps_processed_on == d(2026, 11, 20)

    # The person page (and the claimant's, for a survivor's claim) shows it.
    for shown in {person.pk, claimant.pk}:
        page = client_for("madoguchi").get(f"/persons/{shown}/").content.decode()
        assert claim.get_kind_display() in page and claim.get_decision_display() in page
    assert AuditEvent.objects.filter(
        person=person, action="create", object_id=str(claim.pk)
    ).exists()


def reported_old_age_claim(client_for, cast):
    """A 老齢基礎年金 claim taken in, approved and reported to JPS (its record 審査中)."""
    _, kind, setup, data, rekey, _, _ = CASES[0]
    person, claimant = setup(cast)
    assert intake(client_for, kind, person, claimant, data).status_code == 302
    entry = Entry.objects.get(person=person, kind=f"benefits.{kind}")
    client_for("kakunin").post(
        f"/entries/{entry.pk}/approve/",
        {**{f"rekey-{k}": v for k, v in rekey.items()}, "version": shown_version(entry)},
    )
    client_for("shintatsu").post(
        "/jps/batches/new/", {"cutoff": timezone.localdate().isoformat(), "entry": [entry.pk]}
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REPORTED
    return entry, person, BenefitClaim.objects.get(receipt_number=entry.receipt_number)


@pytest.mark.django_db
def test_a_claim_returned_by_jps_keeps_the_reason_and_is_final(staff, cast):
    entry, person, claim = reported_old_age_claim(staff, cast)
    line = f2_line(entry, person, ("04", "", "", "", "", "", "")).split(",")
    line[13] = "添付書類の不足"
    apply_f2(staff, f2_file(",".join(line)))
    claim.refresh_from_db()
    assert (claim.decision, claim.return_reason) == (DecisionStatus.RETURNED, "添付書類の不足")
    page = staff("madoguchi").get(f"/persons/{person.pk}/").content.decode()
    assert "返戻" in page


@pytest.mark.django_db
def test_an_approved_claim_revoked_by_jps_ends_as_revoked(staff, cast):
    entry, person, claim = reported_old_age_claim(staff, cast)
    apply_f2(staff, f2_file(f2_line(entry, person, ("05", "1", "1150", "1150-123456", "", "", ""))))
    claim.refresh_from_db()
    assert claim.decision == DecisionStatus.APPROVED
    revoked = f2_line(entry, person, ("05", "4", "", "", "", "", "")).replace(
        "2026-11-20", "2026-12-01"
    )
    apply_f2(staff, f2_file(revoked))
    claim.refresh_from_db()
    assert (claim.decision, claim.adjudication_result) == (DecisionStatus.REVOKED, "4")
    assert list(claim.changes.order_by("id").values_list("to_decision", flat=True)) == [
        DecisionStatus.APPROVED,
        DecisionStatus.REVOKED,
    ]


@pytest.mark.django_db
def test_an_attachment_that_comes_later_is_recorded_and_leaves_the_due_list(staff, cast):
    _, kind, setup, data, _, _, _ = CASES[0]
    person, claimant = setup(cast)
    assert intake(staff, kind, person, claimant, data).status_code == 302  # techo, bank came
    entry = Entry.objects.get(person=person, kind=f"benefits.{kind}")
    clerk = staff("madoguchi")
    listed = clerk.get("/benefits/attachments-due/").content.decode()
    assert entry.receipt_number in listed and "戸籍謄本（戸籍全部事項証明書）" in listed

    url = f"/benefits/entries/{entry.pk}/attachments/"
    prefix = f"e{entry.pk}"
    # Not on the list of what is still due: refused, nothing recorded.
    clerk.post(url, {f"{prefix}-code": "techo", f"{prefix}-received_on": "R7.6.10"})
    assert not LateAttachment.objects.exists()
    today = timezone.localdate()
    typed = f"R{today.year - 2018}.{today.month}.{today.day}"
    # Before the 請求書 was taken in: refused next to the date, nothing recorded.
    clerk.post(url, {f"{prefix}-code": "koseki", f"{prefix}-received_on": "R7.6.10"})
    assert not LateAttachment.objects.exists()
    response = clerk.post(url, {f"{prefix}-code": "koseki", f"{prefix}-received_on": typed})
    assert response.status_code == 302
    late = LateAttachment.objects.get()
    assert (late.code, late.received_on, late.recorded_by) == (
        "koseki",
        today,
        cast["madoguchi"],
    )
    event = AuditEvent.objects.get(action="update", object_id=str(entry.pk))
    assert event.person == person and event.details["添付書類"] == "戸籍謄本（戸籍全部事項証明書）"
    after = clerk.get("/benefits/attachments-due/").content.decode()
    assert "戸籍謄本（戸籍全部事項証明書）の受領を記録しました。" in after  # the message, once
    assert f">{entry.receipt_number}</a>" not in after  # and the row is gone

    pdf = clerk.get(f"/benefits/entries/{entry.pk}/receipt.pdf").content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "未着" not in text and "戸籍謄本（戸籍全部事項証明書）" in text


@pytest.mark.django_db
def test_only_the_counter_records_a_late_attachment(staff, cast):
    _, kind, setup, data, _, _, _ = CASES[0]
    person, claimant = setup(cast)
    intake(staff, kind, person, claimant, data)
    entry = Entry.objects.get(person=person, kind=f"benefits.{kind}")
    response = staff("kansa").post(
        f"/benefits/entries/{entry.pk}/attachments/",
        {f"e{entry.pk}-code": "koseki", f"e{entry.pk}-received_on": "R7.6.10"},
    )
    assert response.status_code == 403 and not LateAttachment.objects.exists()
