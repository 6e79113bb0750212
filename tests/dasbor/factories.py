"""A generated set of cases for the figures, and the figures recomputed directly, case by case."""

import datetime as dt
import random
import statistics

from django.conf import settings
from django.utils import timezone

from portal.kasus import services
from portal.kasus.calendar import add_working_days, working_days_between
from portal.kasus.models import LATE_STATUSES, OPEN_STATUSES, Channel, HariLibur, Kasus, Riwayat, Status
from portal.wilayah.models import Wilayah
from tests.factories import KategoriFactory, OpdFactory, UserFactory, kasus_at

STATUSES = ["baru", "diverifikasi", "ditolak", "menunggu_informasi", "didisposisikan", "ditindaklanjuti", "dijawab"]
STATUSES += ["ditutup", "dibuka_kembali"]
HOLIDAY = dt.date(2026, 10, 14)  # a Wednesday inside the month the tests look at


def shift(kasus: Kasus, base: dt.datetime) -> None:
    """Move the case and its whole timeline so that it was confirmed at `base`."""
    kasus.refresh_from_db()
    delta = base - kasus.confirmed_at
    for riwayat in Riwayat.objects.filter(kasus=kasus):
        Riwayat.objects.filter(pk=riwayat.pk).update(created_at=riwayat.created_at + delta)
    fields = {"confirmed_at": base, "created_at": kasus.created_at + delta}
    for name in ("due_at", "answered_at", "closed_at"):
        if getattr(kasus, name):
            fields[name] = getattr(kasus, name) + delta
    Kasus.objects.filter(pk=kasus.pk).update(**fields)


def spread(kasus: Kasus, gaps: dict[str, int]) -> None:
    """Push timeline steps apart: each kind of entry `gaps[kind]` days after confirmation."""
    kasus.refresh_from_db()
    for kind, days in gaps.items():
        Riwayat.objects.filter(kasus=kasus, kind=kind).update(created_at=kasus.confirmed_at + dt.timedelta(days=days))
    if "kasus.answered" in gaps and kasus.answered_at:
        Kasus.objects.filter(pk=kasus.pk).update(
            answered_at=kasus.confirmed_at + dt.timedelta(days=gaps["kasus.answered"])
        )


def generated_set() -> dict:
    """Cases of every status and channel, late and on time, merged and reopened, across Sep–Nov 2026."""
    rng = random.Random(11)
    HariLibur.objects.get_or_create(date=HOLIDAY, defaults={"name": "Libur uji"})
    opds = [OpdFactory(), OpdFactory()]
    kategori = [KategoriFactory(), KategoriFactory()]
    kecamatan = list(Wilayah.objects.filter(tingkat="kecamatan").order_by("kode")[:3])
    desa = {k.pk: Wilayah.objects.filter(parent=k).first() for k in kecamatan}
    kecamatan[0].penduduk = 50000
    kecamatan[0].save(update_fields=["penduduk"])
    tz = timezone.get_current_timezone()
    channels = list(Channel.values)
    reporters = []
    cases = []
    for index in range(36):
        status = STATUSES[index % len(STATUSES)]
        reporter = UserFactory()
        reporters.append(reporter)
        kec = kecamatan[index % 3]
        kasus = kasus_at(
            status,
            opd=opds[index % 2],
            reporter=reporter,
            reporter_phone=reporter.phone,
            channel=channels[index % len(channels)],
            kategori=kategori[index % 2] if index % 5 else None,
            wilayah=desa[kec.pk],
        )
        day = dt.date(2026, 9, 24) + dt.timedelta(days=rng.randrange(0, 50))
        shift(kasus, dt.datetime.combine(day, dt.time(rng.randrange(7, 23), 30), tzinfo=tz))
        # Half the answered cases answered quickly, half after many days (late), some across the holiday.
        slow = index % 4 >= 2
        spread(
            kasus,
            {"kasus.verified": 1 if index % 3 else 6, "kasus.disposed": 2, "kasus.answered": 12 if slow else 3},
        )
        if index % 7 == 0:
            Kasus.objects.filter(pk=kasus.pk).update(escalation_level=1)
        cases.append(kasus)
    # Two merged cases: they came in, and leave the backlog.
    for source, target in ((cases[1], cases[10]), (cases[4], cases[13])):
        services.kasus_merge(kasus_id=source.pk, into_id=target.pk, actor=None, reason="Sama")
    # One case answered, reopened and answered again: its first answer counts, and it is reopened.
    again = cases[8]
    again.refresh_from_db()
    if again.status == Status.DIBUKA_KEMBALI:
        services.kasus_start(kasus_id=again.pk, actor=None)
        services.kasus_answer(kasus_id=again.pk, actor=None, answer="Sudah diperbaiki lagi.")
    return {"opds": opds, "kecamatan": kecamatan, "reporters": reporters, "cases": cases}


