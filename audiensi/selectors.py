"""Reads: free slots, a resident's audiensi, protokol's lists.

Free slots come from the weekly rules, minus non-working days, date
exceptions and held audiensi, inside the booking window. Each listing costs a
fixed number of queries whatever the number of pejabat or days.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from portal.akun.models import User
from portal.kasus.calendar import WorkingCalendar
from portal.kasus.models import Riwayat
from portal.kasus.panels import panel_rows
from portal.wilayah.models import Pejabat
from sarasehan import selectors as sarasehan_selectors

from .models import OPEN_STATUSES, AturanMingguan, Audiensi, PengaturanAudiensi, Pengecualian

if TYPE_CHECKING:
    from sarasehan.models import Sarasehan

SLOT_FORMAT = "%Y%m%d%H%M"


@dataclass(frozen=True)
class Slot:
    pejabat: Pejabat
    start: dt.datetime
    end: dt.datetime

    @property
    def value(self) -> str:
        """The form value naming this slot: '<pejabat slug>@<local start YYYYmmddHHMM>'."""
        return f"{self.pejabat.slug}@{timezone.localtime(self.start).strftime(SLOT_FORMAT)}"


@dataclass(frozen=True)
class Window:
    first_day: dt.date
    last_day: dt.date


def settings_for(pejabat: Pejabat) -> PengaturanAudiensi:
    """The pejabat's booking rules; unsaved defaults when protokol has not set them."""
    try:
        return pejabat.pengaturan_audiensi
    except PengaturanAudiensi.DoesNotExist:
        return PengaturanAudiensi(pejabat=pejabat)


def booking_window(
    pengaturan: PengaturanAudiensi, now: dt.datetime | None = None, calendar: WorkingCalendar | None = None
) -> Window:
    """From the N-th working day after today to max_hari calendar days ahead."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Long holidays (Lebaran) add at most a couple of weeks to N working days.
    calendar = calendar or WorkingCalendar(today, today + dt.timedelta(days=pengaturan.min_hari_kerja * 2 + 30))
    first, remaining = today, pengaturan.min_hari_kerja
    while remaining > 0:
        first += dt.timedelta(days=1)
        if calendar.is_working_day(first):
            remaining -= 1
    return Window(first_day=first, last_day=today + dt.timedelta(days=pengaturan.max_hari))


def parse_slot_value(value: str) -> tuple[str, dt.datetime] | None:
    slug, _sep, stamp = (value or "").partition("@")
    try:
        naive = dt.datetime.strptime(stamp, SLOT_FORMAT)
    except ValueError:
        return None
    return slug, timezone.make_aware(naive)


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _day_slots(pejabat: Pejabat, day: dt.date, rules: list[AturanMingguan]) -> list[Slot]:
    slots = []
    for rule in rules:
        start = _aware(day, rule.start_time)
        limit = _aware(day, rule.end_time)
        length = dt.timedelta(minutes=rule.slot_minutes)
        step = length + dt.timedelta(minutes=rule.buffer_minutes)
        while start + length <= limit:
            slots.append(Slot(pejabat=pejabat, start=start, end=start + length))
            start += step
    return slots


def _blocked_by_exception(slot: Slot, exceptions: list[Pengecualian]) -> Pengecualian | None:
    for exc in exceptions:
        # is_full_day, spelled out so the times below are known to be set.
        if exc.start_time is None or exc.end_time is None:
            return exc
        if _aware(exc.date, exc.start_time) < slot.end and slot.start < _aware(exc.date, exc.end_time):
            return exc
    return None


def _overlaps(slot: Slot, busy: list[tuple[dt.datetime, dt.datetime]]) -> bool:
    return any(start < slot.end and slot.start < end for start, end in busy)


def free_slots(
    pejabat_list: list[Pejabat],
    *,
    now: dt.datetime | None = None,
    limit_per_pejabat: int | None = None,
    exclude_audiensi_id: int | None = None,
) -> dict[int, list[Slot]]:
    """Really free slots per pejabat id, soonest first. Pejabat need `pengaturan_audiensi` selected.

    Five queries for any number of pejabat: rules, exceptions, held audiensi, extra days off
    (and nothing else when the pejabat came with select_related).
    """
    now = now or timezone.now()
    if not pejabat_list:
        return {}
    today = timezone.localdate(now)
    horizon = max(max(s.max_hari, s.min_hari_kerja * 2 + 30) for s in map(settings_for, pejabat_list))
    calendar = WorkingCalendar(today, today + dt.timedelta(days=horizon))
    windows = {p.pk: booking_window(settings_for(p), now, calendar) for p in pejabat_list}
    first = min(w.first_day for w in windows.values())
    last = max(w.last_day for w in windows.values())
    ids = list(windows)

    rules: dict[int, dict[int, list[AturanMingguan]]] = defaultdict(lambda: defaultdict(list))
    for rule in AturanMingguan.objects.filter(pejabat_id__in=ids):
        rules[rule.pejabat_id][rule.weekday].append(rule)
    exceptions: dict[tuple[int, dt.date], list[Pengecualian]] = defaultdict(list)
    for exc in Pengecualian.objects.filter(pejabat_id__in=ids, date__range=(first, last)):
        exceptions[(exc.pejabat_id, exc.date)].append(exc)
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    held = Audiensi.objects.held().filter(
        pejabat_id__in=ids, ends_at__gt=_aware(first, dt.time.min), starts_at__lt=_aware(last, dt.time.max)
    )
    if exclude_audiensi_id:
        held = held.exclude(pk=exclude_audiensi_id)
    for pejabat_id, start, end in held.values_list("pejabat_id", "starts_at", "ends_at"):
        busy[pejabat_id].append((start, end))

    result: dict[int, list[Slot]] = {}
    for pejabat in pejabat_list:
        window = windows[pejabat.pk]
        found: list[Slot] = []
        day = window.first_day
        while day <= window.last_day and (limit_per_pejabat is None or len(found) < limit_per_pejabat):
            day_rules = rules[pejabat.pk].get(day.weekday())
            if day_rules and calendar.is_working_day(day):
                for slot in _day_slots(pejabat, day, day_rules):
                    if slot.start <= now or _blocked_by_exception(slot, exceptions[(pejabat.pk, day)]):
                        continue
                    if _overlaps(slot, busy[pejabat.pk]):
                        continue
                    found.append(slot)
            day += dt.timedelta(days=1)
        result[pejabat.pk] = found[:limit_per_pejabat] if limit_per_pejabat else found
    return result


def replacement_slots(audiensi: Audiensi) -> list[Slot]:
    """Free slots of the request's pejabat it could move to: never the slot it holds now."""
    pejabat = list(Pejabat.objects.filter(pk=audiensi.pejabat_id).select_related("pengaturan_audiensi"))
    # Its own hold is ignored so that slots overlapping it on another grid stay on offer.
    slots = free_slots(pejabat, exclude_audiensi_id=audiensi.pk).get(audiensi.pejabat_id, [])
    return [slot for slot in slots if slot.start != audiensi.starts_at]


