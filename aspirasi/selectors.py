"""Reads of the aspirasi channel reused by several views and panels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from portal.akun.access import has_mfa
from portal.kasus.calendar import WorkingCalendar
from portal.kasus.models import Kasus, Riwayat, Status
from portal.kasus.panels import panel_rows
from portal.kasus.selectors import public_cases as kasus_public_cases
from portal.kasus.selectors import (
    sees_reporter_identity,
    staff_can_view,
    viewer_is_reporter,
    viewer_sees_content,
)
from portal.wilayah.models import DESA_LEVELS, Wilayah, in_reader_language
from portal.wilayah.options import wilayah_groups

from .models import Aspirasi, Lampiran

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.akun.models import User


def identity_hidden_from(user: User | AnonymousUser, kasus: Kasus) -> bool:
    """An anonymous reporter's identity is shown only to petugas."""
    return not sees_reporter_identity(user, kasus)


def reporter_sees_content(kasus: Kasus, request: HttpRequest) -> bool:
    """As on the tracking page: a confidential case's content needs proof, the forwarded link alone is not enough."""
    return viewer_sees_content(kasus, request) and viewer_is_reporter(kasus, request)


def survivor_of(kasus: Kasus) -> Kasus:
    """The case a merged case lives on in (its files, reports and timeline continue there)."""
    return kasus.merged_into if kasus.merged_into is not None else kasus


def reported_case_ids(kasus: Kasus, request: HttpRequest) -> set[int]:
    """Of `kasus` and the cases merged into it, those this visitor reported and may see the content of."""
    candidates = [kasus, *panel_rows(Kasus.objects.filter(merged_into=kasus), "reporter")]
    return {c.pk for c in candidates if reporter_sees_content(c, request)}


def resident_files(kasus: Kasus, request: HttpRequest) -> list[Lampiran]:
    """The one rule for residents: the files of the reports they sent, and those published with an answer.

    `kasus` is the case the files are on (a merge moves them to the survivor); never another reporter's file.
    """
    reported = reported_case_ids(kasus, request)
    if not reported:
        return []
    files = Lampiran.objects.filter(kasus=kasus).filter(Q(origin_kasus__in=reported) | Q(role=Lampiran.Role.ANSWER))
    return list(files.order_by("created_at", "id"))


def staff_may_download(request: HttpRequest, lampiran: Lampiran) -> bool:
    kasus = lampiran.kasus
    user = request.user
    # Like every staff page (staff_required), staff access needs TOTP enrolled: a password alone opens no file.
    return kasus.confirmed_at is not None and staff_can_view(user, kasus) and has_mfa(user)


def resident_may_download(request: HttpRequest, lampiran: Lampiran) -> bool:
    return any(f.pk == lampiran.pk for f in resident_files(lampiran.kasus, request))


def wilayah_options() -> list[tuple[Wilayah, list[Wilayah]]]:
    """Every kecamatan with its desa/kelurahan for a grouped <select>, by name (portal.wilayah.options)."""
    return wilayah_groups(order="nama")


@dataclass
class Report:
    """One report on a case, as the staff page shows it: what was sent, by whom, with which files."""

    aspirasi: Aspirasi
    origin: Kasus  # the case it opened: its reporter sent it
    files: list[Lampiran] = field(default_factory=list)
    hide_identity: bool = False


def kasus_reports(kasus: Kasus, user: User | AnonymousUser) -> tuple[list[Report], list[Lampiran]]:
    """Every report on the case (its own and those merged into it) with the files its reporter sent,
    and the files of no report (answers). One query for a case without a report, two with, three when
    reports were merged into it."""
    rows = list(Aspirasi.objects.filter(kasus=kasus).select_related("created_by").order_by("created_at", "id"))
    # A report's origin is this case unless it was merged in: joining every report's origin and its reporter
    # doubled the cost of compiling the query, on every staff case page.
    merged_in = {aspirasi.origin_kasus_id for aspirasi in rows} - {kasus.pk, None}
    origins = Kasus.objects.select_related("reporter").in_bulk(merged_in) if merged_in else {}
    reports = []
    for aspirasi in rows:
        origin = origins.get(aspirasi.origin_kasus_id, kasus)
        # The stricter of the two: the survivor's flags were raised by the merge, the report's own may be stricter.
        hidden = identity_hidden_from(user, kasus) or identity_hidden_from(user, origin)
        reports.append(Report(aspirasi=aspirasi, origin=origin, hide_identity=hidden))
    if not reports:
        return [], []
    by_origin = {r.origin.pk: r for r in reports}
    loose: list[Lampiran] = []
    for item in Lampiran.objects.filter(kasus=kasus).order_by("created_at", "id"):
        report = (
            by_origin.get(item.origin_kasus_id)
            if item.origin_kasus_id is not None and item.role != Lampiran.Role.ANSWER
            else None
        )
        (report.files if report is not None else loose).append(item)
    return reports, loose


# Transparency -------------------------------------------------------------------------------------------------------


