from django.db import migrations

from portal.wilayah import seed


def forwards(apps, schema_editor):
    seed.load_wilayah(apps.get_model("wilayah", "Wilayah"))
    seed.load_reference(apps.get_model("wilayah", "Opd"), apps.get_model("wilayah", "Kategori"),
                        apps.get_model("wilayah", "Pejabat"))


class Migration(migrations.Migration):
    dependencies = [("wilayah", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
