"""Run by test_sqlite_concurrency.py in a child process, against a file-based SQLite database
(the test suite's own SQLite database is in memory): migrate, then two threads that each read and
then write audit events, transaction after transaction, overlapping. Prints JSON.

    DATABASE_URL=sqlite:///path/db.sqlite3 python -m tests.audit.sqlite_writers [MODE]

MODE overrides OPTIONS["transaction_mode"] (e.g. DEFERRED, to show what the setting prevents).
"""

import json
import os
import sys
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kokumin_nenkin.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

ROUNDS = 15


def main() -> None:
    options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    if len(sys.argv) > 1:
        options["transaction_mode"] = sys.argv[1]
    call_command("migrate", verbosity=0)
    connection.close()

    from audit import chain
    from audit.models import Action, AuditEvent
    from audit.services import record
    from qualifications.models import Person

    errors: list[str] = []
    barrier = threading.Barrier(2)

    def work(n: int) -> None:
        try:
            for i in range(ROUNDS):
                barrier.wait(timeout=30)
                with transaction.atomic():
                    Person.objects.count()  # a read first, as a view does before record()
                    time.sleep(0.01)
                    record(Action.SEARCH, details={"該当件数": n, "ページ": i})
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(
        json.dumps(
            {
                "transaction_mode": options.get("transaction_mode"),
                "errors": errors,
                "events": AuditEvent.objects.count(),
                "verified": chain.verify().ok,
            }
        )
    )


if __name__ == "__main__":
    main()
