from django.db import migrations, models

OPEN_STATUSES = ["baru", "diverifikasi", "menunggu_informasi", "didisposisikan", "ditindaklanjuti", "dibuka_kembali"]


def restore_lateness(apps, schema_editor):
    """Escalation used to push due_at to its second deadline, hiding a late case. Move that second deadline
    to next_escalation_at and put due_at back to the moment the case was found late: the original deadline
    was not stored, and that moment is the latest it can have been, so the case shows late again."""
    Kasus = apps.get_model("kasus", "Kasus")
    Riwayat = apps.get_model("kasus", "Riwayat")
    for kasus in Kasus.objects.filter(status__in=OPEN_STATUSES, escalation_level__gte=1, due_at__isnull=False):
        steps = Riwayat.objects.filter(kasus_id=kasus.pk, kind="kasus.overdue").order_by("-created_at", "-id")
        first = steps.filter(data__level=1).first()
        if first is None:
            continue
        kasus.escalated_at = steps.first().created_at
        kasus.next_escalation_at = kasus.due_at if kasus.escalation_level == 1 else None
        kasus.due_at = first.created_at
        kasus.save(update_fields=["escalated_at", "next_escalation_at", "due_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("kasus", "0002_queue_partial_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="kasus",
            name="escalated_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="dieskalasi pada"),
        ),
        migrations.AddField(
            model_name="kasus",
            name="next_escalation_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="eskalasi berikutnya"),
        ),
        migrations.RunPython(restore_lateness, migrations.RunPython.noop),
    ]
