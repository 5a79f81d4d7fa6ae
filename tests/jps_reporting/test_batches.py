"""進達 through real HTTP as the report clerk: preview, 連絡欄, confirm, outputs made once and
stored with their SHA-256 in the audit event, reprint, designated terminals, 受付処理簿."""

import hashlib
import io
import json
import re

import pytest
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from audit.models import Action, AuditEvent
from audit.services import digest_for_details
from exemptions.models import DecisionStatus, ExemptionApplication
from jps_reporting.formats.f1 import parse_f1
from jps_reporting.models import Batch, BatchItem, BatchOutput
from jps_reporting.services import batch_confirm
from kokumin_nenkin.identifiers import find_my_number_like
from kokumin_nenkin.jobs.models import Job
from kokumin_nenkin.verification.models import Entry, Status
from qualifications.models import Person
from tests.kokumin_nenkin.test_pdf import fonts_of

from .flow import approved_acquisition, approved_exemption

NEW = "/jps/batches/new/"
DESIGNATED = "192.0.2.10"  # documentation ranges: no traffic leaves the test client
ELSEWHERE = "198.51.100.7"


@pytest.fixture
def terminals(settings):
    settings.EXPORT_ALLOWED_NETWORKS = ["192.0.2.0/28"]
    settings.TRUSTED_PROXIES = []


@pytest.fixture
def entries(cast):
    """Two acquisitions (one with a name the F1 file cannot hold) and one exemption."""
    m, k = cast["madoguchi"], cast["kakunin"]
    return [
        approved_acquisition(m, k),
        approved_acquisition(m, k, family_name="𠮷田"),  # outside CP932: paper only
        approved_exemption(m, k),
    ]


def today() -> str:
    return timezone.localdate().isoformat()


def confirm(client, entries, messages=None, **extra):
    data = {"cutoff": today(), "entry": [e.pk for e in entries]}
    for e in entries:
        data[f"message-{e.pk}"] = (messages or {}).get(e.pk, "")
    return client.post(NEW, data, **extra)


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def test_preview_counts_per_form_and_says_which_entries_go_on_paper_and_why(client_for, entries):
    response = client_for("shintatsu").get(NEW, {"cutoff": today()})
    assert response.status_code == 200
    page = response.content.decode()
    assert "未進達の受付 3件（紙のみ 1件）" in page
    assert re.search(r"<td>01</td><td>資格取得届</td><td>2件</td><td>1件</td>", page)
    assert re.search(
        r"<td>11</td><td>保険料免除・納付猶予申請書</td><td>1件</td><td>0件</td>", page
    )
    assert "無（紙のみ）" in page and "U+20BB7" in page  # the writer's reason, code point named
    assert not Batch.objects.exists()  # a preview changes nothing


def test_an_earlier_cutoff_leaves_later_approvals_out(client_for, entries):
    Entry.objects.filter(pk=entries[0].pk).update(
        decided_at=timezone.now() - timezone.timedelta(days=3)
    )
    cutoff = (timezone.localdate() - timezone.timedelta(days=1)).isoformat()
    page = client_for("shintatsu").get(NEW, {"cutoff": cutoff}).content.decode()
    assert "未進達の受付 1件（紙のみ 0件）" in page


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("あ" * 31, "連絡欄は30文字以内で入力してください。"),
        ("番号 1234 5678 9012 を確認", "連絡欄に12桁の数字は入力できません"),
        ("１２３４５６７８９０１２", "連絡欄に12桁の数字は入力できません"),
    ],
)
def test_a_bad_message_is_refused_next_to_its_item_and_nothing_is_confirmed(
    client_for, entries, message, error
):
    response = confirm(client_for("shintatsu"), entries, {entries[0].pk: message})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Batch.objects.exists()
    assert Entry.objects.filter(status=Status.APPROVED).count() == 3


