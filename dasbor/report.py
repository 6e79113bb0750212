"""The monthly report as a PDF (ReportLab) and an XLSX workbook (openpyxl), both without personal data.

ReportLab rather than WeasyPrint: it installs as a wheel with no system libraries (no Pango in CI or
on the server), draws the kecamatan map as vector shapes directly, and the report is a fixed layout of
tables that needs no HTML/CSS engine.
"""

import datetime as dt
import io
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from reportlab.graphics.shapes import Drawing, Polygon
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from portal.kasus.models import Kasus, late_q
from skm.selectors import ikm_by_unit, ikm_summary

from . import selectors
from .figures import Period, month_period

SHADES = ["#eef4fb", "#c6dbef", "#9ecae1", "#4292c6", "#08519c"]


def _next_month(period: Period) -> Period:
    following = period.end + dt.timedelta(days=1)
    return month_period(following.year, following.month)


def public_table_titles() -> list[str]:
    """The titles of the public tables, in the order report_tables(public=True) gives them: /transparansi/ links
    each table's CSV without computing the tables."""
    return [
        _("Ringkasan"),
        _("Per kanal"),
        _("Per jenis"),
        _("Per OPD"),
        _("Per kategori"),
        _("Per kecamatan"),
        _("Tindak lanjut"),
        _("Tindak lanjut per pejabat"),
        _("IKM per unit layanan"),
    ]


def report_tables(period: Period, *, public: bool = False) -> list[tuple[str, list[str], list[list]]]:
    """The report's tables, (title, header, rows), shared by the PDF and the workbooks.

    `public`: only the figures, as /transparansi/ shows them (no case list, no promises).

    Long because it is the report itself, one table after another in the order the PDF prints them.
    """
    data = selectors.labelled(selectors.figures(period).data)
    titles = public_table_titles()
    levels = data["levels"]
    summary = [
        [_("Kasus masuk"), data["incoming"]],
        [_("Dijawab"), levels["answered"]],
        [_("Dijawab tepat waktu (%)"), levels["on_time_pct"]],
        [_("Diverifikasi dalam batas waktu (%)"), levels["verified_in_time_pct"]],
        [_("Median hari kerja sampai dijawab"), levels["median_days"]],
        [_("Dibuka kembali (%)"), levels["reopened_pct"]],
        [_("Terbuka sekarang"), data["backlog"]["total"]],
        [_("Terlambat sekarang"), data["backlog"]["late"]],
        [_("Dieskalasi"), data["backlog"]["escalated"]],
        [_("Audiensi terlaksana"), data["meetings"]["audiensi"]["held"]],
        [_("Audiensi: pemohon tidak hadir"), data["meetings"]["audiensi"]["no_show"]],
        [_("Sarasehan terlaksana"), data["meetings"]["sarasehan"]["held"]],
        [_("Persoalan disampaikan di sarasehan"), data["meetings"]["sarasehan"]["points"]],
        [_("Dijawab di tempat"), data["meetings"]["sarasehan"]["answered_on_the_spot"]],
    ]
    ikm = ikm_summary(start=period.start, end=period.end)
    summary += [
        [_("Indeks Kepuasan Masyarakat (IKM)"), ikm.ikm.ikm if ikm.ikm else "—"],
        [_("Mutu pelayanan"), f"{ikm.ikm.grade} ({ikm.ikm.mutu})" if ikm.ikm else "—"],
        [_("Responden SKM"), ikm.respondents],
    ]
    level_header = [_("Diterima"), _("Dijawab"), _("Tepat waktu (%)"), _("Median hari"), _("Terlambat sekarang")]
    tables = [
        (titles[0], [_("Angka"), _("Nilai")], summary),
        (titles[1], [_("Kanal"), _("Kasus masuk")], [[c["name"], c["count"]] for c in data["channels"]]),
        (titles[2], [_("Jenis"), _("Kasus masuk")], [[j["name"], j["count"]] for j in data["jenis"]]),
        (
            titles[3],
            [_("OPD"), *level_header],
            [
                [r["name"], r["received"], r["answered"], r["on_time_pct"], r["median_days"], r["late"]]
                for r in data["opd_rows"]
            ],
        ),
        (
            titles[4],
            [_("Kategori"), _("Diterima"), _("Terlambat sekarang")],
            [[r["name"], r["received"], r["late"]] for r in data["kategori_rows"]],
        ),
        (
            titles[5],
            [_("Kecamatan"), *level_header, _("Per 10.000 penduduk")],
            [
                [r["name"], r["received"], r["answered"], r["on_time_pct"], r["median_days"], r["late"], r["per_10k"]]
                for r in data["kecamatan_rows"]
            ],
        ),
        (
            titles[6],
            [_("OPD"), _("Dijanjikan"), _("Selesai tepat waktu"), _("Terlambat"), _("Berjalan")],
            [
                [r["name"], r.get("promised", 0), r.get("done_on_time", 0), r.get("late", 0), r.get("open", 0)]
                for r in data["tindak_lanjut_rows"]
            ],
        ),
        (
            titles[7],
            [_("Pejabat"), _("Dijanjikan"), _("Selesai tepat waktu"), _("Terlambat"), _("Berjalan")],
            [
                [r["name"], r.get("promised", 0), r.get("done_on_time", 0), r.get("late", 0), r.get("open", 0)]
                for r in data["tindak_lanjut_pejabat_rows"]
            ],
        ),
    ]
    tables.append(
        (
            titles[8],
            [_("Unit"), _("Responden"), _("IKM"), _("Mutu")],
            [
                [u.label, u.respondents, u.ikm.ikm if u.ikm else "—", u.ikm.grade if u.ikm else "—"]
                for u in ikm_by_unit(start=period.start, end=period.end)
            ],
        )
    )
    if public:
        return tables
    oldest = selectors.oldest_open()
    promises = selectors.promises_due(_next_month(period))
    return [
        *tables,
        (
            _("Sepuluh kasus terbuka tertua"),
            [_("Nomor"), _("Judul"), _("Status"), _("Dikonfirmasi"), _("OPD")],
            [
                [
                    r["reference"],
                    r["title"] or _("(rahasia)"),
                    r["status"],
                    timezone.localtime(r["confirmed_at"]).date().isoformat(),
                    r["opd__singkatan"] or r["opd__nama"] or "—",
                ]
                for r in oldest
            ],
        ),
        (
            _("Janji jatuh tempo bulan depan"),
            [_("Tenggat"), _("OPD"), _("Uraian"), _("Kasus")],
            [[t.due_date.isoformat(), str(t.opd), t.description[:120], t.kasus.reference] for t in promises],
        ),
    ]


