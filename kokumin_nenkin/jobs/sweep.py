"""Jobs left 処理中 by a worker that stopped: found and marked 失敗, never run again by themselves.

A worker process that dies in the middle of a job (killed, out of memory, the host restarted)
leaves the job row `running` and its task row `RUNNING`: nothing would ever move them, and the
owner's progress bar would wait for ever. `sweep_orphaned_jobs` runs when a worker starts
(`manage.py worker`, after its first heartbeat) and after every heartbeat of every worker. A
running job counts as orphaned when its worker (`Job.worker_id`):

- has a heartbeat row that is older than `stale_seconds()` (the worker stopped beating), or
- has a heartbeat row started after the job was (the worker id was restarted: the deployment
  runs one worker per host with `--worker-id` = the host name, so a restarted worker reuses the
  id; the process that took the job is gone), or
- has no heartbeat row (a worker that stopped takes its row with it; a job taken before worker
  ids were kept names none) and the job itself has shown no progress for `stale_seconds()`.

Such a job becomes 失敗 with `STOPPED_MESSAGE` (shown on its progress page), one audit event
(操作「更新」, 状態 処理中→失敗) and its task row marked failed. It is **not re-queued**: a job is
re-run only by a person (for a 進達 batch, 「出力を作成する」 on the batch page, which refuses when
the outputs were stored after all), so no job runs twice, even when a worker only looked dead
(a long database outage of its heartbeat thread). The decision is taken again under the job's
row lock, so two workers sweeping at once mark a job once.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record

from .heartbeat import interval
from .models import Job, Status, WorkerHeartbeat
from .services import InvalidTransition, job_set_status

logger = logging.getLogger(__name__)

STOPPED_MESSAGE = "処理中に処理サーバーが停止しました。もう一度実行してください。"


def stale_seconds() -> int:
    """How long a worker may be silent before its running jobs count as orphaned: the setting
    `JOB_STALE_SECONDS`, never less than the three missed beats after which /healthz calls the
    worker down."""
    return max(getattr(settings, "JOB_STALE_SECONDS", 300), 3 * interval())


def is_orphaned(job: Job, beat: WorkerHeartbeat | None, *, now: datetime) -> bool:
    cutoff = now - timedelta(seconds=stale_seconds())
    if beat is None:
        return job.updated_at < cutoff
    if beat.seen_at < cutoff:
        return True
    return job.started_at is not None and beat.started_at > job.started_at


def _heartbeats(worker_ids: set[str]) -> dict[str, WorkerHeartbeat]:
    rows = WorkerHeartbeat.objects.filter(worker_id__in=worker_ids - {""})
    return {row.worker_id: row for row in rows}


def orphaned_jobs(*, now: datetime | None = None) -> list[Job]:
    """The running jobs whose worker is gone (two queries: running jobs, their heartbeats)."""
    now = now or timezone.now()
    running = list(Job.objects.filter(status=Status.RUNNING).order_by("pk"))
    if not running:
        return []
    beats = _heartbeats({job.worker_id for job in running})
    return [job for job in running if is_orphaned(job, beats.get(job.worker_id), now=now)]


def _fail_task_row(job: Job) -> None:
    """The django-tasks-db row of the job's task, left RUNNING by the dead worker."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        task_id = uuid.UUID(job.task_result_id)
    except ValueError:  # no task row (the in-process backend): nothing to mark
        return
    DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=f"{__name__}.WorkerStopped",
        traceback="The worker running this task stopped (heartbeat stale); marked by the sweep.",
    )


def sweep_orphaned_jobs(*, now: datetime | None = None) -> list[int]:
    """Mark every orphaned job failed; the ids of the jobs marked."""
    swept = []
    for candidate in orphaned_jobs(now=now):
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(pk=candidate.pk).first()
            beat = _heartbeats({job.worker_id}).get(job.worker_id) if job else None
            if job is None or job.status != Status.RUNNING:
                continue  # finished meanwhile
            if not is_orphaned(job, beat, now=now or timezone.now()):
                continue  # its worker beat again meanwhile
            try:
                job_set_status(job.pk, Status.FAILED, message=STOPPED_MESSAGE)
            except InvalidTransition:
                continue
            record(
                Action.UPDATE,
                target=job,
                details={"処理": job.label, "状態": "処理中→失敗", "理由": STOPPED_MESSAGE},
            )
            _fail_task_row(job)
        where = f"{beat.host} pid {beat.pid}" if beat else "no heartbeat"
        logger.warning("job %s: its worker stopped (%s); marked failed", job.pk, where)
        swept.append(job.pk)
    return swept
