"""The real thing: gunicorn (one sync worker, a kept connection, CONN_HEALTH_CHECKS) serves a
logged-in staff member; PostgreSQL kills that worker's connection (`pg_terminate_backend`, what a
restart does to it); the next requests succeed without restarting the app, and none is a 500."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import CAST, login, make_staff

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.postgres_only


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env() -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kokumin_nenkin.settings.test",
            "DATABASE_URL": url,
            "CONN_MAX_AGE": "600",  # the worker keeps its connection, as in production
        }
    )
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def get(url: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 - http only
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def terminate_other_backends() -> int:
    """Every other connection to this database, as a restart would end them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_next_request_after_the_connection_is_killed_succeeds():
    role, office = CAST["madoguchi"]
    user = make_staff("madoguchi", role, office)
    client = login(Client(), user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [
            sys.executable,
            "-m",
            "gunicorn",
            "kokumin_nenkin.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=server_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = get(base + "/", cookie)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert status == 200, body[:300]
        assert get(base + "/", cookie)[0] == 200

        killed = terminate_other_backends()
        assert killed >= 1  # the gunicorn worker's kept connection

        statuses = [get(base + "/", cookie)[0] for _ in range(5)]
        assert 500 not in statuses
        assert statuses == [200] * 5  # the health check reconnects before the first query

        # Killed in the middle of a run of requests, not only between them.
        for _ in range(3):
            terminate_other_backends()
            statuses = [get(base + path, cookie)[0] for path in ("/", "/healthz", "/")]
            assert 500 not in statuses
            assert statuses[-1] == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    output = server.stdout.read().decode(errors="replace") if server.stdout else ""
    assert "Traceback" not in output, output[-2000:]
