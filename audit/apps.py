from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    """Append-only, hash-chained audit events and the auditor's screens (監査)."""

    name = "audit"
    verbose_name = "監査"

    def ready(self) -> None:
        from . import checks, diffs, receivers  # noqa: F401 - checks registers itself
        from .triggers import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="audit_sqlite_fn")
        receivers.connect_all()
        diffs.connect()
