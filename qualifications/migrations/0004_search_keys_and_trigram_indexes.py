"""Fill the search keys of persons already registered, and on PostgreSQL add pg_trgm GIN
indexes so partial フリガナ / 氏名 / 住所 searches stay fast, and btree pattern indexes for the
前方一致 of short queries (SQLite has neither: skipped)."""

from django.db import migrations

from qualifications.normalise import kana_key, name_key, to_katakana

TRIGRAM_INDEXES = [
    ("person_kana_trgm", "kana_key"),
    ("person_name_trgm", "name_key"),
    ("person_address_trgm", "address"),
]
# 前方一致 (LIKE 'x%') for queries shorter than three characters, whatever the collation.
PREFIX_INDEXES = [
    ("person_kana_prefix", "kana_key"),
    ("person_given_kana_prefix", "given_name_kana"),
    ("person_name_prefix", "name_key"),
    ("person_given_name_prefix", "given_name"),
]


def fill_keys(apps, schema_editor):
    Person = apps.get_model("qualifications", "Person")
    batch = []
    for p in Person.objects.only(
        "id", "family_name", "given_name", "family_name_kana", "given_name_kana"
    ).iterator(chunk_size=2000):
        p.family_name_kana = to_katakana(p.family_name_kana)
        p.given_name_kana = to_katakana(p.given_name_kana)
        p.name_key = name_key(p.family_name + p.given_name)
        p.kana_key = kana_key(p.family_name_kana + p.given_name_kana)
        batch.append(p)
        if len(batch) >= 2000:
            Person.objects.bulk_update(
                batch, ["family_name_kana", "given_name_kana", "name_key", "kana_key"]
            )
            batch = []
    if batch:
        Person.objects.bulk_update(
            batch, ["family_name_kana", "given_name_kana", "name_key", "kana_key"]
        )


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON qualifications_person "
            f"USING gin ({column} gin_trgm_ops)"
        )
    for name, column in PREFIX_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON qualifications_person "
            f"({column} varchar_pattern_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in TRIGRAM_INDEXES + PREFIX_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("qualifications", "0003_history_links"),
    ]

    operations = [
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
