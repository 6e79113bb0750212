"""Glossary: an audiensi's time span is `starts_at`/`ends_at`, as a sarasehan's (README "Glossary decisions").

The index and check constraint naming the old fields are dropped first and rebuilt on the new names; PostgreSQL
keeps the exclusion constraint of 0002 on the renamed columns by itself.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audiensi", "0003_setting_ranges")]

    operations = [
        migrations.RemoveConstraint(model_name="audiensi", name="audiensi_end_after"),
        migrations.RemoveIndex(model_name="audiensi", name="audiensi_pejabat_start"),
        migrations.RemoveIndex(model_name="audiensi", name="audiensi_status_start"),
        migrations.RenameField(model_name="audiensi", old_name="start_at", new_name="starts_at"),
        migrations.RenameField(model_name="audiensi", old_name="end_at", new_name="ends_at"),
        migrations.AlterModelOptions(
            name="audiensi",
            options={"ordering": ["starts_at"], "verbose_name": "audiensi", "verbose_name_plural": "audiensi"},
        ),
        migrations.AddIndex(
            model_name="audiensi",
            index=models.Index(fields=["pejabat", "starts_at"], name="audiensi_pejabat_start"),
        ),
        migrations.AddIndex(
            model_name="audiensi",
            index=models.Index(fields=["status", "starts_at"], name="audiensi_status_start"),
        ),
        migrations.AddConstraint(
            model_name="audiensi",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__gt", models.F("starts_at"))), name="audiensi_end_after"
            ),
        ),
    ]