def test_confirming_numbers_the_batch_stores_items_56_to_60_and_moves_entries_to_reported(
    client_for, entries, cast
):
    client = client_for("shintatsu")
    response = confirm(client, entries, {entries[0].pk: "転入による取得"})
    batch = Batch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{batch.job_id}/"
    assert batch.number == 1 and batch.output_status == Batch.OutputStatus.READY
    items = {i.entry_id: i for i in BatchItem.objects.all()}
    first, paper, exemption = (items[e.pk] for e in entries)
    assert (first.recorded_on_media, paper.recorded_on_media, exemption.recorded_on_media) == (
        True,
        False,
        True,
    )
    assert "U+20BB7" in paper.paper_reasons
    assert first.message == "転入による取得" and first.form_code == "01"
    assert exemption.form_code == "11" and exemption.report_target == "1"
    assert {i.reported_on for i in items.values()} == {timezone.localdate()}
    assert set(Entry.objects.values_list("status", flat=True)) == {Status.REPORTED}
    # Only the entries went 進達済: the exemption record still waits for JPS's decision.
    application = ExemptionApplication.objects.get(receipt_number=entries[2].receipt_number)
    assert application.decision == DecisionStatus.AWAITING
    # Nothing left to report; a second confirmation of the same entries is refused.
    assert "未進達の受付 0件" in client.get(NEW, {"cutoff": today()}).content.decode()
    again = confirm(client, entries)
    assert again.status_code == 400 and Batch.objects.count() == 1
    job = Job.objects.get(pk=batch.job_id)
    assert job.status == "succeeded" and job.owner == cast["shintatsu"]


def test_the_outputs_are_stored_once_with_their_sha256_in_the_audit_event(
    client_for, entries, terminals
):
    client = client_for("shintatsu")
    confirm(client, entries)
    batch = Batch.objects.get()
    outputs = {o.kind: o for o in BatchOutput.objects.filter(batch=batch)}
    assert set(outputs) == {"sheets", "transmittal", "f1"}
    event = AuditEvent.objects.get(action=Action.EXPORT, details__結果="created")
    for label, kind in (("報告書", "sheets"), ("送付書", "transmittal"), ("電子媒体", "f1")):
        content = bytes(outputs[kind].content)
        assert hashlib.sha256(content).hexdigest() == outputs[kind].sha256
        assert event.details["SHA-256"][label] == digest_for_details(outputs[kind].sha256)
    # Reprint and download serve exactly the stored bytes, and each is audited.
    for kind in ("sheets", "transmittal"):
        response = client.get(f"/jps/batches/{batch.pk}/{kind}/")
        assert response.status_code == 200 and response.content == bytes(outputs[kind].content)
    response = client.get(f"/jps/batches/{batch.pk}/f1/", REMOTE_ADDR=DESIGNATED)
    assert response.status_code == 200 and response.content == bytes(outputs["f1"].content)
    # the report sheets and the F1 file: one event per person in them (issue 11, item 4);
    # the 送付書 (counts only): one event
    persons = {i.entry.person_id for i in batch.items.select_related("entry")}
    served = AuditEvent.objects.filter(details__結果="served")
    sheets = served.filter(action=Action.PRINT, details__出力="報告書")
    assert {e.person_id for e in sheets} == persons and sheets.count() == len(persons)
    assert served.filter(action=Action.PRINT, details__出力="送付書", person=None).count() == 1
    f1 = served.filter(action=Action.EXPORT)
    assert {e.person_id for e in f1} == persons and f1.count() == len(persons)


def test_the_stored_f1_round_trips_through_cp932_and_holds_only_recordable_entries(
    client_for, entries
):
    confirm(client_for("shintatsu"), entries, {entries[0].pk: "ｶﾅ 連絡"})
    content = bytes(BatchOutput.objects.get(kind="f1").content)
    assert content.decode("cp932").encode("cp932") == content
    lines = content.split(b"\r\n")[:-1]
    assert all(len(line) == 300 for line in lines)
    records = parse_f1(content)
    data = [r for r in records if r["レコード区分"] == "2"]
    assert [r["受付番号"] for r in data] == sorted(
        [entries[0].receipt_number, entries[2].receipt_number]
    )
    assert records[0]["進達番号"] == "00000001" and records[-1]["データ件数"] == "000002"
    by_number = {r["受付番号"]: r for r in data}
    assert by_number[entries[0].receipt_number]["連絡欄"] == "カナ　連絡"
    assert by_number[entries[2].receipt_number]["免除区分"] == "01"