def bookable_pejabat() -> list[Pejabat]:
    return list(Pejabat.objects.filter(is_active=True).select_related("pengaturan_audiensi"))


def open_count_for(user: User, pejabat: Pejabat) -> int:
    return Audiensi.objects.filter(pemohon=user, pejabat=pejabat, status__in=OPEN_STATUSES).count()


def audiensi_for_resident(user: User) -> QuerySet[Audiensi]:
    return Audiensi.objects.filter(pemohon=user).select_related("pejabat", "kasus").order_by("-starts_at")


def audiensi_for_day(day: dt.date, pejabat: Pejabat | None = None) -> QuerySet[Audiensi]:
    qs = Audiensi.objects.filter(
        starts_at__gte=_aware(day, dt.time.min), starts_at__lte=_aware(day, dt.time.max)
    ).select_related("pejabat", "kasus", "pemohon", "opd")
    if pejabat is not None:
        qs = qs.filter(pejabat=pejabat)
    return qs.order_by("starts_at")


def audiensi_for_protokol(*, status: str = "", pejabat_slug: str = "") -> QuerySet[Audiensi]:
    qs = Audiensi.objects.select_related("pejabat", "kasus", "pemohon", "opd")
    if status:
        qs = qs.filter(status=status)
    if pejabat_slug:
        qs = qs.filter(pejabat__slug=pejabat_slug)
    return qs.order_by("starts_at")


def audiensi_for_kasus(kasus_id: int) -> list[Audiensi]:
    return panel_rows(Audiensi.objects.filter(kasus_id=kasus_id).order_by("starts_at"), "pejabat", "opd")


def confirmation_note(timeline: Iterable[Riwayat], audiensi: Audiensi) -> str:
    """Protokol's note from the latest confirmation of this audiensi, read from the entries already loaded."""
    note = ""
    for entry in timeline:
        data = entry.data or {}
        if entry.kind == "audiensi.confirmed" and data.get("audiensi") == audiensi.pk:
            note = data.get("note", "")
    return note


@dataclass
class CalendarDay:
    day: dt.date
    audiensi: list[Audiensi]
    exceptions: list[Pengecualian]
    sarasehan: list[Sarasehan]
    free: list[tuple[Pejabat, int]]  # each pejabat with their number of free slots that day

    @property
    def free_total(self) -> int:
        return sum(n for _pejabat, n in self.free)


def week_calendar(day: dt.date, *, now: dt.datetime | None = None) -> list[CalendarDay]:
    """The Monday-to-Sunday week holding `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return calendar_days(monday, monday + dt.timedelta(days=6), now=now)


def month_calendar(day: dt.date, *, now: dt.datetime | None = None) -> list[CalendarDay]:
    """The calendar month holding `day`."""
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return calendar_days(first, following - dt.timedelta(days=1), now=now)


def calendar_days(first: dt.date, last: dt.date, *, now: dt.datetime | None = None) -> list[CalendarDay]:
    """Each day from `first` to `last`: every pejabat's audiensi, exceptions, sarasehan and free slots.

    A fixed number of queries whatever the days hold: pejabat, audiensi, exceptions, sarasehan with their
    pejabat, and free_slots' own.
    """
    pejabat_list = bookable_pejabat()
    audiensi = defaultdict(list)
    for a in (
        Audiensi.objects.filter(starts_at__gte=_aware(first, dt.time.min), starts_at__lte=_aware(last, dt.time.max))
        .select_related("pejabat")
        .order_by("starts_at")
    ):
        audiensi[timezone.localdate(a.starts_at)].append(a)
    exceptions = defaultdict(list)
    for exc in Pengecualian.objects.filter(date__range=(first, last)).select_related("pejabat"):
        exceptions[exc.date].append(exc)
    forums = defaultdict(list)
    for forum in sarasehan_selectors.held_between(_aware(first, dt.time.min), _aware(last, dt.time.max)):
        forums[timezone.localdate(forum.starts_at)].append(forum)
    free: dict[dt.date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for pejabat_id, slots in free_slots(pejabat_list, now=now).items():
        for slot in slots:
            if first <= timezone.localdate(slot.start) <= last:
                free[timezone.localdate(slot.start)][pejabat_id] += 1
    days = []
    for offset in range((last - first).days + 1):
        d = first + dt.timedelta(days=offset)
        days.append(CalendarDay(d, audiensi[d], exceptions[d], forums[d], [(p, free[d][p.pk]) for p in pejabat_list]))
    return days
