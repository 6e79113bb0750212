"""Slot checks and moves: a pejabat's free time, locked before it is taken."""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from portal.akun.models import User
from portal.kasus.calendar import WorkingCalendar, add_working_days
from portal.kasus.kinds import moment
from portal.kasus.models import Kasus
from portal.wilayah.models import Pejabat

from ..models import (
    AturanMingguan,
    Audiensi,
    PengaturanAudiensi,
    Pengecualian,
)
from ..selectors import _blocked_by_exception, _day_slots, booking_window, settings_for
from ._base import AudiensiError, _slot_taken, _transition

# Slot checks ----------------------------------------------------------------------------------


def slot_check(
    *, pejabat: Pejabat, start: dt.datetime, now: dt.datetime | None = None, exclude_id: int | None = None
) -> dt.datetime:
    """Check that `start` is a free slot of the pejabat; return its end. Raises AudiensiError saying why not."""
    now = now or timezone.now()
    if start <= now:
        raise AudiensiError(_("Slot itu sudah lewat. Silakan pilih slot yang akan datang."))
    window = booking_window(settings_for(pejabat), now)
    day = timezone.localtime(start).date()
    if not window.first_day <= day <= window.last_day:
        raise AudiensiError(
            _("Slot itu di luar jangka waktu pemesanan: antara %(first)s dan %(last)s.")
            % {"first": date_format(window.first_day, "j F Y"), "last": date_format(window.last_day, "j F Y")}
        )
    if not WorkingCalendar(day, day).is_working_day(day):
        raise AudiensiError(_("Tanggal itu hari libur. Audiensi hanya pada hari kerja."))
    rules = list(AturanMingguan.objects.filter(pejabat=pejabat, weekday=day.weekday()))
    slot = next((s for s in _day_slots(pejabat, day, rules) if s.start == start), None)
    if slot is None:
        raise AudiensiError(_("Waktu itu bukan slot audiensi %(pejabat)s.") % {"pejabat": pejabat.display_jabatan})
    blocking = _blocked_by_exception(slot, list(Pengecualian.objects.filter(pejabat=pejabat, date=day)))
    if blocking is not None:
        raise AudiensiError(
            _("%(pejabat)s berhalangan pada waktu itu (%(reason)s).")
            % {"pejabat": pejabat.display_jabatan, "reason": blocking.reason}
        )
    _check_free(pejabat.pk, slot.start, slot.end, exclude_id=exclude_id)
    return slot.end


def kasus_reference_check(*, user: User, reference: str, lock: bool = False) -> Kasus:
    """The resident's own open case named by `reference`. Raises AudiensiError saying why not.

    `lock` takes the case row (inside the caller's transaction) before its status is checked.
    """
    cases = Kasus.objects.select_for_update() if lock else Kasus.objects.all()
    kasus = cases.filter(reference=reference.strip().upper(), reporter=user).first()
    if kasus is None:
        raise AudiensiError(_("Kasus %(ref)s tidak ditemukan di antara kasus Anda.") % {"ref": reference.strip()})
    if not kasus.is_open:
        raise AudiensiError(_("Kasus %(ref)s sudah tidak aktif.") % {"ref": kasus.reference})
    return kasus


def _check_free(pejabat_id: int, start: dt.datetime, end: dt.datetime, *, exclude_id: int | None = None) -> None:
    qs = Audiensi.objects.held().overlapping(start, end).filter(pejabat_id=pejabat_id)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    if qs.exists():
        raise _slot_taken()


def _lock_pejabat(*pejabat_ids: int) -> None:
    # Serialises every booking of these pejabat; ordered to avoid deadlocks.
    list(Pejabat.objects.select_for_update().filter(pk__in=sorted(pejabat_ids)).order_by("pk").values_list("pk"))


def _hold_until(pengaturan: PengaturanAudiensi, start: dt.datetime, now: dt.datetime) -> dt.datetime:
    return min(add_working_days(now, pengaturan.masa_tahan_hari_kerja), start)


def _require_other_slot(audiensi: Audiensi, start: dt.datetime) -> None:
    if start == audiensi.starts_at:
        raise AudiensiError(_("Pilih waktu yang berbeda dari jadwal sekarang."))


def _move_to_slot(
    audiensi: Audiensi,
    action: str,
    *,
    actor: User | None,
    kind: str,
    start: dt.datetime,
    reason: str,
    now: dt.datetime,
    by_reporter: bool = False,
) -> Promise:
    """Move a locked audiensi to another free slot of its pejabat, held for the other side's answer; logs both times."""
    _require_other_slot(audiensi, start)
    _lock_pejabat(audiensi.pejabat_id)
    end = slot_check(pejabat=audiensi.pejabat, start=start, now=now, exclude_id=audiensi.pk)
    previous = audiensi.starts_at
    return _transition(
        audiensi,
        action,
        actor=actor,
        kind=kind,
        params={"when": moment(start), "before": moment(previous), "reason": reason.strip()},
        changes={
            "starts_at": start,
            "ends_at": end,
            "expires_at": _hold_until(settings_for(audiensi.pejabat), start, now),
        },
        takes_slot=True,
        by_reporter=by_reporter,
        data={"from": previous.isoformat(), "to": start.isoformat(), "reason": reason.strip()},
    )
