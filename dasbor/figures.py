"""The figures of the dashboard, the monthly report and /transparansi/, computed from the cases.

One scope (the regency, or one OPD) and one period per call; the result is plain JSON (ids and
numbers, no labels, no personal data) so it can be stored in `Angka` and rendered in any language.

Definitions (the same everywhere):
- incoming: confirmed cases whose confirmation falls in the period, merged ones included (they came in);
- backlog, late now, escalated: open cases at `now`; late is `late_q()`;
- verified within the deadline: first `kasus.verified` entry in the period, no later than SLA verify_days
  working days after confirmation;
- answered on time: first `kasus.answered` entry in the period, no later than SLA followup_days working days
  after the last `kasus.disposed` entry before it (the deadline the OPD was given);
- days to answer: working days from confirmation to the first answer;
- reopened: of the cases first answered in the period, those with a `kasus.disputed` entry.
- tindak lanjut: promises due in the period; done on time, late (done after the due date or open past it), open;
  per OPD and per pejabat who made it (see `_tindak_lanjut_by_pejabat`).
OPD, kategori and kecamatan are the case's current ones.
"""

import bisect
import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from aspirasi.models import Aspirasi
from portal.kasus.calendar import WorkingCalendar
from portal.kasus.models import OPEN_STATUSES, Channel, Kasus, Riwayat, TindakLanjut, late_q

