"""Append-only in the database: triggers that refuse UPDATE, DELETE (and TRUNCATE) on audit tables.

PostgreSQL: one plpgsql function raising an exception, a row trigger BEFORE UPDATE OR DELETE and
a statement trigger BEFORE TRUNCATE on each table. The triggers are ordinary (ENABLE) triggers,
so they stop firing only when `session_replication_role` is `replica` — a setting only a
superuser can change. The application's role is never a superuser (docs/audit.md: it has SELECT
and INSERT on these tables, nothing else), so for it the triggers cannot be switched off.

SQLite: BEFORE UPDATE / BEFORE DELETE triggers `SELECT RAISE(ABORT, …)` unless the connection's
`audit_maintenance()` function says otherwise. The application registers that function on each
of its connections, answering 0 except inside `maintenance()`; any other program opening the file
has no such function, so its UPDATE or DELETE fails as well. SQLite has no TRUNCATE (Django's
flush issues DELETE).

`maintenance()` exists for two callers only: the test suite's flush between transactional tests
(`audit/management/commands/flush.py`, allowed only with AUDIT_ALLOW_FLUSH, on in test settings)
and tests that tamper with rows on purpose to prove `verify_audit_chain` notices.
"""

import contextlib

from django.conf import settings
from django.db import connection as default_connection

# Our own tables and django-auditlog's.
AUDIT_TABLES = ("audit_auditevent", "auditlog_logentry", "audit_tombstone", "audit_searchwords")
# The one exception (docs/retention.md, audit/bound.py): a row kept beside the chain and bound
# into it by its digest — a django-auditlog diff, a search's words — may be DELETEd once its
# tombstone (audit_tombstone, append-only) holds its digest. Table → the tombstone's object_type.
PURGEABLE_TABLES = {
    "auditlog_logentry": "auditlog.LogEntry",
    "audit_searchwords": "audit.SearchWords",
}
TOMBSTONE_TABLE = "audit_tombstone"

# constant table names and labels only, no values
_TOMBSTONE_TYPE = " ".join(
    f"WHEN '{table}' THEN '{label}'" for table, label in PURGEABLE_TABLES.items()
)
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM {TOMBSTONE_TABLE} t
        WHERE t.object_type = (CASE TG_TABLE_NAME {_TOMBSTONE_TYPE} END)
          AND t.object_id = OLD.id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit table "%" is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""  # noqa: S608 - constant table names and labels only


def _pg_sql(table: str) -> list[str]:
    return [
        f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"',
        f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}"',
        f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()",
        f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
    ]


def _sqlite_sql(table: str, tombstones: bool = True) -> list[str]:
    sql = []
    for op in ("UPDATE", "DELETE"):
        name = f"{table}_no_{op.lower()}"
        allowed = ""
        if table in PURGEABLE_TABLES and op == "DELETE" and tombstones:
            # constant table names and labels only, no values
            allowed = (
                f'AND NOT EXISTS (SELECT 1 FROM "{TOMBSTONE_TABLE}" t '  # noqa: S608
                f"WHERE t.object_type = '{PURGEABLE_TABLES[table]}' AND t.object_id = OLD.id) "
            )
        sql.append(f'DROP TRIGGER IF EXISTS "{name}"')
        sql.append(
            f'CREATE TRIGGER "{name}" BEFORE {op} ON "{table}" '
            f"WHEN NOT audit_maintenance() {allowed}"
            f"BEGIN SELECT RAISE(ABORT, 'audit table {table} is append-only: {op} refused'); END"
        )
    return sql


# The PostgreSQL functions of the audit log, pinned to their own search_path (issue 11, item
# 12): a same-named table or function earlier on a caller's search_path is never used instead.
PG_FUNCTION_SIGNATURES = [
    "audit_chain_append(bigint, timestamptz, bigint, bigint, inet, varchar, varchar, bigint, "
    "varchar, varchar, jsonb, text, text)",
    "audit_chain_append_many(bigint, timestamptz[], bigint[], bigint[], inet[], varchar[], "
    "varchar[], bigint[], varchar[], varchar[], jsonb[], text[], text[])",
    "audit_refuse_change()",
]


