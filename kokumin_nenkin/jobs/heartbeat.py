"""The task worker's sign of life, read by `/healthz` (docs/operations.md)."""

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
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": socket.gethostname()[:255], "pid": os.getpid(), "seen_at": now},
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
    a long job; a database outage is logged and retried at the next beat."""

    def __init__(self, worker_id: str):
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                beat(self.worker_id, started_at=self.started_at)
            except Exception as exc:  # the database is away: try again at the next beat
                logger.warning("worker heartbeat not written (%s)", type(exc).__name__)
                connection.close()
            self.stopped.wait(interval())
        connection.close()

    def stop(self) -> None:
        self.stopped.set()