def public_cases() -> QuerySet[Kasus]:
    """Public cases (portal.kasus.selectors.public_cases) that a resident reported as an aspirasi: the map,
    feeds and follows draw on what was reported with a place, not on cases opened at an audiensi or sarasehan."""
    return kasus_public_cases().filter(Exists(Aspirasi.objects.filter(kasus=OuterRef("pk"))))


def recent_public_cases(limit: int = 20) -> list[dict[str, Any]]:
    """No personal data: no reporter, no description, no desa, no address — title and classification only."""
    # Plain dicts, not the typed rows of values(): keys are added and removed below.
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in public_cases()
        .order_by("-confirmed_at")
        .values(
            "reference",
            "title",
            "status",
            "kategori__nama",
            "kategori__nama_en",
            "kecamatan__nama",
            "opd__nama",
            "opd__nama_en",
            "opd__singkatan",
            "confirmed_at",
            "answered_at",
            "lapor_tracking_id",
        )[:limit]
    ]
    for row in rows:
        row["status_label"] = Status(row["status"]).label
        # Reference data in the reader's language, under the keys the page and the CSV read.
        row["kategori__nama"] = in_reader_language(row["kategori__nama"] or "", row.pop("kategori__nama_en") or "")
        row["opd__nama"] = in_reader_language(row["opd__nama"] or "", row.pop("opd__nama_en") or "")
    return rows


def _month_bounds(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = today.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(dt.datetime.combine(start, dt.time.min), tz),
        timezone.make_aware(dt.datetime.combine(end, dt.time.min), tz),
    )


def monthly_stats(today: dt.date | None = None) -> dict[str, Any]:
    """This month's counts per kategori, kecamatan and OPD, and the share answered within the deadline.

    "Within the deadline" means the OPD's answer came no more than SLA followup_days working days after the
    case was (last) disposed to it. Counted over cases answered this month. Cached for five minutes.
    """
    today = today or timezone.localdate()
    key = f"aspirasi:stats:{today:%Y-%m-%d}:{settings.LANGUAGE_CODE}"
    stats: dict[str, Any] | None = cache.get(key)
    if stats is None:
        stats = _compute_monthly_stats(today)
        cache.set(key, stats, 300)
    return stats


def _compute_monthly_stats(today: dt.date) -> dict[str, Any]:
    start, end = _month_bounds(today)
    month = (
        Kasus.objects.confirmed()
        .filter(confirmed_at__gte=start, confirmed_at__lt=end, merged_into__isnull=True)
        .filter(Exists(Aspirasi.objects.filter(kasus=OuterRef("pk"))))
    )

    def per(field: str) -> list[tuple[str, int]]:
        rows = month.values(field).annotate(n=Count("pk")).order_by("-n", field)
        return [(r[field] or "", r["n"]) for r in rows]

    last_disposed = (
        Riwayat.objects.filter(kasus=OuterRef("pk"), kind="kasus.disposed", created_at__lte=OuterRef("answered_at"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    # answered_at is set on every row: the filter above asks for it.
    answered = cast(
        list[tuple[dt.datetime | None, dt.datetime]],
        list(
            Kasus.objects.filter(answered_at__gte=start, answered_at__lt=end)
            .filter(Exists(Aspirasi.objects.filter(kasus=OuterRef("pk"))))
            .annotate(disposed_at=Subquery(last_disposed))
            .values_list("disposed_at", "answered_at")
        ),
    )
    on_time = _count_on_time(answered, settings.PORTAL_SLA["followup_days"])
    return {
        "month": start.date(),
        "total": month.count(),
        "per_kategori": per("kategori__nama"),
        "per_kecamatan": per("kecamatan__nama"),
        "per_opd": per("opd__nama"),
        "answered": len(answered),
        "answered_on_time": on_time,
        "on_time_percent": round(100 * on_time / len(answered)) if answered else None,
        "open_overdue": month.overdue().count(),
    }


def _count_on_time(pairs: list[tuple[dt.datetime | None, dt.datetime]], days: int) -> int:
    dated = [(timezone.localtime(d).date(), timezone.localtime(a).date()) for d, a in pairs if d is not None]
    if not dated:
        return 0
    calendar = WorkingCalendar(min(d for d, _a in dated), max(a for _d, a in dated))
    on_time = 0
    for disposed, answered in dated:
        worked = 0
        day = disposed
        while day < answered and worked <= days:
            day += dt.timedelta(days=1)
            if calendar.is_working_day(day):
                worked += 1
        on_time += worked <= days
    return on_time


def desa_by_kode() -> dict[str, dict[str, Any]]:
    """Each desa/kelurahan's id, name and kecamatan by its Kemendagri code (the pin's desa): cached an hour."""
    desa = cast(dict[str, dict[str, Any]], cache.get_or_set("aspirasi:desa_by_kode", _desa_by_kode, 3600))
    return desa


def _desa_by_kode() -> dict[str, dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        dict(row) for row in Wilayah.objects.filter(tingkat__in=DESA_LEVELS).values("kode", "pk", "nama", "parent_id")
    ]
    return {row.pop("kode"): row for row in rows}
