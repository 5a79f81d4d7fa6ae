"""Issue 16, item 10: the audit chain's head kept outside the database — an append-only file
written on a schedule (`anchor_audit_head`), at every confirmed batch and when the daily sheet
is printed — and `verify_audit_chain --anchors FILE` checking every recorded head, so a rewrite
of the tail re-hashed to the end is caught, and named at the right place."""

import io
import json
import os

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit import anchors, chain
from audit.models import Action, AuditEvent
from audit.services import record
from kokumin_nenkin import wareki
from tests.pdf import pdf_text

from .conftest import make_person, tamper
from .test_chain import verify_command, verify_fails_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchor_file(settings, tmp_path):
    path = tmp_path / "other-volume" / "audit-heads.jsonl"
    path.parent.mkdir()
    settings.AUDIT_ANCHOR_FILE = str(path)
    return path


def anchor_command(*args) -> str:
    out = io.StringIO()
    call_command("anchor_audit_head", *args, stdout=out)
    return out.getvalue()


def events(person, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        record(Action.VIEW, person=person, details={"画面": "person", "ページ": i})


def rewrite_from(position: int) -> None:
    """What an attacker with the database does: change one row, then re-hash every row after it
    so the chain is sound in itself (as tests/audit/test_chain.py tampers)."""
    rows = list(AuditEvent.objects.filter(chain_position__gte=position).order_by("chain_position"))
    prev = AuditEvent.objects.get(chain_position=position - 1).row_hash
    for event in rows:
        if event.chain_position == position:
            event.details = {"画面": "person", "ページ": 999}
        digest = chain.row_hash(prev, {f: getattr(event, f) for f in chain.HASHED_FIELDS})
        tamper(
            "UPDATE audit_auditevent SET details = %s, prev_hash = %s, row_hash = %s "
            "WHERE chain_position = %s",
            [json.dumps(event.details, ensure_ascii=False), prev, digest, event.chain_position],
        )
        prev = digest


def test_each_run_appends_one_json_line_flushed_to_disk(anchor_file, monkeypatch):
    person = make_person()
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    events(person, 3)
    assert "位置 3 ハッシュ" in anchor_command()
    first_line = anchor_file.read_text()
    events(person, 2, start=3)
    anchor_command()
    lines = anchor_file.read_text().splitlines()
    assert anchor_file.read_text().startswith(first_line)  # appended, never rewritten
    heads = [json.loads(line) for line in lines]
    assert [h["position"] for h in heads] == [3, 5]
    assert heads[1]["hash"] == AuditEvent.objects.get(chain_position=5).row_hash
    assert heads[0]["reason"] == "定時" and heads[0]["at"]
    assert len(synced) >= 2  # every line reached the disk before the command returned


def test_without_a_file_the_command_says_so(settings):
    settings.AUDIT_ANCHOR_FILE = ""
    with pytest.raises(CommandError, match="保管ファイルが設定されていません"):
        anchor_command()


def test_a_tail_rewritten_and_rehashed_is_caught_at_the_first_recorded_head_it_changed(
    anchor_file,
):
    person = make_person()
    for _ in range(3):  # heads at 10, 20 and 30, as a timer would leave them
        events(person, 10)
        anchor_command()
    assert [h.position for h in anchors.read_heads(anchor_file)] == [10, 20, 30]
    assert "正常" in verify_command("--anchors", str(anchor_file))

    rewrite_from(15)
    assert "正常" in verify_command()  # the chain alone cannot tell
    out = verify_fails_at("--anchors", str(anchor_file))
    assert "位置 20 (" in out and "位置 11〜20 の間から書き換えられています" in out
    assert "正常に検証できたのは位置 19 まで" in out


def test_a_chain_cut_short_is_caught_by_a_head_beyond_its_end(anchor_file):
    person = make_person()
    events(person, 12)
    anchor_command()
    tamper("DELETE FROM audit_auditevent WHERE chain_position > 8")
    out = verify_fails_at("--anchors", str(anchor_file))
    assert "位置 12 (保管済みの位置が存在しません)" in out


def test_two_hashes_for_one_position_in_the_file_are_refused(anchor_file):
    person = make_person()
    events(person, 2)
    anchor_command()
    with anchor_file.open("a") as kept:
        kept.write(json.dumps({"position": 2, "hash": "0" * 64, "at": None, "reason": ""}) + "\n")
    with pytest.raises(CommandError, match="位置 2 のハッシュが2通りあります"):
        verify_command("--anchors", str(anchor_file))


def test_the_older_position_hash_lines_are_read_by_the_same_mechanism(anchor_file, tmp_path):
    person = make_person()
    events(person, 10)
    old = tmp_path / "heads.txt"
    verify_command("--write-anchors", str(old), "--every", "5")
    rewrite_from(3)
    out = verify_fails_at("--anchors", str(old))
    assert "位置 5 (" in out and "位置 1〜5 の間から" in out


def test_a_confirmed_batch_appends_the_head_once_committed(
    anchor_file, cast, django_capture_on_commit_callbacks
):
    from jps_reporting.services import batch_confirm
    from tests.jps_reporting.flow import approved_acquisition

    entry = approved_acquisition(cast["madoguchi"], cast["kakunin"])
    with django_capture_on_commit_callbacks(execute=True):
        batch = batch_confirm(
            cutoff=timezone.localdate(),
            entry_ids=[entry.pk],
            messages={},
            actor=cast["shintatsu"],
        )
        assert not anchor_file.exists()  # nothing before the commit
    [head] = [h for h in anchors.read_heads(anchor_file) if h.reason.startswith("進達")]
    assert head.reason == f"進達 第{batch.number}号"
    created = AuditEvent.objects.filter(
        action=Action.CREATE, object_type="jps_reporting.Batch", object_id=str(batch.pk)
    ).get()
    assert head.position >= created.chain_position
    assert "正常" in verify_command("--anchors", str(anchor_file))


def test_the_auditor_prints_the_daily_sheet_with_the_heads_and_signature_boxes(
    client_for, anchor_file
):
    person = make_person()
    events(person, 4)
    anchor_command()
    auditor = client_for("kansa")
    last = AuditEvent.objects.order_by("-chain_position").first()
    response = auditor.get("/audit/daily-sheet.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    compact = text.replace(" ", "").replace("\n", "")
    assert "監査ログの日次確認票" in compact
    assert f"対象日 {wareki.format_date(timezone.localdate())}" in text
    assert "監査担当" in compact and "所属長" in compact and "確認日" in compact
    grouped = ":".join(last.row_hash[i : i + 8] for i in range(0, 64, 8))
    assert grouped in compact  # the head as printed: 8 groups of 8, easy to compare
    assert f"位置 {last.chain_position}" in text
    # Printing kept the printed head in the file too (paper and file hold the same head).
    heads = anchors.read_heads(anchor_file)
    assert heads[-1].reason == "日次監査票"
    assert heads[-1].position >= last.chain_position
    event = AuditEvent.objects.filter(action=Action.PRINT).latest("chain_position")
    assert event.details["帳票"] == "監査ログの日次確認票"


def test_the_daily_sheet_is_the_auditors_only_and_a_bad_day_is_a_japanese_400(client_for):
    assert client_for("madoguchi").get("/audit/daily-sheet.pdf").status_code == 403
    auditor = client_for("kansa")
    response = auditor.get("/audit/daily-sheet.pdf?day=あした")
    assert response.status_code == 400
    assert "対象日の指定に誤りがあります" in response.content.decode()
    past = auditor.get("/audit/daily-sheet.pdf?day=令和8年1月5日")
    assert past.status_code == 200
    assert "令和8年1月5日" in pdf_text(past.content)