AGE_BUCKETS = ((0, 7), (8, 30), (31, 90), (91, None))  # calendar days since confirmation


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def key(self) -> str:
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes at local midnight."""
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end

    def is_month(self) -> bool:
        return self.start.day == 1 and (self.end + dt.timedelta(days=1)).day == 1 and self.start.month == self.end.month

    def previous(self) -> "Period":
        """The period just before, of the same length (a calendar month: the month before)."""
        if self.is_month():
            last = self.start - dt.timedelta(days=1)
            return month_period(last.year, last.month)
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        return Period(end - length, end)


def month_period(year: int, month: int) -> Period:
    start = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return Period(start, following - dt.timedelta(days=1))


class WorkdayIndex:
    """The working days between two dates, loaded once: the calendar's answers in O(log n) for many cases.

    Gives exactly what `portal.kasus.calendar.add_working_days` and `working_days_between` give.
    """

    def __init__(self, first: dt.date, last: dt.date):
        # Deadlines reach past `last`: keep two months of margin.
        last = last + dt.timedelta(days=62)
        calendar = WorkingCalendar(first, last)
        every_day = (first + dt.timedelta(days=i) for i in range((last - first).days + 1))
        self.days = [day for day in every_day if calendar.is_working_day(day)]
        self.tz = timezone.get_current_timezone()  # looked up once: per case it costs more than the rest

    def _after(self, day: dt.date) -> int:
        """How many indexed working days fall on or before `day`."""
        return bisect.bisect_right(self.days, day)

    def deadline(self, start: dt.datetime, days: int) -> dt.datetime:
        day = self.days[self._after(start.astimezone(self.tz).date()) + days - 1]
        return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=self.tz)

    def between(self, start: dt.datetime, end: dt.datetime) -> int:
        first, last = start.astimezone(self.tz).date(), end.astimezone(self.tz).date()
        return max(0, self._after(last) - self._after(first))


def scope_cases(opd_id: int | None) -> QuerySet[Kasus]:
    cases = Kasus.objects.confirmed()
    return cases.filter(opd_id=opd_id) if opd_id else cases


CASE_FIELDS = ("kasus__opd_id", "kasus__kecamatan_id", "kasus__confirmed_at", "kasus__rating")


def _first_entries(cases: QuerySet[Kasus], kind: str, start: dt.datetime, end: dt.datetime) -> QuerySet:
    """The cases whose first entry of `kind` falls in [start, end): kasus_id, the case's fields, its time `at`.

    The case's fields depend on kasus_id alone, so grouping by them too groups by case.
    """
    return (
        Riwayat.objects.filter(kind=kind, kasus__in=cases)
        .values("kasus_id", *CASE_FIELDS)
        .annotate(at=Min("created_at"))
        .filter(at__gte=start, at__lt=end)
    )


def answers(cases: QuerySet[Kasus], start: dt.datetime, end: dt.datetime) -> list[dict]:
    """One row per case first answered in [start, end): when, whether on time, working days, reopened."""
    first_qs = _first_entries(cases, "kasus.answered", start, end)
    # The case's fields come with the grouped row, and the related entries through a subquery:
    # no list of ids travels to the database (a year at a million cases is hundreds of thousands).
    info = {row["kasus_id"]: row for row in first_qs}
    if not info:
        return []
    answered_ids = _first_entries(cases, "kasus.answered", start, end).values_list("kasus_id", flat=True)
    disposed: dict[int, list[dt.datetime]] = defaultdict(list)
    # order_by(): the timeline's default order would sort a year of entries on disk for nothing.
    disposed_qs = Riwayat.objects.filter(kind="kasus.disposed", kasus_id__in=answered_ids).order_by()
    for kasus_id, at in disposed_qs.values_list("kasus_id", "created_at"):
        disposed[kasus_id].append(at)
    reopened = set(
        Riwayat.objects.filter(kind="kasus.disputed", kasus_id__in=answered_ids)
        .order_by()
        .values_list("kasus_id", flat=True)
    )
    first = {kasus_id: row["at"] for kasus_id, row in info.items()}
    earliest = min(min(first.values()), min(r["kasus__confirmed_at"] for r in info.values()))
    earliest = min([earliest, *(at for times in disposed.values() for at in times)])
    index = WorkdayIndex(timezone.localtime(earliest).date(), timezone.localtime(end).date())
    followup = settings.PORTAL_SLA["followup_days"]
    rows = []
    for kasus_id, answered_at in first.items():
        case = info[kasus_id]
        before = [at for at in disposed.get(kasus_id, ()) if at <= answered_at]
        disposed_at = max(before) if before else None
        rows.append(
            {
                "id": kasus_id,
                "opd": case["kasus__opd_id"],
                "kecamatan": case["kasus__kecamatan_id"],
                "at": answered_at,
                "on_time": None if disposed_at is None else answered_at <= index.deadline(disposed_at, followup),
                "days": index.between(case["kasus__confirmed_at"], answered_at),
                "reopened": kasus_id in reopened,
                "rating": case["kasus__rating"],
            }
        )
    return rows


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _levels(rows: list[dict]) -> dict:
    judged = [r for r in rows if r["on_time"] is not None]
    ratings = [r["rating"] for r in rows if r["rating"]]
    return {
        "answered": len(rows),
        "on_time": sum(1 for r in judged if r["on_time"]),
        "on_time_pct": _share(sum(1 for r in judged if r["on_time"]), len(judged)),
        "median_days": statistics.median([r["days"] for r in rows]) if rows else None,
        "reopened": sum(1 for r in rows if r["reopened"]),
        "reopened_pct": _share(sum(1 for r in rows if r["reopened"]), len(rows)),
        "rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
    }


def _verified_rows(cases: QuerySet[Kasus], start: dt.datetime, end: dt.datetime) -> list[tuple[int | None, bool]]:
    """(OPD, verified within the deadline) of each case first verified in [start, end)."""
    rows = list(_first_entries(cases, "kasus.verified", start, end))
    if not rows:
        return []
    index = WorkdayIndex(
        timezone.localtime(min(row["kasus__confirmed_at"] for row in rows)).date(), timezone.localtime(end).date()
    )
    days = settings.PORTAL_SLA["verify_days"]
    return [(row["kasus__opd_id"], row["at"] <= index.deadline(row["kasus__confirmed_at"], days)) for row in rows]


def _verified(rows: list[tuple[int | None, bool]]) -> dict:
    in_time = sum(1 for _opd, ok in rows if ok)
    return {"verified": len(rows), "verified_in_time": in_time, "verified_in_time_pct": _share(in_time, len(rows))}


def _split(qs: QuerySet, *fields: str) -> dict[tuple, int]:
    """One grouped count: (opd_id, *fields) -> cases. Every scope takes its share of the same rows."""
    return {row[:-1]: row[-1] for row in qs.values_list("opd_id", *fields).annotate(n=Count("pk")).order_by()}


def _share_of(grouped: dict[tuple, int], scope: int | None, position: int) -> dict[str, int]:
    """The counts of one scope (None: every OPD) keyed by the grouped field at `position` (0: the OPD)."""
    counts: Counter = Counter()
    for key, n in grouped.items():
        if scope is None or key[0] == scope:
            value = key[position]
            counts[str(value if value is not None else "")] += n
    return dict(counts)


def _months_back(end: dt.date, n: int) -> list[Period]:
    months, year, month = [], end.year, end.month
    for _ in range(n):
        months.append(month_period(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _promise_outcome(status: str, due: dt.date, done_at: dt.datetime | None, today: dt.date) -> str:
    """done_on_time, late (done after its due date, or still open past it) or open."""
    done_day = timezone.localtime(done_at).date() if done_at else None
    if status == TindakLanjut.Status.SELESAI and done_day and done_day <= due:
        return "done_on_time"
    if status == TindakLanjut.Status.SELESAI or due < today:
        return "late"
    return "open"


def _promise_rows(scopes: list[int | None], period: Period) -> list[tuple]:
    """(opd_id, status, due_date, done_at, source_kind, source_id) of the promises due in the period."""
    qs = TindakLanjut.objects.filter(due_date__range=(period.start, period.end))
    if scopes == [scopes[0]] and scopes[0] is not None:
        qs = qs.filter(opd_id=scopes[0])
    return list(qs.values_list("opd_id", "status", "due_date", "done_at", "source_kind", "source_id"))


def _tindak_lanjut(rows: list[tuple], today: dt.date) -> dict[str, dict]:
    per: dict[str, Counter] = defaultdict(Counter)
    for opd, status, due, done_at, _kind, _source in rows:
        per[str(opd)]["promised"] += 1
        per[str(opd)][_promise_outcome(status, due, done_at, today)] += 1
    return {opd: dict(counter) for opd, counter in per.items()}


def _makers(rows: list[tuple]) -> dict[tuple[str, int | None], list[int | None]]:
    """Who made each promise: the audiensi's pejabat, or each pejabat present at the sarasehan. Two queries."""
    from audiensi.models import Audiensi
    from sarasehan.models import Sarasehan

    audiensi_ids = {source_id for *_rest, kind, source_id in rows if kind == "audiensi" and source_id}
    sarasehan_ids = {source_id for *_rest, kind, source_id in rows if kind == "sarasehan" and source_id}
    made_by: dict[tuple[str, int | None], list[int | None]] = defaultdict(list)
    if audiensi_ids:
        for pk, pejabat_id in Audiensi.objects.filter(pk__in=audiensi_ids).values_list("pk", "pejabat_id"):
            made_by[("audiensi", pk)].append(pejabat_id)
    if sarasehan_ids:
        through = Sarasehan.pejabat.through.objects.filter(sarasehan_id__in=sarasehan_ids)
        for pk, pejabat_id in through.values_list("sarasehan_id", "pejabat_id"):
            made_by[("sarasehan", pk)].append(pejabat_id)
    return made_by