def test_no_output_holds_a_twelve_digit_run_but_the_receipt_numbers(client_for, entries):
    Person.objects.filter(pk=entries[0].person_id).update(basic_pension_number="1234-567890")
    confirm(client_for("shintatsu"), entries)
    allowed = {e.receipt_number for e in entries}
    for output in BatchOutput.objects.all():
        content = bytes(output.content)
        if output.kind == "f1":
            text = content.decode("cp932")
            # In the fixed-width record the fields touch: scan field by field.
            values = [v for r in parse_f1(content) for v in r.values()]
            assert not [v for v in values if find_my_number_like(v, allow=allowed)]
        else:
            reader = PdfReader(io.BytesIO(content))
            assert all(f["embedded"] for f in fonts_of(reader))
            text = text_of(content)
            assert "受付番号" in text or "送付書" in text
            assert not find_my_number_like(text, allow=allowed), output.kind
        assert text


def test_the_f1_download_is_refused_outside_designated_terminals_and_audited(
    client_for, entries, terminals
):
    client = client_for("shintatsu")
    confirm(client, entries)
    batch = Batch.objects.get()
    response = client.get(f"/jps/batches/{batch.pk}/f1/", REMOTE_ADDR=ELSEWHERE)
    assert response.status_code == 403
    assert "この端末からは出力できません" in response.content.decode()
    assert bytes(batch.outputs.get(kind="f1").content)[:20] not in response.content
    refusal = AuditEvent.objects.get(action=Action.EXPORT, details__結果="refused")
    assert refusal.client_ip == ELSEWHERE and refusal.actor.username == "shintatsu"
    assert not AuditEvent.objects.filter(details__結果="served").exists()


def test_a_batch_whose_entry_changed_is_never_silently_rebuilt(client_for, entries):
    client = client_for("shintatsu")
    confirm(client, entries)
    batch = Batch.objects.get()
    stored = {o.kind: bytes(o.content) for o in batch.outputs.all()}
    Person.objects.filter(pk=entries[0].person_id).update(address="熊谷市別町二丁目2番2号")
    # Reprint still serves what was sent, byte for byte.
    assert client.get(f"/jps/batches/{batch.pk}/sheets/").content == stored["sheets"]
    # Asking for a rebuild is refused while outputs exist ...
    response = client.post(f"/jps/batches/{batch.pk}/rebuild/", follow=True)
    assert "作り直しはできません" in response.content.decode()
    # ... and, were they missing (a failed first job), refused because an entry changed.
    BatchOutput.objects.filter(batch=batch).delete()
    response = client.post(f"/jps/batches/{batch.pk}/rebuild/", follow=True)
    assert "進達後に内容が変わった受付が1件あります" in response.content.decode()
    assert not BatchOutput.objects.exists()
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, details__結果="refused", details__理由="進達後の変更"
    ).exists()


def test_an_unchanged_batch_whose_outputs_are_missing_is_built_again(client_for, entries):
    client = client_for("shintatsu")
    confirm(client, entries)
    batch = Batch.objects.get()
    f1 = bytes(batch.outputs.get(kind="f1").content)
    BatchOutput.objects.filter(batch=batch).delete()
    response = client.post(f"/jps/batches/{batch.pk}/rebuild/")
    assert response.status_code == 302
    assert bytes(batch.outputs.get(kind="f1").content) == f1