def recompute(start: dt.date, end: dt.date, *, opd_id: int | None = None, now: dt.datetime | None = None) -> dict:
    """The headline figures counted one case at a time with the calendar's own functions."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    cases = [k for k in Kasus.objects.filter(confirmed_at__isnull=False) if not opd_id or k.opd_id == opd_id]
    incoming = [k for k in cases if lo <= k.confirmed_at < hi]
    open_cases = [k for k in cases if k.status in OPEN_STATUSES]
    late = [k for k in cases if k.status in LATE_STATUSES and k.due_at and k.due_at < now]
    answered, verified, verified_in_time = [], 0, 0
    for k in cases:
        entries = list(Riwayat.objects.filter(kasus=k).order_by("created_at"))
        answers = [r.created_at for r in entries if r.kind == "kasus.answered"]
        verifies = [r.created_at for r in entries if r.kind == "kasus.verified"]
        if verifies and lo <= verifies[0] < hi:
            verified += 1
            if verifies[0] <= add_working_days(k.confirmed_at, settings.PORTAL_SLA["verify_days"]):
                verified_in_time += 1
        if answers and lo <= answers[0] < hi:
            disposed = [r.created_at for r in entries if r.kind == "kasus.disposed" and r.created_at <= answers[0]]
            on_time = (
                None
                if not disposed
                else answers[0] <= add_working_days(max(disposed), settings.PORTAL_SLA["followup_days"])
            )
            answered.append(
                {
                    "kasus": k,
                    "on_time": on_time,
                    "days": working_days_between(k.confirmed_at, answers[0]),
                    "reopened": any(r.kind == "kasus.disputed" for r in entries),
                }
            )
    per_opd = {}
    for k in incoming:
        per_opd.setdefault(str(k.opd_id or ""), {"received": 0, "answered": 0, "on_time": 0})["received"] += 1
    for row in answered:
        entry = per_opd.setdefault(str(row["kasus"].opd_id or ""), {"received": 0, "answered": 0, "on_time": 0})
        entry["answered"] += 1
        entry["on_time"] += bool(row["on_time"])
    per_kecamatan = {}
    for k in incoming:
        per_kecamatan[str(k.kecamatan_id or "")] = per_kecamatan.get(str(k.kecamatan_id or ""), 0) + 1
    by_channel = {}
    for k in incoming:
        by_channel[k.channel] = by_channel.get(k.channel, 0) + 1
    return {
        "incoming": len(incoming),
        "by_channel": by_channel,
        "backlog_total": len(open_cases),
        "late": len(late),
        "escalated": sum(1 for k in open_cases if k.escalation_level > 0),
        "answered": len(answered),
        "on_time": sum(1 for r in answered if r["on_time"]),
        "median_days": statistics.median([r["days"] for r in answered]) if answered else None,
        "reopened": sum(1 for r in answered if r["reopened"]),
        "verified": verified,
        "verified_in_time": verified_in_time,
        "per_opd": per_opd,
        "per_kecamatan": per_kecamatan,
    }
