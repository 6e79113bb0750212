"""No two held audiensi of one pejabat overlap: a PostgreSQL exclusion constraint.

Runs only on PostgreSQL; on SQLite the locked check in audiensi.services is the guarantee.
The status list must match audiensi.models.HELD_STATUSES.
"""

from django.db import migrations

CONSTRAINT = "audiensi_no_overlap"

EXTENSION = "CREATE EXTENSION IF NOT EXISTS btree_gist"
CREATE = f"""
ALTER TABLE audiensi_audiensi ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (pejabat_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&)
    WHERE (status IN ('menunggu', 'diusulkan', 'dikonfirmasi', 'hadir'))
"""

DROP = f"ALTER TABLE audiensi_audiensi DROP CONSTRAINT IF EXISTS {CONSTRAINT}"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(EXTENSION, params=None)
        schema_editor.execute(CREATE, params=None)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audiensi", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
