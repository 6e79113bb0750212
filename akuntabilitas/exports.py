"""Public tables as open data: CSV and XLSX with the same columns, no personal data."""

import csv
import io
from collections.abc import Iterable, Iterator

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from portal.kasus.models import TindakLanjut

from . import selectors

BATCH = 500


def _safe(value: str) -> str:
    # Spreadsheet formula injection: a cell starting with = + - @ is shown as text.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def header() -> list[str]:
    return [
        _("Nomor kasus"),
        _("Judul kasus"),
        _("Janji"),
        _("OPD"),
        _("Disampaikan pada"),
        _("Kecamatan"),
        _("Tenggat"),
        _("Status"),
        _("Selesai pada"),
        _("Bukti penyelesaian"),
    ]


def rows(qs) -> Iterator[list[str]]:
    """Rows in batches, each batch with its audiensi and sarasehan names looked up at once."""
    today = timezone.localdate()
    batch: list[TindakLanjut] = []
    for item in qs.iterator(chunk_size=BATCH):
        batch.append(item)
        if len(batch) == BATCH:
            yield from _rows(batch, today)
            batch = []
    yield from _rows(batch, today)


def _rows(batch: list[TindakLanjut], today) -> Iterator[list[str]]:
    where = selectors.where_promised(batch)
    for item in batch:
        kecamatan = item.kasus.kecamatan
        yield [
            item.kasus.reference,
            _safe(item.kasus.title),
            _safe(item.description),
            item.opd.display_name,
            _safe(where[item.pk] or item.source),
            kecamatan.nama if kecamatan else "",
            item.due_date.isoformat(),
            str(selectors.TRACKER_STATUS_LABELS[selectors.tracker_status(item, today)]),
            timezone.localdate(item.done_at).isoformat() if item.done_at else "",
            _safe(item.evidence),
        ]


def csv_response(filename: str, head: list[str], body: Iterable[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(head)
    writer.writerows(body)
    return response


def xlsx_response(filename: str, sheet_name: str, head: list[str], body: Iterable[list]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name[:31])  # Excel's limit on sheet names
    sheet.append(head)
    for row in body:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def as_csv(qs) -> HttpResponse:
    return csv_response("janji-tindak-lanjut", header(), rows(qs))


def as_xlsx(qs) -> HttpResponse:
    return xlsx_response("janji-tindak-lanjut", _("Janji tindak lanjut"), header(), rows(qs))
