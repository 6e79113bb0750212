import csv
import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from aspirasi import selectors as aspirasi_selectors
from portal.akun import roles as r
from portal.akun.access import staff_required
from portal.akun.requests import AuthenticatedHttpRequest
from portal.kasus.selectors import is_opd_only
from portal.page_cache import cached_page
from skm.models import Unit
from skm.selectors import ikm_by_unit, ikm_summary

from . import report, selectors
from .figures import Period, month_period
from .forms import MonthForm, PeriodForm

OPD_COLUMNS = [
    ("name", _("OPD")),
    ("received", _("Diterima")),
    ("answered", _("Dijawab")),
    ("on_time_pct", _("Tepat waktu")),
    ("median_days", _("Median hari")),
    ("late", _("Terlambat sekarang")),
    ("rating", _("Penilaian warga (1–5)")),
]
SORT_KEYS = {key for key, _label in OPD_COLUMNS}


def _sorted(rows: list[dict], key: str) -> list[dict]:
    if key not in SORT_KEYS:
        return rows
    if key == "name":
        return sorted(rows, key=lambda row: row["name"])
    # Highest first; rows without a value (no answers yet) last.
    return sorted(rows, key=lambda row: (row[key] is None, -(row[key] or 0)))


def _delta(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None:
        return None
    return round(current - previous, 1)


@never_cache
@staff_required(r.PETUGAS, r.PIMPINAN, r.OPD, r.ADMIN)
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    period = form.period()
    # OPD staff see their own OPD's figures only, whatever the query string says; without an OPD, none.
    opd_id = request.user.opd_id if is_opd_only(request.user) else None
    if is_opd_only(request.user) and opd_id is None:
        raise PermissionDenied
    current = selectors.figures(period, opd_id=opd_id)
    previous = selectors.figures(period.previous(), opd_id=opd_id).data
    data = selectors.labelled(current.data)
    levels, before = current.data["levels"], previous["levels"]
    comparison = {
        "incoming": data["incoming"] - previous["incoming"],
        "on_time": _delta(levels["on_time_pct"], before["on_time_pct"]),
        "verified": _delta(levels["verified_in_time_pct"], before["verified_in_time_pct"]),
        "median_days": _delta(levels["median_days"], before["median_days"]),
        "reopened": _delta(levels["reopened_pct"], before["reopened_pct"]),
    }
    peta = selectors.map_shapes(data["kecamatan_rows"], form.measure())
    context = {
        "form": form,
        "period": period,
        "previous": period.previous(),
        "data": data,
        "comparison": comparison,
        "computed_at": current.computed_at,
        "opd_rows": _sorted(data["opd_rows"], request.GET.get("urut", "")),
        "sort": request.GET.get("urut", ""),
        "query": request.GET.copy(),
        "peta": peta,
        "measure": peta["measure"],
        "opd_only": opd_id is not None,
        "opd_columns": OPD_COLUMNS,
        "trend_max": max([t["incoming"] for t in data["trend"]] + [1]),
        "channel_max": max([c["count"] for c in data["channels"]] + [1]),
        # OPD staff see the index of the cases their OPD handled; the others the regency's and each unit's.
        "ikm": ikm_summary(start=period.start, end=period.end, unit=Unit.OPD if opd_id else None, unit_id=opd_id),
        "ikm_units": [] if opd_id else ikm_by_unit(start=period.start, end=period.end),
    }
    return render(request, "dasbor/dashboard.html", context)


@never_cache
@staff_required(r.PETUGAS, r.PIMPINAN, r.ADMIN)
def laporan(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    last = today.replace(day=1) - dt.timedelta(days=1)
    period = MonthForm(request.GET or None).period(month_period(last.year, last.month))
    kind = request.GET.get("format")
    name = f"laporan-aspirasi-{period.start:%Y-%m}"
    if kind == "pdf":
        response = HttpResponse(report.build_pdf(period), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    if kind == "xlsx":
        response = HttpResponse(
            report.build_xlsx(period),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    return render(request, "dasbor/laporan.html", {"months": selectors.last_months(today, 12), "period": period})


def _public_period(request: HttpRequest) -> Period:
    today = timezone.localdate()
    return MonthForm(request.GET or None).period(month_period(today.year, today.month))


def transparansi_xlsx(request: HttpRequest) -> HttpResponse:
    """Open data: every table of /transparansi/ for the month, one sheet each."""
    period = _public_period(request)
    response = HttpResponse(
        report.build_public_xlsx(period),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="transparansi-{period.start:%Y-%m}.xlsx"'
    return response


def transparansi_csv(request: HttpRequest) -> HttpResponse:
    """Open data: one table of /transparansi/ for the month (`tabel`: its position on the page)."""
    period = _public_period(request)
    tables = report.report_tables(period, public=True)
    index = request.GET.get("tabel", "0")
    if not index.isdigit() or int(index) >= len(tables):
        raise Http404
    _title, header, rows = tables[int(index)]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transparansi-{period.start:%Y-%m}-{index}.csv"'
    writer = csv.writer(response)
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else report.spreadsheet_safe(str(v)) for v in row])
    return response


@cached_page
def transparansi(request: HttpRequest) -> HttpResponse:
    """Public: any month's service levels per OPD and kecamatan, the map, and the recent public cases."""
    today = timezone.localdate()
    period = _public_period(request)
    current = selectors.figures(period)
    data = selectors.labelled(current.data)
    peta = selectors.map_shapes(data["kecamatan_rows"], PeriodForm(request.GET or None).measure())
    context = {
        "period": period,
        "data": data,
        "computed_at": current.computed_at,
        "peta": peta,
        "measure": peta["measure"],
        "months": selectors.last_months(today, 12),
        "cases": aspirasi_selectors.recent_public_cases(),
        "opd_columns": OPD_COLUMNS,
        "opd_rows": data["opd_rows"],
        "downloads": report.public_table_titles(),
        "channel_max": max([c["count"] for c in data["channels"]] + [1]),
        "trend_max": max([t["incoming"] for t in data["trend"]] + [1]),
        "ikm": ikm_summary(start=period.start, end=period.end),
        "ikm_units": ikm_by_unit(start=period.start, end=period.end),
    }
    return render(request, "dasbor/transparansi.html", context)
