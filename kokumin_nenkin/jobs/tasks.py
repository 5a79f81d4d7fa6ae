"""The one task the worker runs for every job: look up its handler, run it, record the end.

The job row names the worker that took it (`Job.worker_id`, from the task's context), so a job
whose worker died mid-run can be told from one still running (`sweep.py`). A job the sweep has
already marked failed is not overwritten when its handler does come back after all."""

import logging

from django.tasks import TaskContext, task
from django.utils.module_loading import import_string

from .models import Job, Status
from .services import InvalidTransition, JobFailed, Progress, _check_payload, job_set_status

logger = logging.getLogger(__name__)

FAILED_MESSAGE = (
    "処理中にエラーが発生しました。"
    "時間をおいて再度実行し、続く場合はシステム管理者に連絡してください。"
)


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int) -> str:
    worker_ids = context.task_result.worker_ids
    try:
        job = job_set_status(
            job_id,
            Status.RUNNING,
            message="処理を開始しました。",
            worker_id=(worker_ids[-1] if worker_ids else "")[:64],
        )
    except (Job.DoesNotExist, InvalidTransition):
        logger.warning("job %s: not queued any more, not run", job_id)
        return "skipped"
    try:
        return _run(job)
    except InvalidTransition:
        # The sweep took this worker for stopped and marked the job failed meanwhile (its
        # heartbeat was stale); the job keeps that state and its owner starts it again.
        logger.warning(
            "job %s: marked failed by the sweep while it ran; result not recorded", job.pk
        )
        return "swept"


def _run(job: Job) -> str:
    progress = Progress(job.pk)
    try:
        handler = import_string(job.kind)
        if not getattr(handler, "is_job_handler", False):
            raise ValueError(f"{job.kind} is not a @job_handler")
        result = handler(job, progress) or {}
        _check_payload(result)
        next_url = result.get("next_url", "")
        if next_url and (not next_url.startswith("/") or next_url.startswith("//")):
            raise ValueError("next_url must be a path on this site")
    except JobFailed as exc:
        job_set_status(job.pk, Status.FAILED, message=str(exc)[:300])
        return "failed"
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job_set_status(job.pk, Status.FAILED, message=FAILED_MESSAGE)
        return "failed"
    job_set_status(
        job.pk,
        Status.SUCCEEDED,
        done=progress.total or progress.done,
        total=progress.total or progress.done,
        message=str(result.get("summary", "完了しました。"))[:300],
        result=result,
        result_file_ids=list(result.get("file_ids", [])),
    )
    return "succeeded"
