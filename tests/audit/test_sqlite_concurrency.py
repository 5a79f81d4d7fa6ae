"""SQLite under concurrent requests: with OPTIONS["transaction_mode"] = "IMMEDIATE" (settings
base, SQLite branch) a transaction takes the write lock when it begins, so two requests that both
read and then write audit events wait their turn (busy timeout) instead of failing with
"database is locked". Run against a file-based database in a child process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite write lock; PostgreSQL has row locks"
)

ROOT = Path(__file__).resolve().parents[2]


def run_writers(db_file: Path, *mode: str) -> dict:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_file}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(  # noqa: S603 - our own module, with this interpreter
        [sys.executable, "-m", "tests.audit.sqlite_writers", *mode],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_settings_begin_sqlite_transactions_immediately():
    # The test database is SQLite too, built from the same settings.
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_two_threads_reading_then_writing_audit_events_both_succeed(tmp_path):
    result = run_writers(tmp_path / "db.sqlite3")
    assert result["transaction_mode"] == "IMMEDIATE"
    assert result["errors"] == []
    assert result["events"] == 30
    assert result["verified"]


def test_without_it_the_second_writer_fails_with_database_is_locked(tmp_path):
    """What the setting prevents: a deferred transaction that has read cannot upgrade to a
    write once another has committed (WAL: no busy wait for a stale snapshot)."""
    result = run_writers(tmp_path / "db.sqlite3", "DEFERRED")
    assert any("database is locked" in e for e in result["errors"]), result
    assert result["verified"]  # what was written is still a sound chain
