# PostgreSQL: lock the chain, read its head, hash and insert in one round trip (audit/chain.py).

from django.db import migrations


def install(apps, schema_editor):
    from audit.chain import PG_APPEND_FUNCTION

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_APPEND_FUNCTION)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS audit_chain_append("
            "bigint, timestamptz, bigint, bigint, inet, varchar, varchar, bigint, varchar, "
            "varchar, jsonb, text, text)"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_append_only_triggers"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
