"""A worker process killed in the middle of a job (`kill -9`, a crash, the host going down): the
job it held is not left 処理中 for ever. The worker that comes next — the same host's restarted
worker at once, any other worker after `JOB_STALE_SECONDS` — marks it 失敗 with the message its
owner reads on the progress page; the job is not run a second time."""

import os
import signal
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from audit.models import Action, AuditEvent
from kokumin_nenkin.jobs.models import Job, Status
from kokumin_nenkin.jobs.services import job_start
from tests.conftest import CAST, login, make_staff

from . import handlers
from .test_two_workers import database_backend  # noqa: F401 - the fixture
from .test_worker_process import ROOT, worker_env

pytestmark = pytest.mark.postgres_only  # worker processes share the test database

MESSAGE = "処理中に処理サーバーが停止しました。もう一度実行してください。"


def start_worker(worker_id: str, *, batch: bool, stale: int = 300) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own command line
        [
            *(sys.executable, "manage.py", "worker", "--interval", "0.05"),
            *(["--batch"] if batch else []),
            *("--no-startup-delay", "--no-reload", "--worker-id", worker_id),
        ],
        cwd=ROOT,
        env={**worker_env(), "WORKER_HEARTBEAT_SECONDS": "1", "JOB_STALE_SECONDS": str(stale)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def output(worker: subprocess.Popen) -> str:
    return worker.stdout.read().decode(errors="replace")[-3000:] if worker.stdout else ""


def wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"not seen within {seconds} s: {what}")


def killed_in_the_middle(owner) -> Job:
    """A 20-second job, its worker killed (SIGKILL) once it has reported progress."""
    job = job_start(
        handler=handlers.count_to,
        owner=owner,
        label="報告書の作成",
        params={"n": 200, "pause": 0.1},
    )
    worker = start_worker("host-1", batch=False)
    try:
        wait_for(
            lambda: Job.objects.filter(pk=job.pk, status=Status.RUNNING, done__gt=0).exists(),
            120,
            "the job running with progress",
        )
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    time.sleep(1.5)
    job.refresh_from_db()
    assert job.status == Status.RUNNING and 0 < job.done < 200  # what was stuck before
    return job


def assert_failed_once_and_shown(job: Job, client) -> None:
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.message == MESSAGE
    task = DBTaskResult.objects.get(pk=job.task_result_id)
    assert task.status == "FAILED" and task.worker_ids == ["host-1"]  # claimed once, not re-run
    events = AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="jobs.Job", object_id=str(job.pk)
    )
    assert [e.details["状態"] for e in events] == ["処理中→失敗"]
    state = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert state["finished"] is True and state["status_label"] == "失敗"
    html = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert MESSAGE in html and 'data-job-finished="true"' in html
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "監査ログのチェーンは正常です" in out.getvalue()


@pytest.fixture
def stuck(database_backend, client):  # noqa: F811
    """(the job its killed worker left 処理中, its owner's logged-in client)."""
    role, office = CAST["shintatsu"]
    owner = make_staff("shintatsu", role, office)
    login(client, owner)
    return killed_in_the_middle(owner), client


@pytest.mark.django_db(transaction=True)
def test_the_same_hosts_restarted_worker_fails_the_job_its_killed_process_held(stuck):
    job, client = stuck

    restarted = start_worker("host-1", batch=True)  # systemd restarts it under the same id
    restarted.wait(timeout=120)
    assert restarted.returncode == 0, output(restarted)
    assert_failed_once_and_shown(job, client)


@pytest.mark.django_db(transaction=True)
def test_another_worker_fails_the_job_once_the_dead_ones_heartbeat_is_stale(stuck):
    job, client = stuck

    other = start_worker("host-2", batch=False, stale=3)  # 3 s: three missed beats of 1 s
    try:
        wait_for(
            lambda: Job.objects.filter(pk=job.pk, status=Status.FAILED).exists(),
            120,
            "the job marked failed by the other worker",
        )
    finally:
        other.send_signal(signal.SIGTERM)
        other.wait(timeout=60)
    assert_failed_once_and_shown(job, client)
