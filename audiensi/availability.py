"""The pejabat's availability, set by protokol: booking rules, weekly openings and date exceptions.

Each write locks the pejabat row (as a booking does, see services) and is audited with its actor.
Slots themselves are computed from these rows in selectors.
"""

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.akun.models import User
from portal.audit.labels import register_action
from portal.audit.services import audit_record
from portal.kasus.services import required_text
from portal.wilayah.models import Pejabat

from .models import AturanMingguan, PengaturanAudiensi, Pengecualian
from .services import AudiensiError
from .services.slots import _lock_pejabat

_Row = TypeVar("_Row", AturanMingguan, Pengecualian)

SETTINGS_SAVED = register_action("audiensi.settings_saved", gettext_lazy("Pengaturan audiensi disimpan"))
RULE_ADDED = register_action("audiensi.rule_added", gettext_lazy("Aturan ketersediaan ditambahkan"))
RULE_DELETED = register_action("audiensi.rule_deleted", gettext_lazy("Aturan ketersediaan dihapus"))
EXCEPTION_ADDED = register_action("audiensi.exception_added", gettext_lazy("Pengecualian jadwal ditambahkan"))
EXCEPTION_DELETED = register_action("audiensi.exception_deleted", gettext_lazy("Pengecualian jadwal dihapus"))

SETTINGS_FIELDS = ("min_hari_kerja", "max_hari", "batas_permohonan_terbuka", "masa_tahan_hari_kerja")


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _rule_values(aturan: AturanMingguan) -> dict[str, object]:
    return {
        "pejabat": aturan.pejabat_id,
        "weekday": aturan.weekday,
        "start_time": _time(aturan.start_time),
        "end_time": _time(aturan.end_time),
        "slot_minutes": aturan.slot_minutes,
        "buffer_minutes": aturan.buffer_minutes,
    }


def _exception_values(pengecualian: Pengecualian) -> dict[str, object]:
    return {
        "pejabat": pengecualian.pejabat_id,
        "date": pengecualian.date.isoformat(),
        "start_time": _time(pengecualian.start_time),
        "end_time": _time(pengecualian.end_time),
        "reason": pengecualian.reason,
    }


def _delete(
    model: type[_Row],
    pk: int,
    *,
    pejabat: Pejabat,
    actor: User | None,
    action: str,
    values: Callable[[_Row], dict[str, object]],
) -> None:
    """Delete one of the pejabat's rows under the pejabat's lock, auditing what it held; another's id does nothing."""
    _lock_pejabat(pejabat.pk)
    row = model.objects.filter(pk=pk, pejabat=pejabat).first()
    if row is None:
        return
    audit_record(actor=actor, action=action, obj=row, changes=values(row))
    row.delete()


@transaction.atomic
def pengaturan_save(
    *,
    pejabat: Pejabat,
    actor: User | None,
    min_hari_kerja: int,
    max_hari: int,
    batas_permohonan_terbuka: int,
    masa_tahan_hari_kerja: int,
) -> PengaturanAudiensi:
    if max_hari < 1 or batas_permohonan_terbuka < 1 or masa_tahan_hari_kerja < 1:
        raise AudiensiError(_("Nilai pengaturan harus paling sedikit 1."))
    _lock_pejabat(pejabat.pk)
    pengaturan, _created = PengaturanAudiensi.objects.select_for_update().get_or_create(pejabat=pejabat)
    pengaturan.min_hari_kerja = min_hari_kerja
    pengaturan.max_hari = max_hari
    pengaturan.batas_permohonan_terbuka = batas_permohonan_terbuka
    pengaturan.masa_tahan_hari_kerja = masa_tahan_hari_kerja
    pengaturan.save()
    audit_record(
        actor=actor,
        action=SETTINGS_SAVED,
        obj=pengaturan,
        changes={name: getattr(pengaturan, name) for name in SETTINGS_FIELDS},
    )
    return pengaturan


@transaction.atomic
def aturan_add(
    *,
    pejabat: Pejabat,
    actor: User | None,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    slot_minutes: int,
    buffer_minutes: int,
) -> AturanMingguan:
    if end_time <= start_time:
        raise AudiensiError(_("Jam selesai harus setelah jam mulai."))
    if slot_minutes < 5:
        raise AudiensiError(_("Lama slot paling sedikit 5 menit."))
    _lock_pejabat(pejabat.pk)
    clash = AturanMingguan.objects.filter(
        pejabat=pejabat, weekday=weekday, start_time__lt=end_time, end_time__gt=start_time
    ).exists()
    if clash:
        raise AudiensiError(_("Aturan itu tumpang tindih dengan aturan lain pada hari yang sama."))
    aturan = AturanMingguan.objects.create(
        pejabat=pejabat,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        slot_minutes=slot_minutes,
        buffer_minutes=buffer_minutes,
    )
    audit_record(actor=actor, action=RULE_ADDED, obj=aturan, changes=_rule_values(aturan))
    return aturan


@transaction.atomic
def aturan_delete(*, aturan_id: int, pejabat: Pejabat, actor: User | None) -> None:
    """Held requests keep their time: removing a rule only stops new bookings."""
    _delete(AturanMingguan, aturan_id, pejabat=pejabat, actor=actor, action=RULE_DELETED, values=_rule_values)


@transaction.atomic
def pengecualian_add(
    *,
    pejabat: Pejabat,
    actor: User | None,
    date: dt.date,
    reason: str,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
) -> Pengecualian:
    required_text(reason, _("Keterangan wajib diisi."), error=AudiensiError)
    if (start_time is None) != (end_time is None):
        raise AudiensiError(_("Isi jam mulai dan jam selesai, atau kosongkan keduanya untuk satu hari penuh."))
    if start_time is not None and end_time is not None and end_time <= start_time:
        raise AudiensiError(_("Jam selesai harus setelah jam mulai."))
    _lock_pejabat(pejabat.pk)
    pengecualian = Pengecualian.objects.create(
        pejabat=pejabat, date=date, start_time=start_time, end_time=end_time, reason=reason.strip()
    )
    audit_record(actor=actor, action=EXCEPTION_ADDED, obj=pengecualian, changes=_exception_values(pengecualian))
    return pengecualian


@transaction.atomic
def pengecualian_delete(*, pengecualian_id: int, pejabat: Pejabat, actor: User | None) -> None:
    _delete(
        Pengecualian, pengecualian_id, pejabat=pejabat, actor=actor, action=EXCEPTION_DELETED, values=_exception_values
    )