def _tindak_lanjut_by_pejabat(rows: list[tuple], made_by: dict, today: dt.date) -> dict[str, dict]:
    """The same counts per pejabat who made the promise (see `_makers`), so a promise made before several
    counts for each of them. Key "": recorded by staff outside an audiensi or sarasehan."""
    per: dict[str, Counter] = defaultdict(Counter)
    for _opd, status, due, done_at, kind, source_id in rows:
        outcome = _promise_outcome(status, due, done_at, today)
        for maker in made_by.get((kind, source_id), [None]):
            per[str(maker or "")]["promised"] += 1
            per[str(maker or "")][outcome] += 1
    return {pejabat: dict(counter) for pejabat, counter in per.items()}


def _meetings(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> dict:
    """Audiensi by outcome and sarasehan held in [start, end): the regency's face-to-face channels."""
    from audiensi.models import Audiensi
    from audiensi.models import Status as AudiensiStatus
    from sarasehan.models import PendaftaranSarasehan, PoinSarasehan, Sarasehan

    meetings = Audiensi.objects.filter(starts_at__gte=start, starts_at__lt=end)
    audiensi = meetings.aggregate(
        confirmed=Count(
            "pk",
            filter=Q(status__in=[AudiensiStatus.DIKONFIRMASI, AudiensiStatus.HADIR, AudiensiStatus.TIDAK_HADIR]),
        ),
        held=Count("pk", filter=Q(status=AudiensiStatus.HADIR)),
        no_show=Count("pk", filter=Q(status=AudiensiStatus.TIDAK_HADIR)),
    )
    audiensi["requested"] = Audiensi.objects.filter(created_at__gte=start, created_at__lt=end).count()
    held = Sarasehan.objects.filter(status=Sarasehan.Status.TERBIT, ends_at__gte=start, ends_at__lt=min(end, now))
    points = PoinSarasehan.objects.filter(sarasehan__in=held)
    return {
        "audiensi": audiensi,
        "sarasehan": {
            "held": held.count(),
            "attendance": PendaftaranSarasehan.objects.filter(sarasehan__in=held, checked_in_at__isnull=False).count(),
            "points": points.count(),
            "answered_on_the_spot": points.exclude(answer="").count(),
        },
    }


def compute(period: Period, *, opd_id: int | None = None, now: dt.datetime | None = None) -> dict:
    """Every figure of one scope (the regency, or one OPD) and period, as of `now`."""
    figures: dict = compute_scopes(period, [opd_id], now=now)[opd_id]
    return figures


def compute_scopes(
    period: Period, scopes: list[int | None], *, now: dt.datetime | None = None
) -> dict[int | None, dict]:
    """Every figure of several scopes (None: the regency; an OPD's id) and one period, as of `now`.

    Each query groups by the case's OPD and every scope takes its share of the same rows, so the regency and
    all OPDs cost what the regency alone costs (the hourly task's work does not grow with the OPDs). An OPD
    asked for alone reads only its own cases.

    Long because each figure is one query written out in the order of this module's docstring, which
    defines them; split, the definitions would no longer read beside their queries.
    """
    now = now or timezone.now()
    start, end = period.bounds()
    cases = scope_cases(scopes[0] if len(scopes) == 1 else None)
    incoming = cases.filter(confirmed_at__gte=start, confirmed_at__lt=end)
    first_jenis = Aspirasi.objects.filter(origin_kasus=OuterRef("pk")).order_by("pk").values("jenis")[:1]
    today = timezone.localtime(now).date()

    ages = {}
    for low, high in AGE_BUCKETS:
        q = Q(confirmed_at__lte=now - dt.timedelta(days=low))
        if high is not None:
            q &= Q(confirmed_at__gt=now - dt.timedelta(days=high + 1))
        ages[f"age_{low}-{high or ''}"] = q
    backlog_rows = list(
        cases.filter(status__in=OPEN_STATUSES)
        .values("opd_id", "status")
        .annotate(
            total=Count("pk"),
            late=Count("pk", filter=late_q(now)),
            escalated=Count("pk", filter=Q(escalation_level__gt=0)),
            **{key: Count("pk", filter=q) for key, q in ages.items()},
        )
        .order_by()
    )
    incoming_g = _split(incoming, "channel", "kecamatan_id", "kategori_id")
    jenis_g = _split(incoming.annotate(jenis=Subquery(first_jenis)), "jenis")
    late_g = _split(cases.filter(late_q(now)), "kecamatan_id", "kategori_id")

    trend = _months_back(period.end, 12)
    window_start = min(start, trend[0].bounds()[0])
    window_end = max(end, trend[-1].bounds()[1])
    trend_rows = list(
        cases.filter(confirmed_at__gte=trend[0].bounds()[0], confirmed_at__lt=trend[-1].bounds()[1])
        .values("opd_id")
        .annotate(
            **{
                f"m{i}": Count("pk", filter=Q(confirmed_at__gte=m.bounds()[0], confirmed_at__lt=m.bounds()[1]))
                for i, m in enumerate(trend)
            }
        )
        .order_by()
    )
    answered_every = answers(cases, window_start, window_end)
    verified_every = _verified_rows(cases, start, end)
    promises = _promise_rows(scopes, period)
    made_by = _makers(promises)
    meetings = _meetings(start, end, now) if None in scopes else None
    tz = timezone.get_current_timezone()

    result = {}
    for scope in scopes:

        def mine(opd: int | None, scope: int | None = scope) -> bool:
            return scope is None or opd == scope

        backlog = {"total": 0, "late": 0, "escalated": 0, **dict.fromkeys(ages, 0)}
        by_status: Counter = Counter()
        for row in backlog_rows:
            if mine(row["opd_id"]):
                for key in backlog:
                    backlog[key] += row[key]
                by_status[row["status"]] += row["total"]
        answered_all = [r for r in answered_every if mine(r["opd"])]
        answered = [r for r in answered_all if start <= r["at"] < end]
        by_opd: dict[str, list[dict]] = defaultdict(list)
        by_kec: dict[str, list[dict]] = defaultdict(list)
        for row in answered:
            by_opd[str(row["opd"] or "")].append(row)
            by_kec[str(row["kecamatan"] or "")].append(row)
        received_opd = _share_of(incoming_g, scope, 0)
        late_opd = _share_of(late_g, scope, 0)
        opd_keys = sorted(set(received_opd) | set(by_opd) | set(late_opd))
        received_kec = _share_of(incoming_g, scope, 2)
        late_kec = _share_of(late_g, scope, 1)
        kec_keys = sorted(set(received_kec) | set(by_kec) | set(late_kec))
        received_kat = _share_of(incoming_g, scope, 3)
        late_kat = _share_of(late_g, scope, 2)

        by_month: dict[tuple[int, int], list[dict]] = defaultdict(list)
        for row in answered_all:
            local = row["at"].astimezone(tz)
            by_month[(local.year, local.month)].append(row)
        trend_incoming = [
            {
                "month": month.start.isoformat(),
                "incoming": sum(row[f"m{i}"] for row in trend_rows if mine(row["opd_id"])),
                "on_time_pct": _levels(by_month.get((month.start.year, month.start.month), []))["on_time_pct"],
            }
            for i, month in enumerate(trend)
        ]
        own_promises = [row for row in promises if mine(row[0])]

        result[scope] = {
            "period": [period.start.isoformat(), period.end.isoformat()],
            "opd": scope,
            "incoming": sum(received_opd.values()),
            "by_channel": {c: n for c, n in _share_of(incoming_g, scope, 1).items() if c in Channel.values},
            "by_jenis": _share_of(jenis_g, scope, 1),
            "backlog": backlog,
            "backlog_by_status": dict(by_status),
            "levels": {**_levels(answered), **_verified([v for v in verified_every if mine(v[0])])},
            "per_opd": {
                key: {
                    "received": received_opd.get(key, 0),
                    "late": late_opd.get(key, 0),
                    **_levels(by_opd.get(key, [])),
                }
                for key in opd_keys
            },
            "per_kategori": {
                key: {"received": received_kat.get(key, 0), "late": late_kat.get(key, 0)}
                for key in sorted(set(received_kat) | set(late_kat))
            },
            "per_kecamatan": {
                key: {
                    "received": received_kec.get(key, 0),
                    "late": late_kec.get(key, 0),
                    **_levels(by_kec.get(key, [])),
                }
                for key in kec_keys
            },
            "tindak_lanjut": _tindak_lanjut(own_promises, today),
            "tindak_lanjut_pejabat": _tindak_lanjut_by_pejabat(own_promises, made_by, today),
            "trend": trend_incoming,
            # Audiensi and sarasehan are the regency's, not an OPD's: an OPD's dashboard leaves them out.
            "meetings": meetings if scope is None else None,
        }
    return result
