"""The task worker's sign of life, read by `/healthz` (docs/operations.md) and by the sweep of
jobs left running by a worker that stopped (`sweep.py`)."""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def interval() -> int:
    return getattr(settings, "WORKER_HEARTBEAT_SECONDS", 30)


def beat(worker_id: str, *, started_at=None) -> None:
    """Touch the worker's row. `started_at` (the process's start) is written over the row of an
    earlier process with the same worker id: the sweep tells its jobs from this one's by it."""
    now = timezone.now()
    defaults = {"host": socket.gethostname()[:255], "pid": os.getpid(), "seen_at": now}
    if started_at is not None:
        defaults["started_at"] = started_at
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults=defaults,
        create_defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "seen_at": now,
            "started_at": started_at or now,
        },
    )


def forget(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def worker_alive() -> bool:
    """A worker beat within three intervals."""
    since = timezone.now() - timedelta(seconds=3 * interval())
    return WorkerHeartbeat.objects.filter(seen_at__gte=since).exists()


class HeartbeatThread(threading.Thread):
    """Beats from its own thread (so with its own database connection) while the worker runs
    a long job, and after each beat sweeps the jobs of workers that stopped; a database outage
    is logged and retried at the next beat.

    `beat_once()` is the first beat, called by `manage.py worker` in its own thread before it
    takes any task: the row (with this process's start time) exists before the first job is
    claimed, so no other worker's sweep takes that job for orphaned."""

    def __init__(self, worker_id: str):
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def beat_once(self) -> None:
        from .sweep import sweep_orphaned_jobs

        try:
            beat(self.worker_id, started_at=self.started_at)
        except Exception as exc:  # the database is away: try again at the next beat
            logger.warning("worker heartbeat not written (%s)", type(exc).__name__)
            connection.close()
            return
        try:
            sweep_orphaned_jobs()
        except Exception:  # never stops the heartbeat; tried again at the next beat
            logger.exception("sweep of jobs left running not done")
            connection.close()

    def run(self) -> None:
        while not self.stopped.wait(interval()):
            close_old_connections()
            self.beat_once()
        connection.close()

    def stop(self) -> None:
        self.stopped.set()