def pin_search_path(schema_editor) -> None:
    """Set each audit function's search_path to pg_catalog and the schema it lives in."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = connection.ops.quote_name(cursor.fetchone()[0])
        for signature in PG_FUNCTION_SIGNATURES:
            cursor.execute("SELECT to_regprocedure(%s)", [signature])
            if cursor.fetchone()[0] is not None:
                cursor.execute(
                    f"ALTER FUNCTION {signature} SET search_path = pg_catalog, {schema}, pg_temp"
                )


def install(schema_editor, tables=AUDIT_TABLES) -> None:
    """Create (or re-create) the triggers. Call it again from any later migration that rebuilds
    an audit table on SQLite: rebuilding a table there drops its triggers."""
    vendor = schema_editor.connection.vendor
    # An earlier migration installs before a later table exists (the tombstones and the search
    # words, 0010).
    existing = set(schema_editor.connection.introspection.table_names())
    tables = tuple(t for t in tables if t in existing)
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            for table in tables:
                for statement in _pg_sql(table):
                    cursor.execute(statement)
        if vendor == "postgresql":
            pin_search_path(schema_editor)  # CREATE OR REPLACE dropped the setting
        elif vendor == "sqlite":
            for table in tables:
                for statement in _sqlite_sql(table, TOMBSTONE_TABLE in existing):
                    cursor.execute(statement)
        else:  # pragma: no cover - only the two engines are supported
            raise NotImplementedError(f"audit triggers for {vendor}")


def uninstall(schema_editor, tables=AUDIT_TABLES) -> None:
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for table in tables:
            if vendor == "postgresql":
                cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
                cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}"')
            else:
                cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_update"')
                cursor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_delete"')


def installed_triggers(connection=default_connection) -> set[tuple[str, str]]:
    """(table, operation) pairs the database currently refuses: for tests and the system check."""
    found: set[tuple[str, str]] = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgtype FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE p.proname = 'audit_refuse_change' AND t.tgenabled = 'O' "
                "AND NOT t.tgisinternal"
            )
            for table, tgtype in cursor.fetchall():
                # tgtype bits: 8 DELETE, 16 UPDATE, 32 TRUNCATE (PostgreSQL's trigger.h).
                for bit, op in ((8, "DELETE"), (16, "UPDATE"), (32, "TRUNCATE")):
                    if tgtype & bit:
                        found.add((table, op))
        else:
            cursor.execute("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            for table, sql in cursor.fetchall():
                for op in ("UPDATE", "DELETE"):
                    if f"BEFORE {op}" in sql and "RAISE(ABORT" in sql:
                        found.add((table, op))
    return found


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created receiver: give each SQLite connection its `audit_maintenance()`."""
    if connection.vendor != "sqlite":
        return
    connection.audit_maintenance = False
    connection.connection.create_function(
        "audit_maintenance", 0, lambda: 1 if getattr(connection, "audit_maintenance", False) else 0
    )
    # The chain's append statement hashes inside SQLite (audit/chain.py, SQLITE_APPEND_SQL).
    connection.connection.create_function("audit_sha256", 1, _sha256_hex, deterministic=True)


def _sha256_hex(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@contextlib.contextmanager
def maintenance(connection=default_connection):
    """Let this connection change audit rows for the duration. Superuser-only on PostgreSQL.

    For the test suite's flush and tamper tests only; nothing in the application calls it.
    """
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            if connection.connection is not None and not connection.needs_rollback:
                with connection.cursor() as cursor:
                    cursor.execute("RESET session_replication_role")
    else:
        connection.audit_maintenance = True
        try:
            yield
        finally:
            connection.audit_maintenance = False


def flush_allowed() -> bool:
    return bool(getattr(settings, "AUDIT_ALLOW_FLUSH", False))
