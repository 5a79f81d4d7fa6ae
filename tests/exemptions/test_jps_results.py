"""JPS's results (F2) applied to the real exemption and 付加 records, through real HTTP: the
counter takes the 届書 in, a 確認担当 approves it, the report clerk sends it in a batch, uploads
JPS's results, requests the apply, and a 確認担当 approves it. Then what the person page shows.

Every 処理区分 / 処理結果 the records can take (DOMAIN_RULES §2–3, docs/exemptions.md); a line
that contradicts the record's state is a conflict on the reconciliation screen, never applied."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import Action, AuditEvent
from exemptions import services
from exemptions.models import (
    AdditionalPremium,
    DecisionStatus,
    ExemptionApplication,
    MaternityExemption,
    StatutoryExemption,
)
from exemptions.periods import Period
from jps_reporting.formats.f2 import HEADER
from jps_reporting.models import BatchItem, ResultsUpload
from jps_reporting.results import RESULTS_KIND
from kokumin_nenkin.identifiers import contains_my_number_like
from kokumin_nenkin.verification.models import Entry
from kokumin_nenkin.verification.models import Status as EntryStatus
from tests.jps_reporting.flow import results_rekey

from .conftest import give_income
from .test_intake import KINDS, approve, intake, qualify


@pytest.fixture
def insured(family, cast):
    """The family's applicant, insured 第1号, with low incomes for 令和6年 (as test_intake)."""
    for member in ("applicant", "spouse", "head"):
        give_income(family[member], 2024, 500_000)
    qualify(family["applicant"], cast["madoguchi"])
    return family["applicant"]


@pytest.fixture
def client_for(client_for):
    """One logged-in client per member of staff (a second TOTP login in the same window is
    refused as a replay)."""
    clients = {}

    def get(name):
        if name not in clients:
            clients[name] = client_for(name)
        return clients[name]

    return get


DATA = {k[0]: (k[2], k[3]) for k in KINDS}
MODELS = {
    "application": ExemptionApplication,
    "student": ExemptionApplication,
    "statutory": StatutoryExemption,
    "maternity": MaternityExemption,
    "additional": AdditionalPremium,
}


