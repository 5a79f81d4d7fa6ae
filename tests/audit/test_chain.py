"""The hash chain: gap-free positions, linked hashes, and verify_audit_chain finding tampering."""

import hashlib
import itertools
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from audit import chain
from audit.models import Action, AuditEvent
from audit.services import AuditWriteRefused, record, record_many

from .conftest import make_person, tamper


def verify_command(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit_chain", *args, stdout=out)
    return out.getvalue()


def verify_fails_at(*args) -> str:
    with pytest.raises(CommandError) as excinfo:
        verify_command(*args)
    assert excinfo.value.returncode == 1
    return str(excinfo.value)


@pytest.mark.django_db
class TestChainIsBuilt:
    def test_positions_are_gap_free_and_each_row_links_to_the_one_before(self, chain_of_five):
        rows = list(AuditEvent.objects.order_by("chain_position"))
        assert [r.chain_position for r in rows] == [1, 2, 3, 4, 5]
        assert rows[0].prev_hash == chain.GENESIS
        for before, after in itertools.pairwise(rows):
            assert after.prev_hash == before.row_hash

    def test_row_hash_is_sha256_of_prev_hash_and_canonical_json(self, chain_of_five):
        row = AuditEvent.objects.get(chain_position=3)
        values = {f: getattr(row, f) for f in chain.HASHED_FIELDS}
        expected = hashlib.sha256(row.prev_hash.encode() + chain.canonical_row(values)).hexdigest()
        assert row.row_hash == expected
        assert b'"action":"view"' in chain.canonical_row(values)

    def test_sound_chain_verifies_and_prints_the_head_hash(self, chain_of_five):
        out = verify_command()
        assert "正常" in out and "5 件" in out
        assert chain_of_five[-1].row_hash in out
        assert "位置 5" in out

    def test_empty_chain_verifies(self, db):
        assert "0 件" in verify_command()

    def test_details_with_a_my_number_like_run_are_refused_and_nothing_is_chained(self, person):
        with pytest.raises(AuditWriteRefused):
            record(Action.VIEW, person=person, details={"画面": "1234 5678 9012"})
        assert not AuditEvent.objects.exists()

    def test_details_that_mimic_the_position_key_hash_the_same_on_both_paths(
        self, person, settings
    ):
        settings.AUDIT_CHECK_DETAILS = False  # a key no real event has, on purpose
        record(Action.VIEW, details={"chain_position": 0, "note": '"chain_position":0,'})
        row = AuditEvent.objects.get()
        values = {f: getattr(row, f) for f in chain.HASHED_FIELDS}
        head, tail = chain.split_canonical(values)
        assert f"{head}1{tail}".encode() == chain.canonical_row(values)
        assert "正常" in verify_command()

    def test_dates_and_non_ascii_in_details_hash_the_same_after_reading_back(self, person):
        import datetime as dt

        record(
            Action.SEARCH,
            details={
                "解釈": "シケン　ハナコ",
                "条件": {"開始日": dt.date(2024, 4, 1)},
                "該当件数": 3,
            },
        )
        assert "正常" in verify_command()


@pytest.mark.django_db
class TestTamperingIsFound:
    """SECURITY.md attack 11, second half: each change is made with the triggers out of the
    way, as a superuser could, and verify_audit_chain names the first bad position."""

    def test_edited_details(self, chain_of_five):
        tamper("UPDATE audit_auditevent SET details = %s WHERE chain_position = 3", ['{"n": 99}'])
        assert "位置 3" in verify_fails_at()

    def test_edited_actor_with_the_row_hash_recomputed(self, chain_of_five, cast):
        row = AuditEvent.objects.get(chain_position=3)
        row.actor_id = cast["kansa"].pk
        values = {f: getattr(row, f) for f in chain.HASHED_FIELDS}
        forged = chain.row_hash(row.prev_hash, values)
        tamper(
            "UPDATE audit_auditevent SET actor_id = %s, row_hash = %s WHERE chain_position = 3",
            [cast["kansa"].pk, forged],
        )
        # Row 3 now fits, but row 4 points at the hash row 3 used to have.
        assert "位置 4" in verify_fails_at()

    def test_deleted_row(self, chain_of_five):
        tamper("DELETE FROM audit_auditevent WHERE chain_position = 2")
        message = verify_fails_at()
        assert "位置 2" in message and "欠落" in message

    def test_inserted_row_with_a_well_formed_hash(self, chain_of_five, person):
        # Make room at 3 by moving rows 3..5 up one, then forge a row at 3 linking to row 2.
        for position in (5, 4, 3):
            tamper(
                "UPDATE audit_auditevent SET chain_position = %s WHERE chain_position = %s",
                [position + 1, position],
            )
        second = AuditEvent.objects.get(chain_position=2)
        forged = AuditEvent(
            created_at=second.created_at,
            action=Action.VIEW,
            person=person,
            details={"forged": True},
            chain_position=3,
            prev_hash=second.row_hash,
        )
        forged.row_hash = chain.row_hash(
            second.row_hash, {f: getattr(forged, f) for f in chain.HASHED_FIELDS}
        )
        forged.save(force_insert=True)
        assert "位置 4" in verify_fails_at()

    def test_reordered_rows(self, chain_of_five):
        tamper("UPDATE audit_auditevent SET chain_position = 100 WHERE chain_position = 3")
        tamper("UPDATE audit_auditevent SET chain_position = 3 WHERE chain_position = 4")
        tamper("UPDATE audit_auditevent SET chain_position = 4 WHERE chain_position = 100")
        assert "位置 3" in verify_fails_at()

    def test_cut_off_tail_is_found_against_a_head_kept_outside(self, chain_of_five):
        head = chain_of_five[-1]
        anchor = f"{head.chain_position}:{head.row_hash}"
        assert "正常" in verify_command("--anchor", anchor)
        tamper("DELETE FROM audit_auditevent WHERE chain_position = 5")
        assert "正常" in verify_command()  # without the kept head a cut tail looks sound…
        assert "位置 5" in verify_fails_at("--anchor", anchor)  # …with it, it does not


def _write_events(n: int, errors: list, barrier: threading.Barrier) -> None:
    try:
        barrier.wait()
        for i in range(n):
            with transaction.atomic():
                record(
                    Action.SEARCH, details={"該当件数": threading.get_ident() % 1000, "ページ": i}
                )
    except Exception as exc:  # pragma: no cover - reported by the test
        errors.append(exc)
    finally:
        connections.close_all()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_or_break_the_chain():
    threads_n, per_thread = 8, 50
    errors: list = []
    barrier = threading.Barrier(threads_n)
    threads = [
        threading.Thread(target=_write_events, args=(per_thread, errors, barrier))
        for _ in range(threads_n)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    positions = list(AuditEvent.objects.values_list("chain_position", flat=True))
    assert sorted(positions) == list(range(1, threads_n * per_thread + 1))
    assert "正常" in verify_command()
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
class TestRecordMany:
    """record_many: several events in one round trip, at consecutive positions, same refusals."""

    def test_events_land_in_order_after_the_head_and_the_chain_verifies(self, person):
        other = make_person("900000000000002")
        third = make_person("900000000000003")
        record(Action.SEARCH, details={"該当件数": 3})
        events = record_many(
            Action.VIEW,
            persons=[person, other, third],
            details=[{"立場": "申請者"}, {"立場": "配偶者"}, {"立場": "世帯主"}],
        )
        assert [e.chain_position for e in events] == [2, 3, 4]
        rows = list(AuditEvent.objects.order_by("chain_position"))
        assert [r.person_id for r in rows[1:]] == [person.pk, other.pk, third.pk]
        assert [r.details["立場"] for r in rows[1:]] == ["申請者", "配偶者", "世帯主"]
        for before, after in itertools.pairwise(rows):
            assert after.prev_hash == before.row_hash
        assert [e.row_hash for e in events] == [r.row_hash for r in rows[1:]]
        assert "4 件" in verify_command()

    def test_one_statement_for_all_events(self, person):
        from django.test.utils import CaptureQueriesContext

        others = [make_person(f"90000000000001{i}") for i in range(4)]
        with CaptureQueriesContext(connection) as queries:
            record_many(Action.VIEW, persons=[person, *others], details={"画面": "世帯"})
        assert len([q for q in queries if "audit_" in q["sql"]]) == 1
        assert AuditEvent.objects.count() == 5
        assert "正常" in verify_command()

    def test_a_my_number_like_run_in_any_details_refuses_them_all(self, person):
        other = make_person("900000000000002")
        with pytest.raises(AuditWriteRefused):
            record_many(
                Action.VIEW,
                persons=[person, other],
                details=[{"件数": 1}, {"件数": "123456789012"}],
            )
        assert not AuditEvent.objects.exists()

    def test_no_persons_writes_nothing(self, db):
        assert record_many(Action.VIEW, persons=[]) == []
        assert not AuditEvent.objects.exists()

    def test_an_edit_inside_a_batch_is_found(self, person):
        others = [make_person(f"90000000000002{i}") for i in range(2)]
        record_many(Action.VIEW, persons=[person, *others])
        tamper("UPDATE audit_auditevent SET details = %s WHERE chain_position = 2", ['{"x": 1}'])
        assert "位置 2" in verify_fails_at()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_and_single_events_never_fork_the_chain(person):
    others = [make_person(f"90000000000003{i}") for i in range(2)]
    errors = []

    def writer(batch: bool):
        try:
            for _ in range(20):
                with transaction.atomic():
                    if batch:
                        record_many(Action.VIEW, persons=[person, *others])
                    else:
                        record(Action.VIEW, person=person)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(i % 2 == 0,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditEvent.objects.count() == 2 * 20 * 3 + 2 * 20
    assert "正常" in verify_command()


def test_a_rewrite_rehashed_to_the_end_is_named_where_it_starts(person, tmp_path):
    """Issue 11, item 11: heads kept every N events outside the database name the first kept
    head a rewrite changed — position 10 here, not the last position 30."""
    import json

    for i in range(30):
        record(Action.VIEW, person=person, details={"画面": "person", "ページ": i})
    kept = tmp_path / "heads.txt"
    assert "6 件の位置とハッシュを書き出しました" in verify_command(
        "--write-anchors", str(kept), "--every", "5"
    )
    assert kept.read_text().splitlines()[1].startswith("10:")
    # Rewrite position 10 and re-hash every row after it: the chain is sound in itself.
    events = list(AuditEvent.objects.filter(chain_position__gte=10).order_by("chain_position"))
    prev = AuditEvent.objects.get(chain_position=9).row_hash
    for event in events:
        if event.chain_position == 10:
            event.details = {"画面": "person", "ページ": 999}
        digest = chain.row_hash(prev, {f: getattr(event, f) for f in chain.HASHED_FIELDS})
        tamper(
            "UPDATE audit_auditevent SET details = %s, prev_hash = %s, row_hash = %s "
            "WHERE chain_position = %s",
            [json.dumps(event.details, ensure_ascii=False), prev, digest, event.chain_position],
        )
        prev = digest
    assert "正常" in verify_command()
    head_only = verify_fails_at("--anchor", kept.read_text().splitlines()[-1])
    assert "位置 30" in head_only  # the last head alone can only say "somewhere before 30"
    out = verify_fails_at("--anchors", str(kept))
    assert "位置 10 (" in out and "位置 6〜10 の間から書き換えられています" in out
