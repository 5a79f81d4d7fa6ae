"""Django's flush, able to empty the append-only audit tables when AUDIT_ALLOW_FLUSH is on.

pytest-django empties every table after each transactional test with `flush` (TRUNCATE on
PostgreSQL, DELETE on SQLite); the audit triggers would refuse that. The test settings turn
AUDIT_ALLOW_FLUSH on; everywhere else this is exactly Django's flush, and the triggers refuse
it. On PostgreSQL the bypass is `session_replication_role = replica`, which only a superuser may
set, so even with the setting on, the production role (SELECT and INSERT only) could not use it.
"""

from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from audit.triggers import flush_allowed, maintenance


class Command(DjangoFlush):
    def handle(self, **options):
        if not flush_allowed():
            return super().handle(**options)
        with maintenance(connections[options["database"]]):
            return super().handle(**options)
