"""Glossary: a field name is structure, so English: `Audiensi.topic`, as `Kasus`/`PendaftaranSarasehan.topic`."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("audiensi", "0004_audiensi_starts_at_ends_at")]

    operations = [migrations.RenameField(model_name="audiensi", old_name="topik", new_name="topic")]
