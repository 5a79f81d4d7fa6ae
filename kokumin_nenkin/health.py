"""The parts `/healthz` checks, each answering "ok" or "down" (or why it is not checked).

- database: `SELECT 1` on the default connection (a broken connection is closed, so the next
  request reconnects).
- worker: a task worker (`manage.py worker`) wrote its heartbeat within three intervals
  (`WORKER_HEARTBEAT_SECONDS`); "not_used" when tasks do not go through the database worker.
- storage: the file area the app writes while working (uploads are spooled there, PDFs are
  rendered there before being stored with their SHA-256 in the database) is writable and has
  at least `HEALTH_MIN_FREE_MB` free. The stored outputs themselves are database rows.
"""

import os
import shutil
import tempfile

from django.conf import settings
from django.db import connection

OK, DOWN = "ok", "down"


def database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        from .outage import _drop_broken_connections

        _drop_broken_connections()
        return DOWN
    return OK


def worker() -> str:
    from django.tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend

    if not isinstance(task_backends["default"], DatabaseBackend):
        return "not_used"
    from .jobs.heartbeat import worker_alive

    try:
        return OK if worker_alive() else DOWN
    except Exception:
        return DOWN


def storage_path() -> str:
    return str(getattr(settings, "FILE_UPLOAD_TEMP_DIR", None) or tempfile.gettempdir())


def storage() -> str:
    path = storage_path()
    try:
        if not os.access(path, os.W_OK | os.X_OK):
            return DOWN
        free = shutil.disk_usage(path).free
    except OSError:
        return DOWN
    return OK if free >= settings.HEALTH_MIN_FREE_MB * 1024 * 1024 else DOWN