def case_rows(period: Period) -> tuple[list[str], Iterator[list]]:
    """The month's incoming cases, one row each, with no reporter and no free text.

    Streamed from one query (lateness computed in it): tens of thousands of rows a month at a million cases."""
    start, end = period.bounds()
    header = ["nomor", "status", "kanal", "kategori", "kecamatan", "opd", "dikonfirmasi", "dijawab", "terlambat"]
    tz = timezone.get_current_timezone()
    cases = (
        Kasus.objects.confirmed()
        .filter(confirmed_at__gte=start, confirmed_at__lt=end)
        .annotate(late=Case(When(late_q(), then=Value(True)), default=Value(False)))
        .order_by("confirmed_at")
        .values_list(
            "reference",
            "status",
            "channel",
            "kategori__nama",
            "kecamatan__nama",
            "opd__nama",
            "confirmed_at",
            "answered_at",
            "late",
        )
    )
    rows = (
        [
            reference,
            status,
            channel,
            _cell(kategori or ""),
            _cell(kecamatan or ""),
            _cell(opd or ""),
            timezone.localtime(confirmed_at, tz).replace(tzinfo=None),
            answered_at.astimezone(tz).replace(tzinfo=None) if answered_at else None,
            late,
        ]
        for reference, status, channel, kategori, kecamatan, opd, confirmed_at, answered_at, late in cases.iterator(
            chunk_size=5000
        )
    )
    return header, rows


def _title(period: Period) -> str:
    return _("Laporan bulanan aspirasi %(month)s") % {"month": date_format(period.start, "F Y")}


def spreadsheet_safe(value: str) -> str:
    """Text a spreadsheet would run as a formula (= + - @ first) stays text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _cell(value: object) -> object:
    """A value openpyxl can store, formulas neutralised."""
    if isinstance(value, Promise):
        value = str(value)
    return spreadsheet_safe(value) if isinstance(value, str) else value


def _workbook(tables: list[tuple[str, list[str], list[list]]]) -> Workbook:
    # Write-only: rows stream to the file instead of becoming cell objects (the case sheet is a month of cases).
    workbook = Workbook(write_only=True)
    for title, header, rows in tables:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([_cell(v) for v in header])
        for row in rows:
            sheet.append([_cell(v) for v in row])
    return workbook


def build_public_xlsx(period: Period) -> bytes:
    """The figures of /transparansi/, one sheet per table."""
    out = io.BytesIO()
    _workbook(report_tables(period, public=True)).save(out)
    return out.getvalue()


def build_xlsx(period: Period) -> bytes:
    workbook = _workbook(report_tables(period))
    header, rows = case_rows(period)
    sheet = workbook.create_sheet(_("Data kasus")[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(row)  # case_rows neutralised its free text already
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _map_drawing(period: Period) -> Drawing:
    data = selectors.labelled(selectors.figures(period).data)
    peta = selectors.map_shapes(data["kecamatan_rows"], "on_time_pct")
    width = 170 * mm
    scale = width / peta["width"]
    drawing = Drawing(width, peta["height"] * scale)
    for item in peta["shapes"]:
        fill = colors.HexColor(SHADES[item["shade"]]) if item["shade"] is not None else colors.white
        for ring in item["shape"].polygons:
            points = [v for x, y in ring for v in (x * scale, (peta["height"] - y) * scale)]
            drawing.add(Polygon(points, fillColor=fill, strokeColor=colors.grey, strokeWidth=0.5))
    return drawing


def build_pdf(period: Period) -> bytes:
    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=_title(period), leftMargin=15 * mm, rightMargin=15 * mm)
    story = [
        Paragraph(_("Pemerintah %(name)s") % {"name": settings.PORTAL_NAME}, styles["Title"]),
        Paragraph(_title(period), styles["Heading2"]),
        Paragraph(
            _("Periode %(start)s – %(end)s. Tanpa data pribadi.")
            % {"start": period.start.isoformat(), "end": period.end.isoformat()},
            styles["Normal"],
        ),
        Spacer(1, 4 * mm),
    ]
    style = TableStyle(
        [
            ("FONTSIZE", (0, 0), (-1, -1), 8),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde7f2")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )
    for index, (title, header, rows) in enumerate(report_tables(period)):
        story.append(Paragraph(title, styles["Heading3"]))
        cells = [header, *[["—" if v is None else str(v) for v in row] for row in rows]]
        story.append(Table(cells, style=style, repeatRows=1))
        if index == 0:
            story.append(Paragraph(_("Peta: dijawab tepat waktu per kecamatan"), styles["Heading3"]))
            story.append(_map_drawing(period))
    doc.build(story)
    return out.getvalue()
