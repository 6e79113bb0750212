from django.db import migrations

# The staff queue's text search (portal.kasus.selectors.search_q): a tsvector the database keeps in step with the
# case, in the 'simple' configuration (no Indonesian stemmer ships with PostgreSQL; 'simple' lowercases and splits),
# and a GIN index on it. PostgreSQL only: the model does not declare the column, and SQLite searches with LIKE.
FORWARD = """
ALTER TABLE kasus_kasus ADD COLUMN pencarian tsvector GENERATED ALWAYS AS (
    to_tsvector('simple'::regconfig, reference || ' ' || title || ' ' || summary)
) STORED;
CREATE INDEX kasus_pencarian ON kasus_kasus USING gin (pencarian);
"""
BACKWARD = "DROP INDEX IF EXISTS kasus_pencarian; ALTER TABLE kasus_kasus DROP COLUMN IF EXISTS pencarian;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("kasus", "0019_queue_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
