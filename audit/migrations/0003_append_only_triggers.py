# Append-only: triggers refusing UPDATE, DELETE (and TRUNCATE on PostgreSQL) on our audit table
# and django-auditlog's. See audit/triggers.py and docs/audit.md.

from django.db import migrations


def install(apps, schema_editor):
    from audit.triggers import install

    install(schema_editor)


def uninstall(apps, schema_editor):
    from audit.triggers import uninstall

    uninstall(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_hash_chain"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
