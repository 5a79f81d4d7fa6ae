"""On PostgreSQL, an index that returns persons in the search result order (フリガナ key in the
"C" collation, then id): the first page of a broad 前方一致 ('ヤマ') is read from it without
sorting every match (issue 16). SQLite: nothing."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS person_kana_order ON qualifications_person "
            '(kana_key COLLATE "C", id)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_kana_order")


class Migration(migrations.Migration):
    dependencies = [("qualifications", "0006_ordering_without_person_join")]

    operations = [migrations.RunPython(create, drop)]