def test_a_batch_whose_output_job_lost_its_worker_says_so_and_is_built_again(client_for, entries):
    """The worker died while making the outputs: the sweep marks the job 失敗; the batch page
    no longer says 作成中 for ever but 作成失敗 with the job's message, and offers the rebuild."""
    from datetime import timedelta

    from kokumin_nenkin.jobs.sweep import STOPPED_MESSAGE, sweep_orphaned_jobs

    client = client_for("shintatsu")
    confirm(client, entries)
    batch = Batch.objects.get()
    # as the dead worker left it: nothing stored (one transaction), the batch and job half-way
    BatchOutput.objects.filter(batch=batch).delete()
    Batch.objects.filter(pk=batch.pk).update(output_status=Batch.OutputStatus.PENDING)
    Job.objects.filter(pk=batch.job_id).update(
        status="running", updated_at=timezone.now() - timedelta(hours=1)
    )
    assert sweep_orphaned_jobs() == [batch.job_id]

    for url in (f"/jps/batches/{batch.pk}/", "/jps/"):
        html = client.get(url).content.decode()
        assert "作成失敗" in html and "作成中" not in html
    html = client.get(f"/jps/batches/{batch.pk}/").content.decode()
    assert STOPPED_MESSAGE in html and "出力を作成する" in html
    assert client.post(f"/jps/batches/{batch.pk}/rebuild/").status_code == 302
    batch.refresh_from_db()
    assert batch.output_status == Batch.OutputStatus.READY and batch.outputs.filter(kind="f1")


def test_a_batch_stored_with_the_former_snapshot_key_is_read_and_built_the_same(
    client_for, entries
):
    """Batches confirmed when the snapshot called 受付番号 `reception_number` stay readable:
    their fingerprints still match, and a rebuild gives the same file."""
    client = client_for("shintatsu")
    confirm(client, entries)
    batch = Batch.objects.get()
    f1 = bytes(batch.outputs.get(kind="f1").content)
    for item in BatchItem.objects.filter(batch=batch):
        old = {
            ("reception_number" if k == "receipt_number" else k): v
            for k, v in item.snapshot.items()
        }
        digest = hashlib.sha256(
            json.dumps(
                {k: v for k, v in old.items() if k != "message"},
                sort_keys=True,
                ensure_ascii=False,
            ).encode("utf-8")
        ).hexdigest()
        BatchItem.objects.filter(pk=item.pk).update(snapshot=old, fingerprint=digest)
    BatchOutput.objects.filter(batch=batch).delete()
    response = client.post(f"/jps/batches/{batch.pk}/rebuild/")
    assert response.status_code == 302
    assert bytes(batch.outputs.get(kind="f1").content) == f1


@pytest.mark.parametrize(("name", "status"), [("madoguchi", 403), ("kakunin", 403), ("kansa", 403)])
def test_only_the_report_clerk_reaches_the_batch_screens(client_for, entries, name, status):
    assert client_for(name).get(NEW, {"cutoff": today()}).status_code == status


