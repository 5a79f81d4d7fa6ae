"""The real thing: `manage.py db_worker` (django-tasks-db) in another process runs a job while
this process polls its progress over HTTP. Needs a database both processes share (PostgreSQL)."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.tasks import task_backends
from django.urls import reverse
from django_tasks_db.backend import DatabaseBackend

from kokumin_nenkin.jobs.models import Job, Status
from kokumin_nenkin.jobs.services import job_start
from tests.conftest import CAST, login, make_staff

from . import handlers

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.postgres_only  # a worker process cannot share SQLite's test database


@pytest.fixture
def database_backend():
    task_backends["default"] = DatabaseBackend(
        alias="default", params={"BACKEND": "django_tasks_db.DatabaseBackend"}
    )
    yield
    del task_backends["default"]


def worker_env() -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update({"DJANGO_SETTINGS_MODULE": "kokumin_nenkin.settings.dev", "DATABASE_URL": url})
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_runs_the_job_and_progress_is_seen_from_here(database_backend, client):
    role, office = CAST["shintatsu"]
    owner = make_staff("shintatsu", role, office)
    job = job_start(
        handler=handlers.count_to,
        owner=owner,
        label="報告書の作成",
        params={"n": 30, "pause": 0.1},
    )
    assert job.status == Status.QUEUED  # nothing runs in this process
    login(client, owner)
    url = reverse("jobs:status", args=[job.pk])
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--interval", "0.2"],
        cwd=ROOT,
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    seen_done = set()
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            state = client.get(url).json()
            seen_done.add(state["done"])
            if state["finished"]:
                break
            time.sleep(0.2)
        worker.wait(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    output = worker.stdout.read().decode(errors="replace") if worker.stdout else ""
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED, output
    assert (job.done, job.total) == (30, 30)
    assert any(0 < d < 30 for d in seen_done), (seen_done, output)  # progress seen mid-run
    assert Job.objects.get(pk=job.pk).message == "30件を数えました。"
