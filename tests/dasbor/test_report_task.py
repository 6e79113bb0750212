import datetime as dt

import pytest
from django.core import mail

from dasbor import services, tasks
from dasbor.models import Angka
from portal.kasus.models import HariLibur, OutboxEmail
from portal.wilayah.models import Opd
from tests.factories import staff

pytestmark = pytest.mark.django_db


def test_the_first_working_day_skips_weekends_and_holidays():
    HariLibur.objects.create(date=dt.date(2026, 6, 1), name="Libur uji")  # a Monday
    assert services.first_working_day(2026, 8) == dt.date(2026, 8, 3)  # 1 Aug 2026 is a Saturday
    assert services.first_working_day(2026, 6) == dt.date(2026, 6, 2)


def test_it_emails_last_months_report_to_pimpinan_on_the_first_working_day(django_capture_on_commit_callbacks):
    pimpinan = staff("pimpinan")
    staff("petugas")
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.laporan_send_if_due(today=dt.date(2026, 12, 1))
    assert sent == 1
    row = OutboxEmail.objects.get()
    assert row.to == pimpinan.email and "November 2026" in row.subject
    assert sorted(a["filename"] for a in row.attachments) == [
        "laporan-aspirasi-2026-11.pdf",
        "laporan-aspirasi-2026-11.xlsx",
    ]
    assert [m.to for m in mail.outbox] == [[pimpinan.email]] and len(mail.outbox[0].attachments) == 2


def test_it_sends_nothing_on_any_other_day():
    staff("pimpinan")
    assert services.laporan_send_if_due(today=dt.date(2026, 12, 2)) == 0
    assert not OutboxEmail.objects.exists()


def test_the_refresh_task_stores_the_figures_the_pages_open_on():
    staff("opd")
    scopes = 1 + Opd.objects.filter(is_active=True).count()  # the regency and every OPD
    assert tasks.dasbor_refresh() == Angka.objects.count() == 3 * scopes
