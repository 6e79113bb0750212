"""Protokol's week calendar: each pejabat's audiensi, exceptions and free slots per day, navigable by week."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audiensi.models import Pengecualian
from tests.factories import staff
from tests.sarasehan.factories import sarasehan

from .factories import open_availability, request_audiensi, slots_of

pytestmark = pytest.mark.django_db


def week_url(day: dt.date) -> str:
    return reverse("audiensi:staff_week") + f"?tanggal={day:%Y-%m-%d}"


def test_the_week_shows_audiensi_exceptions_and_free_slots(client):
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat)
    day = timezone.localdate(audiensi.starts_at)
    Pengecualian.objects.create(pejabat=pejabat, date=day + dt.timedelta(days=1), reason="Rapat paripurna DPRD")
    client.force_login(staff("protokol"))
    page = client.get(week_url(day)).content.decode()
    assert reverse("audiensi:staff_detail", args=[audiensi.pk]) in page
    assert "Rapat paripurna DPRD" in page
    assert "slot kosong" in page


def test_the_week_shows_the_sarasehan_and_its_pejabat(client):
    pejabat = open_availability()
    forum = sarasehan(starts_in=dt.timedelta(days=10), title="Sarasehan Air Bersih")
    forum.pejabat.add(pejabat)
    client.force_login(staff("pimpinan"))
    page = client.get(week_url(timezone.localdate(forum.starts_at))).content.decode()
    assert "Sarasehan Air Bersih" in page
    assert pejabat.display_jabatan in page


def test_the_week_runs_monday_to_sunday_with_links_to_the_weeks_around(client):
    client.force_login(staff("protokol"))
    wednesday = dt.date(2027, 3, 17)
    page = client.get(week_url(wednesday)).content.decode()
    assert "Senin, 15 Maret 2027" in page and "Minggu, 21 Maret 2027" in page
    assert "?tanggal=2027-03-08" in page and "?tanggal=2027-03-22" in page


def test_a_bad_date_is_a_400_not_a_500(client):
    client.force_login(staff("protokol"))
    assert client.get(reverse("audiensi:staff_week") + "?tanggal=99999-01-01").status_code == 400


def test_residents_cannot_open_the_calendar(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(reverse("audiensi:staff_week")).status_code in (302, 403, 404)


def fill_week(pejabat, day: dt.date, index: int) -> None:
    request_audiensi(open_availability(), index=index)
    Pengecualian.objects.create(pejabat=pejabat, date=day + dt.timedelta(days=index), reason="Dinas luar")
    forum = sarasehan(starts_in=timezone.make_aware(dt.datetime.combine(day, dt.time(13))) - timezone.now())
    forum.pejabat.add(pejabat)


def month_url(day: dt.date) -> str:
    return reverse("audiensi:staff_month") + f"?tanggal={day:%Y-%m-%d}"


def test_the_month_counts_each_day_and_links_to_its_week(client):
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat)
    day = timezone.localdate(audiensi.starts_at)
    client.force_login(staff("pimpinan"))
    page = client.get(month_url(day)).content.decode()
    assert f"{week_url(day)}" in page
    assert "1 audiensi" in page


def test_the_month_runs_from_the_first_to_the_last_day_with_links_to_the_months_around(client):
    client.force_login(staff("protokol"))
    page = client.get(month_url(dt.date(2027, 2, 14))).content.decode()
    assert "Senin, 1 Februari" in page and "Minggu, 28 Februari" in page and "29 Februari" not in page
    assert "?tanggal=2027-01-01" in page and "?tanggal=2027-03-01" in page


@pytest.mark.parametrize("page_url", [week_url, month_url], ids=["week", "month"])
def test_the_calendar_costs_the_same_queries_however_full_it_is(client, page_url):
    pejabat = open_availability()
    client.force_login(staff("protokol"))
    day = timezone.localdate(slots_of(pejabat)[0].start)
    fill_week(pejabat, day, 0)
    with CaptureQueriesContext(connection) as one:
        client.get(page_url(day))
    for index in (1, 2, 3):
        fill_week(pejabat, day, index)
    with CaptureQueriesContext(connection) as four:
        client.get(page_url(day))
    assert len(four) == len(one)


def test_the_day_sheet_lists_who_comes_and_the_days_other_agenda(client):
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat, topic="Irigasi sawah Ngadirojo")
    day = timezone.localdate(audiensi.starts_at)
    Pengecualian.objects.create(
        pejabat=pejabat, date=day, start_time=dt.time(13), end_time=dt.time(15), reason="Kunker"
    )
    client.force_login(staff("protokol"))
    response = client.get(reverse("audiensi:staff_day_sheet") + f"?tanggal={day:%Y-%m-%d}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Irigasi sawah Ngadirojo" in page and audiensi.pemohon.get_full_name() in page
    assert "Kunker" in page


def test_the_day_sheet_prints_without_the_site_chrome():
    from django.contrib.staticfiles import finders

    with open(finders.find("css/audiensi.css")) as f:
        css = f.read()
    print_rules = css[css.index("@media print") :]
    assert ".site-header" in print_rules and ".staff-bar" in print_rules and ".no-print" in print_rules
