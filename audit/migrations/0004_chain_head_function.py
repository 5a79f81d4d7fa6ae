# PostgreSQL: take the chain lock and read the chain head in one round trip (audit/chain.py).

from django.db import migrations


def install(apps, schema_editor):
    from audit.chain import PG_LOCK_AND_HEAD_FUNCTION

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_LOCK_AND_HEAD_FUNCTION)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_chain_lock_head(bigint)")


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_append_only_triggers"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
