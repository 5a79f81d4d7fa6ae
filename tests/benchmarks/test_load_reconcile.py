"""The load benchmark's one-by-one reconciliation of entries (benchmarks/load/reconcile.py):
what the simulated staff were answered against what the database stored."""

from benchmarks.load.reconcile import Answered, reconcile

STORED = [(11, "202600000101"), (12, "202600000102"), (13, "202600000103")]


def test_every_answered_entry_stored_under_its_number_is_ok_and_the_rest_is_listed():
    result = reconcile([Answered(11, "202600000101"), Answered(12, None)], STORED)
    assert result.ok
    assert (result.answered, result.stored, result.unread) == (2, 3, 1)
    assert result.unanswered == ["202600000103"]  # cut when locust stopped: listed, not an error
    text = "\n".join(result.lines())
    assert "OK" in text and "stored but not answered: 2026-00000103" in text
    assert "202600000103" not in text  # never twelve digits in a row in the output


def test_an_answered_entry_missing_from_the_database_is_lost():
    result = reconcile([Answered(11, "202600000101"), Answered(99, "202600000199")], STORED)
    assert not result.ok
    assert result.lost == [Answered(99, "202600000199")]
    assert "lost: entry 99 2026-00000199" in "\n".join(result.lines())


def test_a_page_showing_another_number_than_the_stored_one_is_a_mismatch():
    result = reconcile([Answered(12, "202600000103")], STORED)
    assert not result.ok
    assert result.changed == [(Answered(12, "202600000103"), "202600000102")]


def test_an_entry_or_a_number_answered_twice_or_stored_twice_is_doubled():
    twice = reconcile([Answered(11, "202600000101"), Answered(11, None)], STORED)
    assert twice.doubled == ["202600000101"] and not twice.ok
    same_number = reconcile([Answered(11, "202600000101"), Answered(12, "202600000101")], STORED)
    assert "202600000101" in same_number.doubled
    stored_twice = reconcile([], [*STORED, (14, "202600000101")])
    assert stored_twice.doubled == ["202600000101"] and not stored_twice.ok


def test_nothing_answered_and_nothing_stored_is_ok():
    result = reconcile([], [])
    assert result.ok and result.lines()[0].startswith("entries reconciled one by one: OK")
