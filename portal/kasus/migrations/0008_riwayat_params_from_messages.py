"""Entries written before templates: give what can be rebuilt its kind's params, credit the reporter's actions.

The stored text stays as the fallback: an entry without params is shown as it was written.
"""

from django.db import migrations
from django.db.models import F, Q

# Entries whose whole stored text was their kind's standard sentence: rendered from the template from now on.
STANDARD_TEXTS = {
    "kasus.confirmed": "Email pelapor dikonfirmasi.",
    "kasus.updated": "Klasifikasi kasus diperbarui.",
    "kasus.verified": "Kasus telah diverifikasi dan akan diteruskan ke OPD terkait.",
    "kasus.started": "OPD mulai menindaklanjuti kasus ini.",
    "kasus.accepted": "Pelapor menerima jawaban.",
    "audiensi.proposal_declined": "Pemohon menolak jadwal yang diusulkan; permohonan audiensi dibatalkan.",
    "audiensi.expired": "Permohonan audiensi kedaluwarsa karena belum ada keputusan; slotnya dilepas.",
    "audiensi.reminded": "Pengingat audiensi besok dikirim ke pemohon.",
}
# Actions only the reporter takes, whoever was signed in.
REPORTER_KINDS = ("kasus.accepted", "kasus.disputed", "kasus.info_received")


def _params(entry) -> dict | None:
    data = entry.data or {}
    if entry.kind == "kasus.disposed" and data.get("opd"):
        return {"opd": {"ref": "opd", "v": data["opd"], "text": data.get("opd_nama", "")}}
    if entry.kind == "kasus.rejected" and data.get("reason"):
        return {"reason": data["reason"]}
    if entry.kind == "kasus.merged" and data.get("into_reference"):
        return {"ref": data["into_reference"]}
    if entry.kind == "kasus.merge_received" and data.get("from_reference"):
        return {"ref": data["from_reference"]}
    if entry.kind == "kasus.overdue" and data.get("level"):
        return {"level": data["level"]}
    if entry.kind == "kasus.opened" and data.get("channel") and entry.message.startswith("Kasus dibuka melalui kanal"):
        return {"channel": {"ref": "channel", "v": data["channel"], "text": ""}}
    return None


def forwards(apps, schema_editor):
    Riwayat = apps.get_model("kasus", "Riwayat")
    for kind, text in STANDARD_TEXTS.items():
        Riwayat.objects.filter(kind=kind, message=text, params__isnull=True).update(params={}, message="")
    kinds = ["kasus.disposed", "kasus.rejected", "kasus.merged", "kasus.merge_received", "kasus.overdue", "kasus.opened"]
    rebuilt = []
    for entry in Riwayat.objects.filter(kind__in=kinds, params__isnull=True).iterator(chunk_size=2000):
        params = _params(entry)
        if params is not None:
            entry.params, entry.message = params, ""
            rebuilt.append(entry)
        if len(rebuilt) >= 2000:
            Riwayat.objects.bulk_update(rebuilt, ["params", "message"])
            rebuilt = []
    Riwayat.objects.bulk_update(rebuilt, ["params", "message"])
    Riwayat.objects.filter(
        Q(kind__in=REPORTER_KINDS)
        | Q(actor__isnull=False, actor_id=F("kasus__reporter_id"))
        | Q(kind="aspirasi.submitted", data__recorded_by_staff=False)
    ).update(by_reporter=True)


class Migration(migrations.Migration):
    dependencies = [("kasus", "0007_riwayat_params")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
