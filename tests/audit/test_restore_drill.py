"""The restore drill (docs/operations.md): dump, restore into a fresh database, verify the audit
chain there and compare every table's row count. PostgreSQL only (pg_dump / pg_restore)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.models import Action, AuditEvent
from audit.services import record
from tests.conftest import CAST, make_staff

pytestmark = pytest.mark.postgres_only

TARGET = f"{connection.settings_dict['NAME'].removeprefix('test_')}_restore"


def some_history():
    role, office = CAST["kansa"]
    auditor = make_staff("kansa", role, office)
    for n in range(5):
        record(Action.EXPORT, details={"結果": "created", "件数": n}, actor=auditor)
    return auditor


@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_verifies_the_chain_and_matches_every_count(tmp_path):
    some_history()
    out = StringIO()
    call_command("restore_drill", target=TARGET, replace=True, stdout=out)
    text = out.getvalue()
    assert "復元訓練は合格です" in text
    assert "監査ログのチェーンは正常です" in text
    assert "audit_auditevent" in text
    assert "不一致" not in text
    with connection.cursor() as cursor:  # dropped afterwards
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [TARGET])
        assert cursor.fetchone() is None


@pytest.mark.django_db(transaction=True)
def test_a_kept_dump_restores_and_later_growth_is_listed_not_failed(tmp_path):
    import subprocess

    from audit.management.commands.restore_drill import _libpq_env

    auditor = some_history()
    dump = tmp_path / "nightly.dump"
    command = ["pg_dump", "--format=custom", "--file", str(dump)]
    subprocess.run(  # noqa: S603
        [*command, connection.settings_dict["NAME"]],
        env=_libpq_env(connection.settings_dict),
        check=True,
    )
    record(Action.EXPORT, details={"結果": "created", "件数": 99}, actor=auditor)
    out = StringIO()
    call_command("restore_drill", dump=str(dump), target=TARGET, replace=True, stdout=out)
    text = out.getvalue()
    assert "復元訓練は合格です" in text
    assert "ダンプ後に増減" in text  # the audit table grew by one since the dump
    assert AuditEvent.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_a_dump_with_a_broken_chain_fails_the_drill(tmp_path):
    some_history()
    with connection.cursor() as cursor:  # a row rewritten behind the application's back
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(
            'UPDATE audit_auditevent SET details = \'{"結果": "forged"}\' WHERE chain_position = 2'
        )
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    with pytest.raises(CommandError, match="チェーン"):
        call_command("restore_drill", target=TARGET, replace=True, stdout=StringIO())
