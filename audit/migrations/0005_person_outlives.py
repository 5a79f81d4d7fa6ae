# The audit row outlives the person: no database constraint on person (a retention purge may
# delete the person; the audit row stays as it was). SQLite rebuilds the table for this, which
# drops its triggers, so they are installed again.

import django.db.models.deletion
from django.db import migrations, models


def install(apps, schema_editor):
    from audit.triggers import install

    install(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_chain_append_function"),
        ("qualifications", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="person",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="qualifications.person",
                verbose_name="対象者",
            ),
        ),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
