# PostgreSQL: several events appended in one round trip under the chain lock (audit/chain.py).

from django.db import migrations


def install(apps, schema_editor):
    from audit.chain import PG_APPEND_MANY_FUNCTION

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_APPEND_MANY_FUNCTION)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS audit_chain_append_many("
            "bigint, timestamptz[], bigint[], bigint[], inet[], varchar[], varchar[], bigint[], "
            "varchar[], varchar[], jsonb[], text[], text[])"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0005_person_outlives"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
