"""Starting jobs, moving them through their states, and writing their progress.

A job handler is a plain function marked with `@job_handler`:

    @job_handler
    def build_outputs(job: Job, progress: Progress) -> dict:
        progress.start(total=len(items), message="報告書を作成しています")
        for item in items:
            ...
            progress.advance()
        return {"summary": "報告書 120件を作成しました。", "next_url": "/jps/batches/7/"}

and started with `job_start(handler=build_outputs, owner=user, label="報告書の作成", params={})`,
which queues its task only when the caller's transaction commits (`transaction.on_commit`).
Progress is written in its own short transactions (the worker runs outside any transaction),
at most every `Progress.min_interval` seconds, so polling sees it at once and the database is
not flooded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from kokumin_nenkin.identifiers import contains_my_number_like

from .models import FINISHED, TRANSITIONS, Job, Status

if TYPE_CHECKING:
    from kokumin_nenkin.accounts.models import Staff

Handler = Callable[[Job, "Progress"], dict | None]


class InvalidTransition(ValueError):
    pass


class JobFailed(Exception):
    """Raised by a handler for an expected failure; the message (Japanese) is shown."""


def job_handler(func: Handler) -> Handler:
    """Mark a function as a job handler (the worker runs nothing else)."""
    func.is_job_handler = True  # type: ignore[attr-defined]
    return func


def handler_path(func: Handler) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def _check_payload(payload: Any) -> None:
    import json

    if contains_my_number_like(json.dumps(payload, ensure_ascii=False, default=str)):
        raise ValueError("ジョブの内容に個人番号らしき12桁の数字は入れられません。")


@transaction.atomic
def job_start(
    *, handler: Handler, owner: Staff, label: str, params: dict | None = None, total: int = 0
) -> Job:
    """Create the job (queued) and queue its task once the caller's transaction commits: the
    worker never sees a job whose data is not committed yet, and a rolled-back request leaves
    no task behind (its job row goes with it)."""
    if not getattr(handler, "is_job_handler", False):
        raise ValueError(f"{handler_path(handler)} is not a @job_handler")
    params = params or {}
    _check_payload(params)
    job = Job.objects.create(
        kind=handler_path(handler), label=label, owner=owner, params=params, total=total
    )
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    """After commit: hand the job to the task backend (the immediate backend, in tests, runs
    it here and now) and keep the task's id on the job."""
    from .tasks import run_job

    task_result = run_job.enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_result_id=str(task_result.id))


def job_set_status(job_id: int, new: Status, **fields: Any) -> Job:
    """The one state-transition function: locks the row, refuses illegal moves."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        if new not in TRANSITIONS[job.status]:
            raise InvalidTransition(f"{job.status} → {new}")
        now = timezone.now()
        job.status = new
        if new == Status.RUNNING:
            job.started_at = now
        if new in FINISHED:
            job.finished_at = now
        for name, value in fields.items():
            setattr(job, name, value)
        job.save()
        return job


class Progress:
    """What a running handler reports; each write is one short UPDATE of the job row."""

    def __init__(self, job_id: int, *, min_interval: float = 0.5):
        self.job_id = job_id
        self.min_interval = min_interval
        self.total = 0
        self.done = 0
        self.message = ""
        self._last_write = 0.0

    def _write(self) -> None:
        with transaction.atomic():
            Job.objects.filter(pk=self.job_id, status=Status.RUNNING).update(
                total=self.total,
                done=min(self.done, self.total) if self.total else self.done,
                message=self.message[:300],
                updated_at=timezone.now(),
            )
        self._last_write = time.monotonic()

    def start(self, *, total: int, message: str = "") -> None:
        self.total, self.done, self.message = total, 0, message
        self._write()

    def advance(self, n: int = 1, *, message: str | None = None) -> None:
        self.done += n
        if message is not None:
            self.message = message
        if time.monotonic() - self._last_write >= self.min_interval or self.done >= self.total:
            self._write()

    def note(self, message: str) -> None:
        self.message = message
        self._write()

    def flush(self) -> None:
        self._write()
