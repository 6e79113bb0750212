"""/transparansi/ikm/: the IKM of a period, overall and per unit, for everyone."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import OpdFactory

from .factories import answer

pytestmark = pytest.mark.django_db


def test_it_shows_the_index_per_unit_in_two_queries(client, django_assert_num_queries):
    opd = OpdFactory(nama="Dinas Uji Survei")
    answer([4] * 9, opd=opd)
    answer([3] * 9, unit="sarasehan")
    with django_assert_num_queries(2):
        response = client.get(reverse("skm:ikm"))
    text = response.content.decode()
    assert "Dinas Uji Survei" in text
    assert "87,50" in text  # Indonesian decimals; overall: NRR 3.5 per unsur x 25
    assert "100,00" in text and "75,00" in text


def test_a_chosen_period_leaves_other_answers_out(client):
    answer([1] * 9, at=timezone.now() - dt.timedelta(days=800))
    start = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    response = client.get(reverse("skm:ikm"), {"mulai": start})
    assert response.context["summary"].respondents == 0


@pytest.mark.parametrize(
    "params",
    [{"mulai": "bukan-tanggal"}, {"mulai": "2030-01-01", "sampai": "2020-01-01"}, {"mulai": "1900-01-01"}],
)
def test_bad_periods_fall_back_to_this_year(client, params):
    response = client.get(reverse("skm:ikm"), params)
    assert response.status_code == 200
    assert response.context["summary"].start == timezone.localdate().replace(month=1, day=1)


def test_the_downloads_hold_the_per_unit_table(client):
    opd = OpdFactory(nama="Dinas Uji Unduhan")
    answer([4] * 9, opd=opd)
    answer([2] * 9, unit="audiensi")
    rows = list(csv.reader(io.StringIO(client.get(reverse("skm:ikm_csv")).content.decode())))
    assert [row[0] for row in rows[1:]] == ["Dinas Uji Unduhan", "Audiensi"]
    assert [row[-2] for row in rows[1:]] == ["100.0", "50.0"]
    sheet = load_workbook(io.BytesIO(client.get(reverse("skm:ikm_xlsx")).content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[-2] for row in values[1:]] == [100.0, 50.0]
    assert [row[1] for row in values[1:]] == [1, 1]


def test_the_last_month_link_shows_last_month(client):
    response = client.get(reverse("skm:ikm"))
    _label, start, end = response.context["presets"][1]
    assert f"?mulai={start:%Y-%m-%d}&amp;sampai={end:%Y-%m-%d}" in response.content.decode()
    assert (end + dt.timedelta(days=1)).day == 1 and start.day == 1
    assert client.get(reverse("skm:ikm"), {"mulai": start, "sampai": end}).context["summary"].start == start
