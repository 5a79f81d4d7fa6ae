"""`make bench-load`: staff at work against gunicorn on PostgreSQL, measured with locust.

    DATABASE_URL=postgres://…/kn_load python -m benchmarks.load.run

Environment (defaults in brackets): BENCH_LOAD_PERSONS [100000] persons (seed_demo tops the
database up, seed 11, as `python -m benchmarks search`), BENCH_LOAD_USERS [50] staff (one
verifier per 10, one report clerk, the rest counters), BENCH_LOAD_SPAWN_RATE [1] logins per
second (staggered), BENCH_LOAD_SECONDS [180] run time, BENCH_LOAD_WORKERS [5] gunicorn workers,
BENCH_LOAD_PORT [8765]. The database is the one named (not a throw-away one): the load staff
(`load-…`) are created once and kept, the entries they take in stay.

Prints p50 / p95 / p99 per screen, requests/s, errors, entries submitted vs stored, and the
entries reconciled one by one: every entry a user was answered with (entry id and 受付番号 read
back from the response) is stored under that number, none doubled, and the stored ones no user
saw answered are listed (`benchmarks/load/reconcile.py`).
"""

import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

SETTINGS = "kokumin_nenkin.settings.dev"  # DEBUG off, HTTP (prod asks for HTTPS cookies)
ROOT = Path(__file__).resolve().parents[2]


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()


def prepare(persons: int, users: int, plan_path: Path) -> dict:
    """Seed up to `persons`, create the load staff, write the locust plan."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kokumin_nenkin.accounts.models import Office, Role, Staff
    from kokumin_nenkin.accounts.totp import demo_key_for
    from kokumin_nenkin.verification.models import Entry
    from kokumin_nenkin.wareki import format_short
    from qualifications.models import Person

    if connection.vendor != "postgresql":
        sys.exit("bench-load needs PostgreSQL: set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0)
    have = Person.objects.count()
    if have < persons:
        print(f"seeding {persons - have:,} persons …", flush=True)
        call_command("seed_demo", persons=persons - have, seed=11, stdout=open(os.devnull, "w"))  # noqa: SIM115
    password = "Load-Test-Pass-2026!"  # noqa: S105 - synthetic load-test staff only
    office = Office.objects.get(code="honcho")
    accounts = []
    for i in range(users):
        role = Role.REPORT_CLERK if i == 0 else Role.SUPERVISOR if i % 10 == 1 else Role.COUNTER
        username = f"load-{role}-{i:03d}"
        staff = Staff.objects.filter(username=username).first()
        if staff is None:
            staff = Staff.objects.create_user(
                username=username,
                password=password,
                full_name=f"負荷試験 {i:03d}",
                role=role,
                office=office,
                must_change_password=False,
            )
            TOTPDevice.objects.create(
                user=staff, name="load", key=demo_key_for(username), confirmed=True
            )
        accounts.append(
            {
                "username": username,
                "role": {"counter": "counter", "supervisor": "supervisor"}.get(role, "clerk"),
                "key": demo_key_for(username),
            }
        )
    rng = random.Random(16)
    ids = list(Person.objects.values_list("id", flat=True))
    sample = list(Person.objects.filter(id__in=rng.sample(ids, 400)))
    # the search mix: 2-character kana prefixes (the broad ones), full kana names, 姓 in kanji
    terms = (
        [p.family_name_kana[:2] for p in sample[:150]]
        + [f"{p.family_name_kana} {p.given_name_kana}" for p in sample[150:250]]
        + [p.family_name for p in sample[250:]]
    )
    plan = {
        "password": password,
        "accounts": accounts,
        "terms": terms,
        "persons": [p.pk for p in sample],
        "today_wareki": format_short(timezone.localdate()),
    }
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    connection.close()
    last = Entry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return {
        "entries_before": Entry.objects.count(),
        "last_entry_before": last,
        "persons": Person.objects.count(),
    }


def _wait_for(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the server did not answer at {url}")


def _percentiles(csv_path: Path) -> list[str]:
    lines = [
        "| screen | requests | errors | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|",
    ]
    total = None
    with csv_path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cells = (
                f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} "
                f"| {row['50%']} | {row['95%']} | {row['99%']} |"
            )
            if row["Name"] == "Aggregated":
                total = row
            else:
                lines.append(cells)
    if total is not None:
        lines.append(
            f"all: {total['Request Count']} requests, {total['Failure Count']} errors, "
            f"{float(total['Requests/s']):.1f} requests/s, p50 {total['50%']} ms, "
            f"p95 {total['95%']} ms, p99 {total['99%']} ms"
        )
    return lines


def main() -> int:
    persons = int(os.environ.get("BENCH_LOAD_PERSONS", "100000"))
    users = int(os.environ.get("BENCH_LOAD_USERS", "50"))
    rate = os.environ.get("BENCH_LOAD_SPAWN_RATE", "1")
    seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "180"))
    workers = os.environ.get("BENCH_LOAD_WORKERS", "5")
    port = os.environ.get("BENCH_LOAD_PORT", "8765")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench-load needs PostgreSQL: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    _setup()
    work = Path(tempfile.mkdtemp(prefix="kn-load-"))
    plan_path = work / "plan.json"
    before = prepare(persons, users, plan_path)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "KN_LOAD_PLAN": str(plan_path)}
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(  # noqa: S603
        [
            str(bin_dir / "gunicorn"),
            "kokumin_nenkin.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            workers,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(work / "gunicorn.log").open("w"),
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        started = time.time()
        subprocess.run(  # noqa: S603
            [
                str(bin_dir / "locust"),
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                rate,
                "--run-time",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(work / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
        elapsed = time.time() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    from kokumin_nenkin.verification.models import Entry

    from .reconcile import Answered, reconcile

    submitted = json.loads((work / "plan.json.submitted").read_text(encoding="utf-8"))
    stored = Entry.objects.count() - before["entries_before"]
    answered_path = work / "plan.json.entries"
    answered = (
        json.loads(answered_path.read_text(encoding="utf-8")) if answered_path.exists() else []
    )
    # the load's own entries made during the run (load staff, after the last entry before it)
    stored_rows = Entry.objects.filter(
        pk__gt=before["last_entry_before"], maker__username__startswith="load-"
    ).values_list("pk", "receipt_number")
    reconciled = reconcile([Answered(a["pk"], a["receipt"]) for a in answered], stored_rows)
    print(f"\n## load — {users} staff, {before['persons']:,} persons, gunicorn {workers} workers")
    print(f"run: {elapsed:.0f} s with logins spread at {rate} per second")
    for line in _percentiles(work / "load_stats.csv"):
        print(line)
    print(
        f"entries submitted {submitted['entries']}, stored {stored} "
        f"(approvals {submitted['approved']}, approvals that found the entry already approved "
        f"{submitted['conflicts']}; intakes refused before typing, e.g. 既に受付中, "
        f"{submitted.get('refused_at_intake', 0)})"
    )
    for line in reconciled.lines():
        print(line)
    errors = (work / "load_failures.csv").read_text(encoding="utf-8").strip().splitlines()[1:]
    for line in errors[:10]:
        print(f"error: {line}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
