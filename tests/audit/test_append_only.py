"""Append-only in the database (SECURITY.md attack 11): the app's own connection cannot UPDATE,
DELETE or TRUNCATE audit rows — ours or django-auditlog's — and the production role cannot
switch the triggers off."""

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from audit.models import Action, AuditEvent
from audit.services import record
from audit.triggers import AUDIT_TABLES, installed_triggers
from qualifications.models import Person

from .conftest import make_person

STATEMENTS = {
    "audit_auditevent": [
        "UPDATE audit_auditevent SET details = '{}'",
        "UPDATE audit_auditevent SET client_ip = NULL",
        "DELETE FROM audit_auditevent",
    ],
    "auditlog_logentry": [
        "UPDATE auditlog_logentry SET changes_text = 'x'",
        "DELETE FROM auditlog_logentry",
    ],
}


@pytest.fixture
def rows_in_both_tables(person):
    """An AuditEvent, and an auditlog LogEntry (Person is registered for diffs), each LogEntry
    with the chained event that binds it."""
    record(Action.VIEW, person=person)
    person.address = "埼玉県熊谷市試験町2-2"
    person.save()
    assert LogEntry.objects.count() >= 1  # the update
    assert AuditEvent.objects.exclude(action=Action.FIELD_CHANGES).count() == 1
    return person


def refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError as exc:
        assert "append-only" in str(exc)
        return True
    return False


def test_every_audit_table_has_its_triggers(db):
    ops = {"UPDATE", "DELETE"} | ({"TRUNCATE"} if connection.vendor == "postgresql" else set())
    found = installed_triggers()
    for table in AUDIT_TABLES:
        assert {(table, op) for op in ops} <= found, table


def test_the_database_check_reports_a_missing_trigger(db):
    from audit.checks import audit_triggers_present

    assert audit_triggers_present(databases=["default"]) == []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute('DROP TRIGGER "audit_auditevent_append_only" ON audit_auditevent')
        else:
            cursor.execute('DROP TRIGGER "audit_auditevent_no_update"')
    (error,) = audit_triggers_present(databases=["default"])
    assert error.id == "audit.E001" and "audit_auditevent UPDATE" in error.msg


