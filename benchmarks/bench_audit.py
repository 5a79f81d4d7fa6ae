"""Audit log costs.

1. Cost of auditing a request, on two real pages opened by a logged-in 確認担当 (full
   middleware stack, ATOMIC_REQUESTS, session, OTP), each against itself with `record()` made a
   no-op in the same run (requests interleaved). Target: ≤ 1.15×.
   - the person page of the qualifications app (one VIEW event);
   - the household and income panel of the exemptions app, which shows the applicant and spouse
     and writes one event per person shown, all in one round trip (`record_many`); compared in
     the same run with one `record()` per person ("loop").
2. Chain appends with 8 concurrent writers (PostgreSQL only): events/s, against 1 writer in the
   same run, then `verify_audit_chain` over everything written.

BENCH_AUDIT_REQUESTS (default 400 per mode) and BENCH_AUDIT_EVENTS (default 4000 events for
the concurrent part) set the sizes.
"""

import os
import statistics
import threading
import time
from unittest import mock

from django.db import connection, connections, transaction
from django.test import Client, override_settings

from audit import chain
from audit.models import Action, AuditEvent
from audit.services import record, record_many
from audit.triggers import maintenance
from kokumin_nenkin.accounts.models import Role
from qualifications.models import Household, Person

AUDITING = {"on": True, "mode": "on"}


def _persons(n: int) -> list[int]:
    import datetime as dt

    household = Household.objects.create(number="B00000000001")
    Person.objects.bulk_create(
        Person(
            addressee_number=f"B{i:010d}",
            family_name="試験",
            given_name=f"太郎{i}",
            family_name_kana="シケン",
            given_name_kana="タロウ",
            sex="1",
            birth_date=dt.date(1980, 1, 1),
            address="埼玉県熊谷市試験町1-1",
            household=household,
            relationship="世帯員",
        )
        for i in range(n)
    )
    return list(
        Person.objects.filter(addressee_number__startswith="B").values_list("pk", flat=True)
    )


def _couples(pks: list[int]) -> list[int]:
    """Pair the persons as spouses (the first of each pair the householder); return the
    second of each pair, whose household panel then shows two people (two audit events)."""
    persons = list(Person.objects.filter(pk__in=pks).order_by("pk"))
    for first, second in zip(persons[0::2], persons[1::2], strict=False):
        first.is_householder = True
        first.spouse = second
        second.spouse = first
    Person.objects.bulk_update(persons, ["is_householder", "spouse"])
    return [p.pk for p in persons[1::2]]


def _measure(client, urls: list[str], n: int, extra: tuple[str, ...] = ()) -> dict[str, float]:
    postgres = connection.vendor == "postgresql"
    # "async" (PostgreSQL only, diagnosis): auditing on, but the commit does not wait for the
    # WAL flush — it shows how much of the cost is the durable commit, since an audited read is
    # a write transaction and an unaudited one commits nothing.
    # "loop" (household panel only): auditing on, but one record() per person as before
    # record_many() — the same-run comparison of one round trip against one per event.
    modes = ["on", "off", *extra, *(["async"] if postgres else [])]
    times: dict[str, list[float]] = {m: [] for m in modes}
    events_before = AuditEvent.objects.count()
    # Requests alternate between the modes one by one (the order rotating), so load from other
    # processes falls on every mode alike; the median of each mode is compared.
    for i in range(n + 20):
        for j in range(len(modes)):
            mode = modes[(i + j) % len(modes)]
            AUDITING["on"] = mode != "off"
            AUDITING["mode"] = mode
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute(f"SET synchronous_commit = {'off' if mode == 'async' else 'on'}")
            started = time.perf_counter()
            response = client.get(urls[i % len(urls)])
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            if i >= 20:  # the first 20 rounds warm up
                times[mode].append(elapsed)
    AUDITING["on"] = True
    AUDITING["mode"] = "on"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
    written = AuditEvent.objects.count() - events_before
    audited_requests = (n + 20) * (len(modes) - 1)
    assert written >= audited_requests, "auditing on must write events, off none"
    return {m: statistics.median(t) for m, t in times.items()} | {
        "events": written / audited_requests
    }