def reported(client_for, person, kind):
    """Take a 届書 in, verify it, send it to JPS in a batch: its record is 進達済."""
    data, rekey = DATA[kind]
    assert intake(client_for("madoguchi"), kind, person, **data).status_code == 302
    entry = Entry.objects.get(person=person, kind=f"exemptions.{kind}", status="pending")
    assert approve(client_for("kakunin"), entry, **rekey).status_code == 302
    response = client_for("shintatsu").post(
        "/jps/batches/new/",
        {"cutoff": timezone.localdate().isoformat(), "entry": [entry.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REPORTED
    record = MODELS[kind].objects.get(receipt_number=entry.receipt_number)
    assert record.decision == DecisionStatus.AWAITING
    return entry, record


def line(
    entry, person, kind="02", cls="", result="", approved=("", ""), rejected=("", ""), note=""
):
    return ",".join(
        [
            entry.receipt_number,
            kind,
            "",
            "クマガヤ　ハナコ",
            person.birth_date.isoformat(),
            cls,
            result,
            "",
            *approved,
            *rejected,
            "2026-11-20",
            note,
        ]
    )


def f2(*lines):
    return ("\r\n".join([",".join(HEADER), *lines]) + "\r\n").encode()


def upload(client_for, *lines, name="kekka.csv"):
    clerk = client_for("shintatsu")
    response = clerk.post(
        "/jps/results/",
        {"file": SimpleUploadedFile(name, f2(*lines), "text/csv"), "encoding": "auto"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return ResultsUpload.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def request_and_approve(client_for, saved, checker="kakunin"):
    clerk = client_for("shintatsu")
    clerk.post(f"/jps/results/{saved.pk}/request/")
    saved.refresh_from_db()
    assert saved.entry is not None and saved.entry.status == EntryStatus.PENDING
    return client_for(checker).post(
        f"/entries/{saved.entry_id}/approve/", results_rekey(saved.entry_id)
    )


def apply_lines(client_for, *lines):
    saved = upload(client_for, *lines)
    response = request_and_approve(client_for, saved)
    assert response.status_code == 302, response.content.decode()[:3000]
    saved.refresh_from_db()
    assert saved.applied_at is not None
    return saved


def person_page(client_for, person):
    page = client_for("madoguchi").get(f"/persons/{person.pk}/").content.decode()
    return page


# --- every result the records can take --------------------------------------------------------
APP_PERIOD = ("2025-07", "2026-06")
CASES = [
    # id, kind, line fields, expected state, checks on the record
    (
        "免除 承認",
        "application",
        {"cls": "01", "result": "1", "approved": APP_PERIOD},
        DecisionStatus.APPROVED,
        lambda r: (
            (r.approved_start, r.approved_end, r.result)
            == (date(2025, 7, 1), date(2026, 6, 1), "1")
        ),
    ),
    (
        "免除 却下",
        "application",
        {"cls": "01", "result": "2", "rejected": APP_PERIOD},
        DecisionStatus.REJECTED,
        lambda r: (r.rejected_start, r.approved_start, r.result) == (date(2025, 7, 1), None, "2"),
    ),
    (
        "免除 一部承認",
        "application",
        {
            "cls": "01",
            "result": "3",
            "approved": ("2025-07", "2025-12"),
            "rejected": ("2026-01", "2026-06"),
        },
        DecisionStatus.APPROVED,
        lambda r: (
            (r.approved_end, r.rejected_start, r.result)
            == (date(2025, 12, 1), date(2026, 1, 1), "3")
        ),
    ),
    (
        "全額申請に半額免除で承認（他の区分を希望）",
        "application",
        {"cls": "03", "result": "1", "approved": APP_PERIOD},
        DecisionStatus.APPROVED,
        lambda r: r.exemption_class == "03",
    ),
    (
        "免除 返戻",
        "application",
        {"cls": "01", "result": "5", "note": "添付書類の不足"},
        DecisionStatus.RETURNED,
        lambda r: (
            (r.return_reason, r.result, r.jps_processed_on)
            == ("添付書類の不足", "5", date(2026, 11, 20))
        ),
    ),
    (
        "学特 承認",
        "student",
        {"cls": "06", "result": "1", "approved": ("2025-04", "2026-03")},
        DecisionStatus.APPROVED,
        lambda r: r.approved_start == date(2025, 4, 1),
    ),
    (
        "法定免除 承認",
        "statutory",
        {"cls": "07", "result": "1", "approved": ("2025-07", "2025-07")},
        DecisionStatus.APPROVED,
        lambda r: r.jps_processed_on == date(2026, 11, 20),
    ),
    (
        "法定免除 却下",
        "statutory",
        {"cls": "07", "result": "2"},
        DecisionStatus.REJECTED,
        lambda r: True,
    ),
    (
        "産前産後 承認",
        "maternity",
        {"cls": "08", "result": "1", "approved": ("2025-09", "2025-12")},
        DecisionStatus.APPROVED,
        lambda r: True,
    ),
    (
        "産前産後 返戻",
        "maternity",
        {"cls": "08", "result": "5", "note": "出産予定日の確認"},
        DecisionStatus.RETURNED,
        lambda r: r.return_reason == "出産予定日の確認",
    ),
    (
        "付加 承認",
        "additional",
        {"kind": "03", "result": "1"},
        DecisionStatus.APPROVED,
        lambda r: r.result == "1",
    ),
    (
        "付加 却下",
        "additional",
        {"kind": "03", "result": "2"},
        DecisionStatus.REJECTED,
        lambda r: r.result == "2",
    ),
    (
        "返戻（処理区分04）",
        "application",
        {"kind": "04", "note": "申請者の署名なし"},
        DecisionStatus.RETURNED,
        lambda r: r.return_reason == "申請者の署名なし",
    ),
]


@pytest.mark.parametrize(
    ("kind", "fields", "state", "check"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_every_result_is_applied_to_its_record(
    client_for, cast, insured, kind, fields, state, check
):
    entry, record = reported(client_for, insured, kind)
    saved = apply_lines(client_for, line(entry, insured, **fields))
    assert (saved.matched, saved.conflicts) == (1, 0)
    record.refresh_from_db()
    assert record.decision == state
    assert check(record)
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, person=insured, details__状態__endswith=DecisionStatus(state).label
    ).exists()
    page = person_page(client_for, insured)
    assert DecisionStatus(state).label in page
    if state == DecisionStatus.RETURNED:
        assert "日本年金機構から返戻" in page and record.return_reason in page
    assert not contains_my_number_like(page, allow={entry.receipt_number})


def test_a_returned_entry_of_any_kind_shows_on_the_report_item_and_the_person_page(
    client_for, cast, insured
):
    entry, _ = reported(client_for, insured, "application")
    apply_lines(client_for, line(entry, insured, kind="04", note="記入漏れ"))
    item = BatchItem.objects.get(entry=entry)
    assert item.jps_returned_on == date(2026, 11, 20) and item.jps_return_note == "記入漏れ"
    page = person_page(client_for, insured)
    assert "日本年金機構から返戻された届書" in page and "記入漏れ" in page
    detail = client_for("shintatsu").get(f"/jps/batches/{item.batch_id}/").content.decode()
    assert "返戻 令和8年11月20日" in detail
    # A second 返戻 of the same entry is a conflict, not applied twice.
    again = upload(client_for, line(entry, insured, kind="04", note="再度"), name="2.csv")
    assert (again.matched, again.conflicts) == (0, 1)
    screen = client_for("shintatsu").get(f"/jps/results/{again.pk}/").content.decode()
    assert "既に日本年金機構から返戻されています" in screen


def test_jps_revokes_an_approval_with_the_revoked_months(client_for, cast, insured):
    entry, record = reported(client_for, insured, "application")
    apply_lines(client_for, line(entry, insured, cls="01", result="1", approved=APP_PERIOD))
    saved = upload(
        client_for,
        line(entry, insured, cls="01", result="4", rejected=("2026-01", "2026-06")),
        name="torikeshi.csv",
    )
    assert request_and_approve(client_for, saved).status_code == 302
    record.refresh_from_db()
    assert record.decision == DecisionStatus.REVOKED and record.result == "4"
    assert (record.revoked_start, record.revoked_end) == (date(2026, 1, 1), date(2026, 6, 1))
    assert "令和8年1月〜令和8年6月" in person_page(client_for, insured)


CONFLICTS = [
    # id, line fields, what the screen says
    (
        "承認済みに承認",
        {"cls": "01", "result": "1", "approved": APP_PERIOD, "note": "再送"},
        "記録は「承認」です",
    ),
    ("承認済みに返戻", {"kind": "04"}, "記録は「承認」です"),
    ("免除区分が違う", {"cls": "07", "result": "2"}, "と合いません"),
    ("付加の結果を免除に", {"kind": "03", "result": "1"}, "処理区分"),
]


@pytest.mark.parametrize(
    ("fields", "says"), [c[1:] for c in CONFLICTS], ids=[c[0] for c in CONFLICTS]
)
def test_a_decision_that_contradicts_the_record_is_a_conflict_never_applied(
    client_for, cast, insured, fields, says
):
    entry, record = reported(client_for, insured, "application")
    apply_lines(client_for, line(entry, insured, cls="01", result="1", approved=APP_PERIOD))
    record.refresh_from_db()
    before = (record.decision, record.result, record.updated_at)
    saved = upload(client_for, line(entry, insured, **fields), name="mujun.csv")
    assert (saved.matched, saved.conflicts) == (0, 1)
    screen = client_for("shintatsu").get(f"/jps/results/{saved.pk}/").content.decode()
    assert "不一致 1件" in screen and says in screen
    assert request_and_approve(client_for, saved).status_code == 302  # nothing matched to apply
    record.refresh_from_db()
    assert (record.decision, record.result, record.updated_at) == before


def test_a_record_that_moved_after_the_request_makes_the_apply_stale(client_for, cast, insured):
    entry, record = reported(client_for, insured, "application")
    saved = upload(client_for, line(entry, insured, cls="01", result="1", approved=APP_PERIOD))
    client_for("shintatsu").post(f"/jps/results/{saved.pk}/request/")
    saved.refresh_from_db()
    # Meanwhile the record is decided another way (e.g. by another file): the line no longer fits.
    services.exemption_record_decision(
        application=record,
        result="2",
        rejected=Period(date(2025, 7, 1), date(2026, 6, 1)),
        actor=cast["kakunin2"],
    )
    response = client_for("kakunin").post(
        f"/entries/{saved.entry_id}/approve/", results_rekey(saved.entry_id)
    )
    assert response.status_code == 409
    assert "突合の結果が依頼した時と違います" in response.content.decode()
    saved.refresh_from_db()
    assert saved.applied_at is None
    record.refresh_from_db()
    assert record.decision == DecisionStatus.REJECTED


def test_several_requests_wait_at_once_unless_they_share_a_receipt_number(
    client_for, cast, insured
):
    entry, _ = reported(client_for, insured, "application")
    first = upload(client_for, line(entry, insured, cls="01", result="1", approved=APP_PERIOD))
    second = upload(
        client_for,
        "209900000001,01,3456-789012,ﾍﾞﾂﾆﾝ ｲﾁﾛｳ,1980-01-01,,,,,,,,2026-11-20,",
        name="betsu.csv",
    )
    clash = upload(
        client_for,
        line(entry, insured, cls="01", result="2", rejected=APP_PERIOD),
        name="kasanari.csv",
    )
    clerk = client_for("shintatsu")
    clerk.post(f"/jps/results/{first.pk}/request/")
    clerk.post(f"/jps/results/{second.pk}/request/")
    response = clerk.post(f"/jps/results/{clash.pk}/request/", follow=True)
    assert "同じ受付番号の結果があります" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=Action.SUBMIT, details__結果="refused", object_id=str(clash.pk)
    ).exists()
    assert Entry.objects.filter(kind=RESULTS_KIND, status=EntryStatus.PENDING).count() == 2
    for saved in (first, second):
        saved.refresh_from_db()
        ok = client_for("kakunin").post(
            f"/entries/{saved.entry_id}/approve/", results_rekey(saved.entry_id)
        )
        assert ok.status_code == 302
    assert ExemptionApplication.objects.get(receipt_number=entry.receipt_number).decision == (
        DecisionStatus.APPROVED
    )


# --- 付加 ends when JPS approves an exemption (DOMAIN_RULES §3) --------------------------------
def approved_additional(person, actor):
    premium = services.additional_premium_apply(
        person=person, applied_on=date(2025, 5, 1), category="1", actor=actor
    )
    return services.additional_premium_record_decision(premium=premium, result="1", actor=actor)


ENDS = [
    # id, kind, line fields, 付加 ends from
    (
        "全額免除",
        "application",
        {"cls": "01", "result": "1", "approved": APP_PERIOD},
        date(2025, 7, 1),
    ),
    (
        "一部承認",
        "application",
        {
            "cls": "01",
            "result": "3",
            "approved": ("2026-01", "2026-06"),
            "rejected": ("2025-07", "2025-12"),
        },
        date(2026, 1, 1),
    ),
    (
        "法定免除",
        "statutory",
        {"cls": "07", "result": "1", "approved": ("2025-07", "2025-07")},
        date(2025, 7, 1),
    ),
    (
        "産前産後（付加は続く）",
        "maternity",
        {"cls": "08", "result": "1", "approved": ("2025-09", "2025-12")},
        None,
    ),
    (
        "却下（付加は続く）",
        "application",
        {"cls": "01", "result": "2", "rejected": APP_PERIOD},
        None,
    ),
]


@pytest.mark.parametrize(
    ("kind", "fields", "ends"), [c[1:] for c in ENDS], ids=[c[0] for c in ENDS]
)
def test_an_approved_exemption_ends_the_fuka_in_the_same_transaction(
    client_for, cast, insured, kind, fields, ends
):
    premium = approved_additional(insured, cast["kakunin2"])
    entry, _ = reported(client_for, insured, kind)
    apply_lines(client_for, line(entry, insured, **fields))
    premium.refresh_from_db()
    assert premium.ceased_on == ends
    page = person_page(client_for, insured)
    if ends is None:
        assert premium.withdrawal_reason == ""
        return
    label = {"application": "全額免除", "statutory": "法定免除"}[kind]
    assert premium.withdrawal_reason == f"{label}の承認による非該当"
    assert (
        premium.decision == DecisionStatus.APPROVED
    )  # the 申出 was approved; it is no longer in force
    event = AuditEvent.objects.get(action=Action.UPDATE, details__付加="非該当（免除の承認）")
    assert event.person_id == insured.pk and event.details["免除区分"] == label
    assert f"{label}の承認による非該当" in page


# --- a 届書 that changed a record on file (16 取消申請) -------------------------------------
def test_jps_confirms_a_revocation_request_and_any_other_answer_is_a_conflict(
    client_for, cast, insured
):
    from .test_intake import _app_pk, approved_application

    approved_application(insured, cast["kakunin2"])
    data, rekey = DATA["revocation"]
    data = {k: (v(insured) if callable(v) else v) for k, v in data.items()}
    assert intake(client_for("madoguchi"), "revocation", insured, **data).status_code == 302
    entry = Entry.objects.get(person=insured, kind="exemptions.revocation")
    assert approve(client_for("kakunin"), entry, **rekey).status_code == 302
    client_for("shintatsu").post(
        "/jps/batches/new/", {"cutoff": timezone.localdate().isoformat(), "entry": [entry.pk]}
    )
    record = ExemptionApplication.objects.get(pk=int(_app_pk(insured)))
    assert record.decision == DecisionStatus.REVOKED

    refused = upload(client_for, line(entry, insured, cls="01", result="2"), name="kyakka.csv")
    assert (refused.matched, refused.conflicts) == (0, 1)
    screen = client_for("shintatsu").get(f"/jps/results/{refused.pk}/").content.decode()
    assert "自動では反映できません" in screen

    apply_lines(client_for, line(entry, insured, cls="01", result="4"))
    record.refresh_from_db()
    assert record.decision == DecisionStatus.REVOKED  # confirmed, not moved
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, person=insured, details__日本年金機構="届出の取消を確認"
    ).exists()