@pytest.mark.django_db
class TestTheAppConnectionCannotChangeAuditRows:
    @pytest.mark.parametrize("sql", [s for statements in STATEMENTS.values() for s in statements])
    def test_raw_sql_update_and_delete_raise(self, rows_in_both_tables, sql):
        before = AuditEvent.objects.count()
        assert refused(sql)
        assert AuditEvent.objects.count() == before

    @pytest.mark.postgres_only
    @pytest.mark.parametrize("table", AUDIT_TABLES)
    def test_truncate_raises(self, rows_in_both_tables, table):
        with connection.cursor() as cursor:  # run the deferred FK checks of the inserts above
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        before = AuditEvent.objects.count()
        assert refused(f'TRUNCATE "{table}"')
        assert AuditEvent.objects.count() == before

    def test_orm_update_delete_and_resave_raise(self, rows_in_both_tables):
        event = AuditEvent.objects.get(action=Action.VIEW)
        for attempt in (
            lambda: AuditEvent.objects.update(action=Action.LOGIN),
            lambda: AuditEvent.objects.all().delete(),
            lambda: LogEntry.objects.all().delete(),
            lambda: LogEntry.objects.update(changes_text=""),
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                attempt()
        event.details = {"changed": True}
        with pytest.raises(DatabaseError), transaction.atomic():
            event.save()
        assert AuditEvent.objects.get(action=Action.VIEW).details == {}

    def test_a_purged_person_leaves_their_audit_rows_as_they_were(self, rows_in_both_tables):
        from audit import chain

        person = rows_in_both_tables
        before = list(AuditEvent.objects.values())
        Person.objects.filter(pk=person.pk).delete()
        after = AuditEvent.objects.filter(pk__in=[row["id"] for row in before])
        assert list(after.values()) == before  # same person_id, same hashes
        assert chain.verify().ok
        assert LogEntry.objects.filter(action=LogEntry.Action.DELETE).exists()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite file access")
@pytest.mark.django_db
def test_another_program_opening_the_sqlite_file_cannot_update_either(rows_in_both_tables):
    """A connection without the application's audit_maintenance() cannot run the trigger."""
    import sqlite3

    raw = sqlite3.connect(connection.settings_dict["NAME"], uri=True)
    try:
        for sql in ("UPDATE audit_auditevent SET details = '{}'", "DELETE FROM auditlog_logentry"):
            with pytest.raises(sqlite3.OperationalError, match="no such function"):
                raw.execute(sql)
    finally:
        raw.close()


@pytest.mark.postgres_only
@pytest.mark.django_db
class TestProductionRole:
    """docs/audit.md: the app role has SELECT and INSERT on audit tables and is no superuser."""

    @pytest.fixture
    def app_role(self, rows_in_both_tables):
        with connection.cursor() as cursor:
            cursor.execute("CREATE ROLE kn_audit_test_app NOLOGIN")
            for table in AUDIT_TABLES:
                cursor.execute(f'GRANT SELECT, INSERT ON "{table}" TO kn_audit_test_app')
        return "kn_audit_test_app"

    def as_app(self, sql: str) -> str:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL ROLE kn_audit_test_app")
                cursor.execute(sql)
        except DatabaseError as exc:
            return str(exc)
        return ""

    def test_it_can_append_to_the_chain_with_select_and_insert_only(
        self, app_role, rows_in_both_tables
    ):
        from audit.services import record_many

        person = rows_in_both_tables
        head = AuditEvent.objects.count()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL ROLE kn_audit_test_app")
            event = record(Action.SEARCH, details={"該当件数": 1})
            batch = record_many(Action.VIEW, persons=[person, person])
        assert event.chain_position == head + 1
        assert [e.chain_position for e in batch] == [head + 2, head + 3]

    def test_it_can_read_but_not_change_or_switch_off_the_triggers(self, app_role):
        assert self.as_app("SELECT count(*) FROM audit_auditevent") == ""
        assert "permission denied" in self.as_app("UPDATE audit_auditevent SET details = '{}'")
        assert "permission denied" in self.as_app("DELETE FROM auditlog_logentry")
        assert "permission denied" in self.as_app("TRUNCATE audit_auditevent")
        assert "permission denied" in self.as_app("SET session_replication_role = replica")
        assert "must be owner" in self.as_app("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")


@pytest.mark.django_db(transaction=True)
class TestFlushBetweenTests:
    """pytest-django empties tables after transactional tests: allowed only by the test setting."""

    def test_flush_empties_audit_tables_when_allowed(self):
        make_person()
        record(Action.SEARCH, details={"該当件数": 0})
        call_command("flush", interactive=False, verbosity=0)
        assert not AuditEvent.objects.exists()
        assert not LogEntry.objects.exists()

    def test_flush_is_refused_without_the_setting(self):
        record(Action.SEARCH, details={"該当件数": 0})
        with override_settings(AUDIT_ALLOW_FLUSH=False), pytest.raises(CommandError):
            call_command("flush", interactive=False, verbosity=0)
        assert AuditEvent.objects.count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_audit_functions_set_their_own_search_path():
    """Issue 11, item 12: a caller's search_path cannot slip another audit_auditevent (or
    another sha256) under the append function."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, proconfig FROM pg_proc WHERE proname IN "
            "('audit_chain_append', 'audit_chain_append_many', 'audit_refuse_change')"
        )
        found = dict(cursor.fetchall())
    assert set(found) == {"audit_chain_append", "audit_chain_append_many", "audit_refuse_change"}
    for name, config in found.items():
        assert config and any(c.startswith("search_path=pg_catalog") for c in config), name