def _describe(title: str, n: int, median: dict[str, float]) -> list[str]:
    on, off = median["on"], median["off"]
    title = f"{title} ({median['events']:.1f} events per audited request)"
    ratio = on / off
    lines = [
        f"{title}, {n} requests per mode, interleaved, median:",
        f"  auditing on: {on * 1000:.2f} ms/request",
        f"  auditing off (same page, record() a no-op): {off * 1000:.2f} ms/request",
        f"  ratio on / off: {ratio:.2f}x (target ≤ 1.15x: {'met' if ratio <= 1.15 else 'NOT met'})",
    ]
    if "loop" in median:
        lines.append(
            f"  comparison, auditing on with one record() per person (no record_many):"
            f" {median['loop'] * 1000:.2f} ms/request ({median['loop'] / off:.2f}x of off)"
        )
    if "async" in median:
        lines.append(
            f"  diagnosis, auditing on with synchronous_commit=off: {median['async'] * 1000:.2f}"
            f" ms/request ({median['async'] / off:.2f}x of off)"
        )
    return lines


def _switchable_record(*args, **kwargs):
    return record(*args, **kwargs) if AUDITING["on"] else None


def _switchable_record_many(action, *, persons, **kwargs):
    if not AUDITING["on"]:
        return []
    if AUDITING["mode"] == "loop":
        details = kwargs.pop("details", None)
        each = details if isinstance(details, list) else [details] * len(persons)
        return [
            record(action, person=p, details=d, **kwargs)
            for p, d in zip(persons, each, strict=True)
        ]
    return record_many(action, persons=persons, **kwargs)


def _request_cost(n: int) -> list[str]:
    from tests.conftest import login, make_staff

    staff = make_staff("bench_kakunin", Role.SUPERVISOR)
    client = login(Client(), staff)
    pks = _persons(50)
    from django.urls import reverse

    alone = pks[40:]  # persons without a household, as most persons on the register
    Person.objects.filter(pk__in=alone).update(household=None)
    person_urls = [reverse("qualifications:person", args=[pk]) for pk in alone]
    with mock.patch("qualifications.views.record", _switchable_record):
        lines = _describe("person page (qualifications)", n, _measure(client, person_urls, n))
    panel_urls = [reverse("exemptions:household_panel", args=[pk]) for pk in _couples(pks[:40])]
    with (
        mock.patch("exemptions.views.record", _switchable_record),
        mock.patch("exemptions.views.record_many", _switchable_record_many),
    ):
        lines += _describe(
            "household panel (exemptions, one event per person shown, record_many)",
            n,
            _measure(client, panel_urls, n, extra=("loop",)),
        )
    return lines


def _append(total: int, writers: int) -> float:
    per_writer = total // writers
    barrier = threading.Barrier(writers + 1)
    errors: list[Exception] = []

    def work():
        try:
            barrier.wait()
            for i in range(per_writer):
                with transaction.atomic():
                    record(Action.SEARCH, details={"hits": i})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(writers)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return per_writer * writers / elapsed


def _concurrent(total: int) -> list[str]:
    if connection.vendor != "postgresql":
        return ["chain appends with 8 writers: skipped (PostgreSQL only; SQLite has one writer)"]
    one = _append(total // 4, 1)
    eight = _append(total, 8)
    started = time.perf_counter()
    result = chain.verify()
    verified = time.perf_counter() - started
    return [
        f"chain appends, 1 writer (baseline): {one:,.0f} events/s",
        f"chain appends, 8 concurrent writers: {eight:,.0f} events/s "
        f"(ratio to 1 writer {eight / one:.2f}x)",
        f"verify_audit_chain: {'sound' if result.ok else 'BROKEN at ' + str(result.bad_position)}"
        f", {result.checked:,} events in {verified:.2f} s "
        f"({result.checked / verified:,.0f} events/s)",
    ]


def _clean() -> None:
    """Leave no audit rows behind (they protect persons that later benchmarks delete)."""
    from auditlog.models import LogEntry

    with transaction.atomic(), maintenance():
        AuditEvent.objects.all().delete()
        Person.objects.filter(addressee_number__startswith="B").delete()
        Household.objects.filter(number="B00000000001").delete()
        LogEntry.objects.all().delete()


def run() -> list[str]:
    n = int(os.environ.get("BENCH_AUDIT_REQUESTS", "400"))
    total = int(os.environ.get("BENCH_AUDIT_EVENTS", "4000"))
    lines = []
    try:
        with override_settings(AUDIT_REQUIRE_EVENTS=False):
            lines += _request_cost(n)
        lines += _concurrent(total)
    finally:
        _clean()
    return lines
