# PostgreSQL: the audit functions run with their own search_path (issue 11, item 12), so a
# table or function of the same name earlier on a caller's search_path is never used instead.

from django.db import migrations


def pin(apps, schema_editor):
    from audit.triggers import pin_search_path

    pin_search_path(schema_editor)


def unpin(apps, schema_editor):
    from audit.triggers import PG_FUNCTION_SIGNATURES

    if schema_editor.connection.vendor == "postgresql":
        for signature in PG_FUNCTION_SIGNATURES:
            schema_editor.execute(f"ALTER FUNCTION {signature} RESET search_path")


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_field_changes_action")]

    operations = [migrations.RunPython(pin, unpin)]
