import datetime as dt

from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from portal.akun import roles as r
from portal.kasus.calendar import WorkingCalendar
from portal.kasus.outbox import Attachment, outbox_enqueue

from . import report, selectors
from .figures import Period, month_period


def first_working_day(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    calendar = WorkingCalendar(day, day + dt.timedelta(days=20))
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def laporan_send(*, period: Period) -> int:
    """Email the month's report (PDF and XLSX) to every active pimpinan; returns how many were queued."""
    # The report is the regency's Indonesian document: every pimpinan gets it in Indonesian, whatever their
    # account's language.
    recipients = sorted(r.role_recipients(r.PIMPINAN))
    name = f"laporan-aspirasi-{period.start:%Y-%m}"
    with translation.override("id"):
        attachments = [
            Attachment(f"{name}.pdf", report.build_pdf(period), "application/pdf"),
            Attachment(
                f"{name}.xlsx",
                report.build_xlsx(period),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        ]
        data = selectors.labelled(selectors.figures(period).data)
        context = {
            "month": date_format(period.start, "F Y"),
            "incoming": data["incoming"],
            "answered": data["levels"]["answered"],
            "on_time": data["levels_label"]["on_time"],
        }
    with transaction.atomic():
        for email in recipients:
            outbox_enqueue(to=email, template="dasbor_laporan_bulanan", context=context, attachments=attachments)
    return len(recipients)


def laporan_send_if_due(*, today: dt.date | None = None) -> int:
    """On the first working day of a month, send last month's report; any other day do nothing."""
    today = today or timezone.localdate()
    if today != first_working_day(today.year, today.month):
        return 0
    last = today.replace(day=1) - dt.timedelta(days=1)
    return laporan_send(period=month_period(last.year, last.month))
