"""`manage.py check --database default`: the audit tables still have their append-only triggers.

Rebuilding a table on SQLite drops its triggers; a forgotten `audit.triggers.install()` in a
later migration shows up here (and in the test suite) instead of silently in production.
"""

from django.core.checks import Error, Tags, register
from django.db import connections


@register(Tags.database)
def audit_triggers_present(app_configs=None, databases=None, **kwargs):
    from .triggers import AUDIT_TABLES, installed_triggers

    errors = []
    for alias in databases or []:
        connection = connections[alias]
        ops = {"UPDATE", "DELETE"} | ({"TRUNCATE"} if connection.vendor == "postgresql" else set())
        tables = [t for t in AUDIT_TABLES if t in connection.introspection.table_names()]
        found = installed_triggers(connection) if tables else set()
        # A table not created yet gets its triggers from the migration that follows it.
        missing = sorted(
            f"{table} {op}" for table in tables for op in ops if (table, op) not in found
        )
        if missing:
            errors.append(
                Error(
                    f"監査テーブルの追記専用トリガーがありません: {', '.join(missing)}",
                    hint="audit.triggers.install(schema_editor) を呼ぶマイグレーションを"
                    "追加してください。",
                    id="audit.E001",
                )
            )
    return errors


@register(Tags.database)
def database_role_not_superuser(app_configs=None, databases=None, **kwargs):
    """A PostgreSQL superuser can switch the append-only triggers off
    (`session_replication_role = replica`) and rewrite the log: the application's role must not
    be one (README: `createuser --no-superuser`; docs/security.md)."""
    from django.core.checks import Warning as CheckWarning

    warnings = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            row = cursor.fetchone()
        if row and row[0]:
            warnings.append(
                CheckWarning(
                    f"データベース「{alias}」にスーパーユーザーで接続しています。スーパーユーザーは"
                    "監査ログの追記専用トリガーを無効にできます。",
                    hint="README の手順どおり --no-superuser のロールで接続してください。",
                    id="audit.W002",
                )
            )
    return warnings
