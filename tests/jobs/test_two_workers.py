"""Several instances: two task-worker processes (`manage.py worker`) on one queue and one
database. Every job runs exactly once (a task is claimed with SELECT … FOR UPDATE SKIP LOCKED
and marked running in the same transaction), both workers take work, their heartbeats are seen
by /healthz, and the audit chain written by both verifies."""

import subprocess
import sys
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from audit.models import Action, AuditEvent
from kokumin_nenkin.jobs.models import Job, Status, WorkerHeartbeat
from kokumin_nenkin.jobs.services import job_start
from tests.conftest import CAST, make_staff

from . import handlers
from .test_worker_process import ROOT, worker_env

pytestmark = pytest.mark.postgres_only

JOBS = 24


@pytest.fixture
def database_backend():
    task_backends["default"] = DatabaseBackend(
        alias="default", params={"BACKEND": "django_tasks_db.DatabaseBackend"}
    )
    yield
    del task_backends["default"]


def start_worker(worker_id: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own command line
        [
            *(sys.executable, "manage.py", "worker", "--batch", "--interval", "0.05"),
            *("--no-startup-delay", "--no-reload", "--worker-id", worker_id),
        ],
        cwd=ROOT,
        env={**worker_env(), "WORKER_HEARTBEAT_SECONDS": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_one_queue_run_every_job_exactly_once(database_backend, client):
    role, office = CAST["shintatsu"]
    owner = make_staff("shintatsu", role, office)
    jobs = [
        job_start(
            handler=handlers.records_once,
            owner=owner,
            label="報告書の作成",
            params={"pause": 0.25},
        )
        for _ in range(JOBS)
    ]
    assert DBTaskResult.objects.count() == JOBS
    workers = [start_worker("worker-a"), start_worker("worker-b")]
    try:
        deadline = time.monotonic() + 180
        seen_alive = False
        while time.monotonic() < deadline and any(w.poll() is None for w in workers):
            seen_alive = seen_alive or client.get("/healthz").json()["worker"] == "ok"
            time.sleep(0.1)
        for worker in workers:
            worker.wait(timeout=120)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    output = "\n".join(w.stdout.read().decode(errors="replace") for w in workers if w.stdout)
    assert all(w.returncode == 0 for w in workers), output[-3000:]

    assert seen_alive, "the workers' heartbeat was not seen by /healthz"
    statuses = {job.pk: Job.objects.get(pk=job.pk).status for job in jobs}
    assert set(statuses.values()) == {Status.SUCCEEDED}, output[-3000:]
    # Exactly one run per job: one claim per task, one audit event per job.
    claims = [r.worker_ids for r in DBTaskResult.objects.all()]
    assert all(len(ids) == 1 for ids in claims), claims
    by_worker = {ids[0] for ids in claims}
    assert by_worker == {"worker-a", "worker-b"}, "both workers should have taken jobs"
    events = AuditEvent.objects.filter(action=Action.EXPORT, details__結果="created")
    counted = sorted(e.details["件数"] for e in events)
    assert counted == sorted(job.pk for job in jobs)
    # A worker that stopped cleanly takes its heartbeat with it.
    assert not WorkerHeartbeat.objects.exists()

    out = StringIO()
    call_command("verify_audit_chain", stdout=out)  # raises (exit 1) on a broken chain
    assert "監査ログのチェーンは正常です" in out.getvalue()
