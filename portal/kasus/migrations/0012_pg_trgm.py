from django.db import migrations


def create_extension(apps, schema_editor):
    # "Similar title" uses trigram similarity on PostgreSQL; SQLite falls back to word overlap.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies = [("kasus", "0011_kasus_titik")]

    operations = [migrations.RunPython(create_extension, migrations.RunPython.noop, elidable=True)]
