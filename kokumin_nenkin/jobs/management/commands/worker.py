"""`manage.py worker`: django-tasks-db's `db_worker` with a heartbeat for `/healthz`, and the
sweep of jobs left 処理中 by a worker that stopped (at start, then after every heartbeat;
`kokumin_nenkin/jobs/sweep.py`).

Same options as `db_worker` (`--queue-name`, `--interval`, `--batch`, `--worker-id`, ...). Run one
per host or several on one database: each claims a task with `SELECT ... FOR UPDATE SKIP LOCKED`
and marks it running in the same transaction, so no task runs twice (docs/deployment.md).
"""

import contextlib

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from kokumin_nenkin.jobs.heartbeat import HeartbeatThread, forget


class Command(DbWorkerCommand):
    help = (
        "Run the task worker (db_worker), write its heartbeat for /healthz and fail the jobs "
        "of workers that stopped."
    )

    def handle(self, *args, **options):
        worker_id = options["worker_id"]
        heartbeat = HeartbeatThread(worker_id)
        heartbeat.beat_once()  # the first beat and sweep, before any task is taken
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()
            heartbeat.join(timeout=5)
            with contextlib.suppress(Exception):  # the database is away: the row goes stale
                forget(worker_id)
