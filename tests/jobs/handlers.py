"""Job handlers used by the tests (importable by a real worker process too)."""

import time

from kokumin_nenkin.jobs.services import JobFailed, job_handler


@job_handler
def count_to(job, progress):
    n = job.params["n"]
    progress.start(total=n, message=f"{n}件を数えています")
    for _ in range(n):
        time.sleep(job.params.get("pause", 0))
        progress.advance()
    return {"summary": f"{n}件を数えました。", "next_url": f"/jobs/{job.pk}/", "file_ids": [7]}


@job_handler
def breaks(job, progress):
    progress.start(total=10, message="途中まで")
    progress.advance(3)
    raise RuntimeError("山田太郎 internal detail")


@job_handler
def refuses(job, progress):
    raise JobFailed("ファイルに誤りがあるため処理しませんでした。")


@job_handler
def links_elsewhere(job, progress):
    return {"next_url": "https://example.invalid/"}


def not_a_handler(job, progress):
    return {}


@job_handler
def records_once(job, progress):
    """Writes one audit event naming the job: a job run twice would show two."""
    from audit.models import Action
    from audit.services import record

    time.sleep(job.params.get("pause", 0))
    record(Action.EXPORT, target=job, details={"結果": "created", "件数": job.pk}, actor=job.owner)
    return {"summary": "記録しました。"}


@job_handler
def swept_while_running(job, progress):
    """Its worker is taken for stopped while it runs: the sweep marks the job failed, then the
    handler comes back with a result after all."""
    from datetime import timedelta

    from kokumin_nenkin.jobs.sweep import sweep_orphaned_jobs

    progress.start(total=4, message="作成しています")
    progress.advance(2)
    # no heartbeat names this worker (the in-process backend) and no progress for an hour
    silent = job.created_at - timedelta(hours=1)
    job.__class__.objects.filter(pk=job.pk).update(updated_at=silent)
    sweep_orphaned_jobs()
    progress.advance(2)
    return {"summary": "作成しました。"}
