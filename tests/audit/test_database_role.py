"""Issue 11, item 12 (database): the application's PostgreSQL role is no superuser — a superuser
can turn the audit triggers off (`session_replication_role = replica`) and rewrite the log.
`manage.py check --database default` names a superuser connection."""

import pytest
from django.db import connection

from audit.checks import database_role_not_superuser


@pytest.mark.django_db
@pytest.mark.postgres_only
def test_a_superuser_connection_is_named_by_the_database_check():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
    ids = [w.id for w in database_role_not_superuser(databases=["default"])]
    assert ids == (["audit.W002"] if superuser else [])


@pytest.mark.django_db
@pytest.mark.postgres_only
def test_the_superuser_can_indeed_switch_the_triggers_off_so_the_warning_matters():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.skip("connected as a non-superuser (as in production)")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "replica"


@pytest.mark.django_db
def test_sqlite_needs_no_role_check():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL: see the tests above")
    assert database_role_not_superuser(databases=["default"]) == []
