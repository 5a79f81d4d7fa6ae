"""One tombstone for every row kept beside the chain (the diffs and, new, the search words).

`PurgedLogEntry` becomes `Tombstone` (its rows name `auditlog.LogEntry`); `SearchWords` holds the
words typed into a search, bound into the chain by the search event's digest (audit/bound.py).
The triggers of the renamed table and of the diffs are dropped first (their SQL names the old
table) and installed again for every audit table at the end."""

from django.db import migrations, models


def drop_old_triggers(apps, schema_editor):
    from audit.triggers import uninstall

    uninstall(schema_editor, tables=("auditlog_logentry", "audit_purgedlogentry"))


def install(apps, schema_editor):
    from audit.triggers import install

    install(schema_editor)


def uninstall_new(apps, schema_editor):
    from audit.triggers import uninstall

    uninstall(schema_editor, tables=("auditlog_logentry", "audit_tombstone", "audit_searchwords"))


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0009_purged_log_entries"),
    ]

    operations = [
        migrations.RunPython(drop_old_triggers, install),
        migrations.RenameModel("PurgedLogEntry", "Tombstone"),
        migrations.RenameField("tombstone", "log_entry_id", "object_id"),
        migrations.AlterField(
            model_name="tombstone",
            name="object_id",
            field=models.BigIntegerField(verbose_name="消去した記録のID"),
        ),
        migrations.AddField(
            model_name="tombstone",
            name="object_type",
            field=models.CharField(
                default="auditlog.LogEntry", max_length=60, verbose_name="消去した記録の種類"
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="tombstone",
            name="digest",
            field=models.CharField(max_length=80, verbose_name="SHA-256"),
        ),
        migrations.AddField(
            model_name="tombstone",
            name="cause",
            field=models.CharField(
                choices=[
                    ("purge", "保存期間満了による被保険者の消去"),
                    ("expiry", "検索語の保存期間満了"),
                ],
                default="purge",
                max_length=16,
                verbose_name="消去の理由",
            ),
        ),
        migrations.AlterModelOptions(
            name="tombstone",
            options={
                "verbose_name": "消去した記録の控え",
                "verbose_name_plural": "消去した記録の控え",
            },
        ),
        migrations.AddConstraint(
            model_name="tombstone",
            constraint=models.UniqueConstraint(
                fields=("object_type", "object_id"), name="audit_tombstone_one_per_row"
            ),
        ),
        migrations.CreateModel(
            name="SearchWords",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("words", models.TextField(verbose_name="検索語")),
                ("salt", models.CharField(max_length=32, verbose_name="ソルト")),
                ("created_at", models.DateTimeField(db_index=True, verbose_name="日時")),
            ],
            options={
                "verbose_name": "検索語",
                "verbose_name_plural": "検索語",
            },
        ),
        migrations.RunPython(install, uninstall_new),
    ]
