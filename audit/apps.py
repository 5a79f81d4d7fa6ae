from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Append-only, hash-chained audit events and the auditor's screens (監査)."""

    name = "audit"
    verbose_name = "監査"