def test_the_receipt_register_lists_a_days_entries_of_one_office(client_for, entries, cast):
    office = cast["madoguchi"].office
    client = client_for("shintatsu")
    response = client.get("/jps/register/", {"day": today(), "office": office.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert all(f["embedded"] for f in fonts_of(reader))
    text = re.sub(r"\s+", "", text_of(response.content))
    assert "受付処理簿" in text and re.sub(r"\s+", "", office.name) in text
    for e in entries:
        assert e.receipt_number in text
    assert not find_my_number_like(text, allow={e.receipt_number for e in entries})
    other = next(o for o in type(office).objects.exclude(pk=office.pk))
    text = text_of(client.get("/jps/register/", {"day": today(), "office": other.pk}).content)
    assert "この日の受付はありません" in text
    # one event per person on the register (issue 11, item 4), one for the empty register
    printed = AuditEvent.objects.filter(action=Action.PRINT, details__出力="受付処理簿")
    assert {e.person_id for e in printed if e.person_id} == {e.person_id for e in entries}
    assert printed.count() == len(entries) + 1


def test_the_home_page_shows_the_report_clerk_the_entries_waiting(client_for, entries):
    page = client_for("shintatsu").get("/").content.decode()
    assert "未進達の受付 3件" in page


def test_a_character_the_font_lacks_is_printed_as_geta_with_its_code_point(client_for, entries):
    confirm(client_for("shintatsu"), entries)
    sheets = bytes(BatchOutput.objects.get(kind="sheets").content)
    text = re.sub(r"\s+", "", text_of(sheets))  # the text layer stays readable
    assert "〓（U+20BB7）田" in text and "無（紙のみで報告）" in text
    transmittal = re.sub(
        r"\s+", "", text_of(bytes(BatchOutput.objects.get(kind="transmittal").content))
    )
    assert "送付書" in transmittal and "U+20BB7" in transmittal


def test_the_preview_is_in_the_access_history_of_every_person_it_lists(client_for, entries):
    page = client_for("shintatsu").get(NEW, {"cutoff": today()})
    assert page.status_code == 200
    listed = {e.person_id for e in entries}
    seen = AuditEvent.objects.filter(action=Action.VIEW, details__画面="進達のプレビュー")
    assert {e.person_id for e in seen} == listed
    assert all(e.actor.username == "shintatsu" for e in seen)


def test_outputs_are_made_only_once_the_confirmation_has_committed(
    entries, cast, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        batch_confirm(
            cutoff=timezone.localdate(),
            entry_ids=[e.pk for e in entries],
            messages={},
            actor=cast["shintatsu"],
        )
        assert Job.objects.get().status == "queued"  # nothing made inside
        assert not BatchOutput.objects.exists()
        raise RuntimeError("the request failed after the confirmation")
    assert callbacks == []  # the job left with the rolled-back transaction
    assert not Batch.objects.exists() and not BatchOutput.objects.exists()
    assert not Job.objects.exists()


def test_the_cutoff_opens_on_today(client_for):
    """Issue 14, item 9: the 進達 cut-off is pre-filled with today's date."""
    from kokumin_nenkin.wareki import format_date

    page = client_for("shintatsu").get(NEW).content.decode()
    field = re.search(r'<input[^>]*name="cutoff"[^>]*>', page).group(0)
    shown = re.search(r'value="([^"]*)"', field)
    today = timezone.localdate()
    assert shown is not None
    assert shown.group(1) in (format_date(today), today.isoformat())


def test_the_counter_prints_the_receipt_register_of_their_own_office(client_for, cast):
    """Issue 14, item 9: 窓口担当 (a branch office included) print the 受付処理簿 of their own
    office and day, today unless chosen; other offices' entries are not on it."""
    from kokumin_nenkin.verification import services as verification
    from kokumin_nenkin.wareki import format_date
    from tests.qualifications.factories import acquisition_payload, make_person

    mine = verification.entry_submit(
        kind="qualifications.acquisition",
        person=make_person(family_name="大里"),
        payload=acquisition_payload("2010-06-14"),
        actor=cast["oosato"],
    )
    theirs = verification.entry_submit(
        kind="qualifications.acquisition",
        person=make_person(family_name="本庁"),
        payload=acquisition_payload("2010-06-14"),
        actor=cast["madoguchi"],
    )
    clerk = client_for("oosato")
    assert "/jps/register/mine/" in clerk.get("/entries/mine/").content.decode()
    form = clerk.get("/jps/register/mine/").content.decode()
    assert "大里行政センター" in form
    today = timezone.localdate()
    response = clerk.get("/jps/register/mine/", {"day": today.isoformat()})
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    assert mine.receipt_number in text and theirs.receipt_number not in text
    # the sheet says who printed it and when (和暦 with the time), its pages numbered
    flat = re.sub(r"\s+", "", text)
    assert "印刷者oosatoテスト（大里行政センター）" in flat and "1/1" in flat
    assert f"印刷日時{format_date(today)}" in flat
    # the office cannot be chosen: a query naming another is ignored
    other = clerk.get("/jps/register/mine/", {"day": today.isoformat(), "office": "1"})
    assert mine.receipt_number in text_of(other.content)
