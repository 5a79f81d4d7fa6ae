"""Jobs left 処理中 by a worker that stopped: the sweep marks them 失敗 with a message the owner
reads on the progress page, writes it to the audit log, and never runs them again. A job whose
worker still beats is left alone."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEvent
from kokumin_nenkin.jobs.heartbeat import HeartbeatThread
from kokumin_nenkin.jobs.models import Job, Status, WorkerHeartbeat
from kokumin_nenkin.jobs.sweep import STOPPED_MESSAGE, sweep_orphaned_jobs

from . import handlers

MESSAGE = "処理中に処理サーバーが停止しました。もう一度実行してください。"


def running_job(owner, *, worker_id: str, started_minutes_ago: int, silent_minutes: int) -> Job:
    """A job a worker took and reported progress on (40 of 100) before it went quiet."""
    now = timezone.now()
    job = Job.objects.create(
        kind="tests.jobs.handlers.count_to",
        label="進達 第7号の報告書の作成",
        owner=owner,
        params={"n": 100},
    )
    Job.objects.filter(pk=job.pk).update(
        status=Status.RUNNING,
        worker_id=worker_id,
        total=100,
        done=40,
        message="報告書を作成しています（2/5）",
        started_at=now - timedelta(minutes=started_minutes_ago),
        updated_at=now - timedelta(minutes=silent_minutes),
    )
    return job


def heartbeat(worker_id: str, *, seen_minutes_ago: int, started_minutes_ago: int = 60):
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        host="worker-1",
        pid=4321,
        started_at=now - timedelta(minutes=started_minutes_ago),
        seen_at=now - timedelta(minutes=seen_minutes_ago),
    )


def stopped_events(job):
    return AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="jobs.Job", object_id=str(job.pk)
    )


def test_the_message_is_the_one_the_office_agreed():
    assert STOPPED_MESSAGE == MESSAGE


def test_a_running_job_whose_worker_stopped_beating_is_failed_and_its_owner_is_told(
    cast, client_for, settings
):
    settings.JOB_STALE_SECONDS = 300
    job = running_job(
        cast["shintatsu"], worker_id="worker-1", started_minutes_ago=30, silent_minutes=20
    )
    heartbeat("worker-1", seen_minutes_ago=20)  # killed 20 minutes ago, no beat since

    assert sweep_orphaned_jobs() == [job.pk]

    job.refresh_from_db()
    assert job.status == Status.FAILED and job.finished_at
    assert job.message == MESSAGE
    (event,) = stopped_events(job)
    assert event.actor_id is None  # the system did it, not a member of staff
    assert event.details == {
        "処理": "進達 第7号の報告書の作成",
        "状態": "処理中→失敗",
        "理由": MESSAGE,
    }

    # What the owner sees: the bar is over, the state and the message say what to do.
    client = client_for("shintatsu")
    state = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert state["status_label"] == "失敗" and state["finished"] is True
    assert state["message"] == MESSAGE
    html = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert 'data-job-finished="true"' in html  # the page stops polling
    assert "失敗" in html and MESSAGE in html

    # A second sweep (another worker, the next beat) finds nothing more to do.
    assert sweep_orphaned_jobs() == []
    assert stopped_events(job).count() == 1


def test_a_running_job_whose_worker_still_beats_is_left_alone_however_quiet_the_job(cast, settings):
    settings.JOB_STALE_SECONDS = 300
    # a long step with no progress written for 50 minutes, but its worker beat a moment ago
    job = running_job(
        cast["shintatsu"], worker_id="worker-1", started_minutes_ago=60, silent_minutes=50
    )
    heartbeat("worker-1", seen_minutes_ago=0, started_minutes_ago=90)

    assert sweep_orphaned_jobs() == []
    job.refresh_from_db()
    assert job.status == Status.RUNNING and job.message == "報告書を作成しています（2/5）"
    assert not stopped_events(job).exists()


def test_a_worker_restarted_under_the_same_id_fails_the_job_its_earlier_process_left(
    cast, settings
):
    """The deployment names each host's worker by the host (`--worker-id %H`): after a crash the
    new process beats under the same id at once, yet the job it finds was not its own."""
    settings.JOB_STALE_SECONDS = 300
    job = running_job(
        cast["shintatsu"], worker_id="worker-1", started_minutes_ago=3, silent_minutes=1
    )
    heartbeat("worker-1", seen_minutes_ago=1, started_minutes_ago=10)  # the process that died

    HeartbeatThread("worker-1").beat_once()  # what `manage.py worker` does before any task

    job.refresh_from_db()
    assert job.status == Status.FAILED and job.message == MESSAGE
    beat = WorkerHeartbeat.objects.get(worker_id="worker-1")
    assert beat.started_at > job.started_at  # the row now names the new process


def test_a_job_whose_worker_left_no_heartbeat_waits_for_the_stale_time(cast, settings):
    settings.JOB_STALE_SECONDS = 300
    quiet = running_job(
        cast["shintatsu"], worker_id="gone", started_minutes_ago=30, silent_minutes=6
    )
    recent = running_job(
        cast["shintatsu"], worker_id="gone", started_minutes_ago=3, silent_minutes=1
    )

    assert sweep_orphaned_jobs() == [quiet.pk]
    recent.refresh_from_db()
    assert recent.status == Status.RUNNING


def test_queued_and_finished_jobs_are_never_touched(cast, settings):
    settings.JOB_STALE_SECONDS = 300
    owner = cast["shintatsu"]
    queued = Job.objects.create(kind="tests.jobs.handlers.count_to", label="待ち", owner=owner)
    done = Job.objects.create(kind="tests.jobs.handlers.count_to", label="完了", owner=owner)
    old = timezone.now() - timedelta(days=1)
    Job.objects.filter(pk=queued.pk).update(updated_at=old)
    Job.objects.filter(pk=done.pk).update(status=Status.SUCCEEDED, updated_at=old)

    assert sweep_orphaned_jobs() == []
    assert set(Job.objects.values_list("status", flat=True)) == {Status.QUEUED, Status.SUCCEEDED}


def test_a_job_swept_while_its_handler_still_ran_keeps_its_failure(
    cast, django_capture_on_commit_callbacks
):
    """A worker only taken for stopped comes back with a result: the job stays 失敗 (its owner
    was told to start it again), the result is not recorded over it."""
    from kokumin_nenkin.jobs.services import job_start

    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            handler=handlers.swept_while_running, owner=cast["shintatsu"], label="報告書の作成"
        )
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.message == MESSAGE
    assert job.result == {}
    assert stopped_events(job).count() == 1
