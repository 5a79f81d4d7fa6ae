"""処理結果の取込 through real HTTP: the report clerk uploads JPS's F2 file (validated whole,
nothing kept on any error, the same file refused twice), reads the reconciliation, requests
the apply; a 確認担当 approves it through the verification screens; it applies exactly once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import Action, AuditEvent
from exemptions.models import (
    AdditionalPremium,
    DecisionChange,
    DecisionStatus,
    ExemptionApplication,
)
from jps_reporting.formats.f2 import HEADER
from jps_reporting.models import ResultsUpload
from jps_reporting.results import RESULTS_KIND
from jps_reporting.services import batch_confirm
from kokumin_nenkin.identifiers import find_my_number_like
from kokumin_nenkin.imports.models import ImportedFile
from kokumin_nenkin.verification.models import Entry, Status
from qualifications.models import Person
from tests.conftest import shown_version

from .flow import approved_acquisition, approved_additional, approved_exemption, results_rekey

UPLOAD = "/jps/results/"


@pytest.fixture
def reported(cast):
    """Three reported entries: an acquisition, an exemption and a second acquisition."""
    m, k = cast["madoguchi"], cast["kakunin"]
    entries = [approved_acquisition(m, k), approved_exemption(m, k), approved_acquisition(m, k)]
    batch_confirm(
        cutoff=timezone.localdate(),
        entry_ids=[e.pk for e in entries],
        messages={},
        actor=cast["shintatsu"],
    )
    return entries


def f2(*lines: str) -> str:
    return "\r\n".join([",".join(HEADER), *lines]) + "\r\n"


def good_file(entries) -> str:
    acq, exe, other = (e.receipt_number for e in entries)
    return f2(
        f"{acq},01,1234-567890,ｼｹﾝ ﾀﾛｳ,1990-06-15,,,,,,,,2026-11-20,",
        f"{exe},02,,シケン　タロウ,1990-06-15,01,1,,2024-07,2025-06,,,2026-11-20,",
        f"{other},01,2345-678901,シケン　タロウ,1991-01-01,,,,,,,,2026-11-20,",  # 生年月日 differs
        "209900000001,01,3456-789012,ﾍﾞﾂﾆﾝ ｲﾁﾛｳ,1980-01-01,,,,,,,,2026-11-20,",  # not ours
    )


def upload(client, text: str, *, encoding="utf-8", choice="auto", name="kekka.csv"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return client.post(
        UPLOAD, {"file": SimpleUploadedFile(name, data, "text/csv"), "encoding": choice}
    )


def test_the_whole_round_applies_the_results_exactly_once(client_for, reported, cast):
    acq, exe, other = reported
    clerk = client_for("shintatsu")
    response = upload(clerk, good_file(reported))
    saved = ResultsUpload.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jps/results/{saved.pk}/"
    assert (saved.matched, saved.unmatched, saved.conflicts) == (2, 1, 1)

    page = clerk.get(response["Location"]).content.decode()
    assert "一致 2件" in page and "該当なし 1件" in page and "不一致 1件" in page
    assert "生年月日が違います" in page and "報告していない受付番号です。" in page
    allowed = {e.receipt_number for e in reported} | {"209900000001"}
    assert not find_my_number_like(page, allow=allowed)
    assert Person.objects.get(pk=acq.person_id).basic_pension_number == ""  # nothing yet

    clerk.post(f"/jps/results/{saved.pk}/request/")
    entry = Entry.objects.get(kind=RESULTS_KIND)
    assert entry.status == Status.PENDING and entry.maker == cast["shintatsu"]
    assert entry.person_id is None and entry.form_code == "F2"

    # The clerk cannot approve their own request (no 確認担当 permission, and maker ≠ checker).
    assert (
        clerk.post(
            f"/entries/{entry.pk}/approve/",
            {"rekey-line_count": "4", "version": shown_version(entry)},
        ).status_code
        == 403
    )

    checker = client_for("kakunin")
    detail = checker.get(f"/entries/{entry.pk}/").content.decode()
    # line count and first 受付番号 re-keyed blind, from the printed reconciliation (no 届書)
    assert "kekka.csv" in detail and detail.count("（印刷した突合結果から入力して照合）") == 2
    assert "届書から" not in detail
    assert f'href="/jps/results/{saved.pk}/check/"' in detail
    assert "不一致 1件" in checker.get(f"/jps/results/{saved.pk}/check/").content.decode()
    assert checker.get(f"/jps/results/{saved.pk}/").status_code == 403
    wrong = checker.post(f"/entries/{entry.pk}/approve/", results_rekey(entry.pk, line_count="5"))
    assert wrong.status_code == 409
    assert Person.objects.get(pk=acq.person_id).basic_pension_number == ""

    assert checker.post(f"/entries/{entry.pk}/approve/", results_rekey(entry.pk)).status_code == 302
    entry.refresh_from_db()
    assert entry.status == Status.APPROVED and entry.checker == cast["kakunin"]
    assert Person.objects.get(pk=acq.person_id).basic_pension_number == "1234-567890"
    assert (
        Person.objects.get(pk=other.person_id).basic_pension_number == ""
    )  # conflict: not applied
    application = ExemptionApplication.objects.get(receipt_number=exe.receipt_number)
    assert application.decision == DecisionStatus.APPROVED and application.result == "1"
    assert (application.approved_start.isoformat(), application.approved_end.isoformat()) == (
        "2024-07-01",
        "2025-06-01",
    )
    assert ImportedFile.objects.filter(kind="jps_results", sha256=saved.sha256).count() == 1
    saved.refresh_from_db()
    assert saved.applied_at is not None
    event = AuditEvent.objects.get(action=Action.IMPORT, details__結果="applied")
    assert event.details["基礎年金番号付番"] == 1 and event.details["免除"] == 1

    # Exactly once: a second approval is refused, the same file is refused at upload.
    again = checker.post(f"/entries/{entry.pk}/approve/", results_rekey(entry.pk))
    assert again.status_code in (403, 409)
    response = upload(clerk, good_file(reported))
    assert response.status_code == 400
    assert "このファイルは既に取り込まれています" in response.content.decode()
    assert (
        DecisionChange.objects.filter(record_id=application.pk, to_decision="approved").count() == 1
    )
    assert (
        AuditEvent.objects.filter(
            action=Action.UPDATE, person_id=acq.person_id, details__基礎年金番号__isnull=False
        ).count()
        == 1
    )


def test_the_reconciliation_shows_code_labels_and_what_changes_on_which_record(
    client_for, reported, cast
):
    acq, exe, _ = reported
    clerk = client_for("shintatsu")
    upload(clerk, good_file(reported))
    saved = ResultsUpload.objects.get()
    clerk.post(f"/jps/results/{saved.pk}/request/")
    entry = Entry.objects.get(kind=RESULTS_KIND)
    checker = client_for("kakunin")
    for page in (
        clerk.get(f"/jps/results/{saved.pk}/").content.decode(),
        checker.get(f"/jps/results/{saved.pk}/check/").content.decode(),
    ):
        assert "01 基礎年金番号付番" in page and "02 免除等審査結果" in page and "1 承認" in page
        person = Person.objects.get(pk=acq.person_id)
        assert f"{person.addressee_number} {person}" in page
        assert "基礎年金番号: （未登録） → 1234-567890" in page
        assert "審査中 → 承認" in page and "承認期間 令和6年7月〜令和7年6月" in page
        # what the checker re-keys, printed with the reconciliation
        assert "データ行数 <strong>4行</strong>" in page
        assert f"最初の行の受付番号 <strong>{acq.receipt_number}</strong>" in page
        assert "data-print" in page
    wrong = checker.post(
        f"/entries/{entry.pk}/approve/",
        results_rekey(entry.pk, first_receipt_number=exe.receipt_number),
    )
    assert wrong.status_code == 409
    assert "最初の行の受付番号" in wrong.content.decode()
    assert Person.objects.get(pk=acq.person_id).basic_pension_number == ""
    assert checker.post(f"/entries/{entry.pk}/approve/", results_rekey(entry.pk)).status_code == 302
    assert Person.objects.get(pk=acq.person_id).basic_pension_number == "1234-567890"


def test_a_file_waiting_to_be_applied_is_not_taken_in_twice(client_for, reported):
    clerk = client_for("shintatsu")
    assert upload(clerk, good_file(reported)).status_code == 302
    response = upload(clerk, good_file(reported), encoding="cp932")  # same lines, other bytes
    assert response.status_code == 302  # a different file (its bytes differ) is its own upload
    response = upload(clerk, good_file(reported))
    assert response.status_code == 400
    assert "同じ内容のファイルが既に取り込まれ、反映を待っています。" in response.content.decode()
    assert ResultsUpload.objects.count() == 2


@pytest.mark.parametrize(
    ("make", "encoding", "choice", "message"),
    [
        (  # malformed: a 受付番号 of 11 digits
            lambda rn: f2(f"{rn[:-1]},01,1234-567890,ｼｹﾝ ﾀﾛｳ,1990-06-15,,,,,,,,2026-11-20,"),
            "utf-8",
            "auto",
            "2行目「受付番号」",
        ),
        (  # truncated: the last line cut in the middle
            lambda rn: f2(
                f"{rn},01,1234-567890,ｼｹﾝ ﾀﾛｳ,1990-06-15,,,,,,,,2026-11-20,",
                "209900000001,01,3456-7",
            ),
            "utf-8",
            "auto",
            "3行目",
        ),
        (  # wrong encoding: Shift_JIS bytes declared as UTF-8
            lambda rn: f2(f"{rn},01,1234-567890,シケン　タロウ,1990-06-15,,,,,,,,2026-11-20,"),
            "cp932",
            "utf-8",
            "UTF-8として読めない文字があります",
        ),
        (  # duplicate: the same 受付番号 twice
            lambda rn: f2(
                f"{rn},01,1234-567890,ｼｹﾝ ﾀﾛｳ,1990-06-15,,,,,,,,2026-11-20,",
                f"{rn},01,1234-567890,ｼｹﾝ ﾀﾛｳ,1990-06-15,,,,,,,,2026-11-20,",
            ),
            "utf-8",
            "auto",
            "3行目",
        ),
        (  # a rule between columns: 付番 without the number
            lambda rn: f2(f"{rn},01,,ｼｹﾝ ﾀﾛｳ,1990-06-15,,,,,,,,2026-11-20,"),
            "utf-8",
            "auto",
            "基礎年金番号付番（01）には必須です。",
        ),
    ],
    ids=["malformed", "truncated", "wrong-encoding", "duplicate", "rule"],
)
def test_a_bad_file_is_refused_with_line_numbered_japanese_errors_and_nothing_kept(
    client_for, reported, make, encoding, choice, message
):
    rn = reported[0].receipt_number
    response = upload(client_for("shintatsu"), make(rn), encoding=encoding, choice=choice)
    assert response.status_code == 400
    page = response.content.decode()
    assert "取り込めませんでした" in page and message in page
    assert not ResultsUpload.objects.exists()
    assert not ImportedFile.objects.exists()
    assert Person.objects.get(pk=reported[0].person_id).basic_pension_number == ""
    assert AuditEvent.objects.filter(action=Action.IMPORT, details__結果="refused").count() == 1


@pytest.mark.parametrize("name", ["madoguchi", "kakunin", "kansa"])
def test_only_the_report_clerk_uploads_results(client_for, reported, name):
    assert upload(client_for(name), good_file(reported)).status_code == 403


def test_a_fuka_result_is_applied_through_the_exemptions_service(client_for, cast):
    entry = approved_additional(cast["madoguchi"], cast["kakunin"])
    batch_confirm(
        cutoff=timezone.localdate(), entry_ids=[entry.pk], messages={}, actor=cast["shintatsu"]
    )
    premium = AdditionalPremium.objects.get(receipt_number=entry.receipt_number)
    # The entry went 進達済; the record still waits for JPS.
    assert Entry.objects.get(pk=entry.pk).status == Status.REPORTED
    assert premium.decision == DecisionStatus.AWAITING
    clerk = client_for("shintatsu")
    text = f2(f"{entry.receipt_number},03,,ｼｹﾝ ﾀﾛｳ,1990-06-15,,2,,,,,,2026-11-20,期限経過")
    assert upload(clerk, text).status_code == 302
    clerk.post(f"/jps/results/{ResultsUpload.objects.get().pk}/request/")
    request = Entry.objects.get(kind=RESULTS_KIND)
    response = client_for("kakunin").post(
        f"/entries/{request.pk}/approve/", results_rekey(request.pk)
    )
    assert response.status_code == 302
    premium.refresh_from_db()
    assert premium.decision == DecisionStatus.REJECTED and premium.result == "2"


def test_the_clerk_withdraws_a_returned_request_and_asks_again(client_for, reported, cast):
    clerk = client_for("shintatsu")
    upload(clerk, good_file(reported))
    saved = ResultsUpload.objects.get()
    clerk.post(f"/jps/results/{saved.pk}/request/")
    first = Entry.objects.get(kind=RESULTS_KIND)
    checker = client_for("kakunin")
    checker.post(f"/entries/{first.pk}/return/", {"reason": "件数を確認してください"})
    page = clerk.get(f"/jps/results/{saved.pk}/").content.decode()
    assert "差戻し理由: 件数を確認してください" in page
    assert clerk.post(f"/jps/results/{saved.pk}/withdraw/").status_code == 302
    first.refresh_from_db()
    assert first.status == Status.WITHDRAWN
    clerk.post(f"/jps/results/{saved.pk}/request/")
    second = Entry.objects.get(kind=RESULTS_KIND, status=Status.PENDING)
    saved.refresh_from_db()
    assert saved.entry == second and second != first
    assert (
        checker.post(f"/entries/{second.pk}/approve/", results_rekey(second.pk)).status_code == 302
    )
    assert Person.objects.get(pk=reported[0].person_id).basic_pension_number == "1234-567890"
