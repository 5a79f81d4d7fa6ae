"""The one task the worker runs for every job: look up its handler, run it, record the end."""

import logging

from django.tasks import task
from django.utils.module_loading import import_string

from .models import Job, Status
from .services import InvalidTransition, JobFailed, Progress, _check_payload, job_set_status

logger = logging.getLogger(__name__)

FAILED_MESSAGE = (
    "処理中にエラーが発生しました。"
    "時間をおいて再度実行し、続く場合はシステム管理者に連絡してください。"
)


@task()
def run_job(job_id: int) -> str:
    try:
        job = job_set_status(job_id, Status.RUNNING, message="処理を開始しました。")
    except (Job.DoesNotExist, InvalidTransition):
        logger.warning("job %s: not queued any more, not run", job_id)
        return "skipped"
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
