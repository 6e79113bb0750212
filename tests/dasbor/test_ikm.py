"""The satisfaction index on the dashboard, on /transparansi/ and in the monthly report."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dasbor import report
from dasbor.figures import month_period
from skm.models import Unit
from tests.factories import OpdFactory, staff
from tests.skm.factories import answer
from tests.skm.test_ikm import WORKED

pytestmark = pytest.mark.django_db


def test_pimpinan_see_the_periods_index_and_each_units(client):
    opd = OpdFactory()
    for scores in WORKED:
        answer(scores, opd=opd)
    client.force_login(staff("pimpinan"))
    body = client.get(reverse("dasbor:dashboard")).content.decode()
    assert "79.86" in body or "79,86" in body
    assert opd.nama in body


def test_opd_staff_see_only_their_own_opds_index(client):
    own, other = OpdFactory(), OpdFactory()
    answer([4] * 9, opd=own)
    answer([1] * 9, opd=other)
    client.force_login(staff("opd", opd=own))
    body = client.get(reverse("dasbor:dashboard")).content.decode()
    assert "100.00" in body or "100,00" in body
    assert "25.00" not in body and "25,00" not in body and other.nama not in body


def test_the_public_page_shows_the_months_index(client):
    for scores in WORKED:
        answer(scores)
    body = client.get(reverse("dasbor:transparansi")).content.decode()
    assert "79.86" in body or "79,86" in body


def test_the_monthly_report_carries_the_index_per_unit():
    for scores in WORKED:
        answer(scores, unit=Unit.AUDIENSI)
    today = timezone.localdate()
    tables = dict(
        (str(title), rows) for title, _header, rows in report.report_tables(month_period(today.year, today.month))
    )
    assert [str(row[0]) for row in tables["IKM per unit layanan"]] == [str(Unit.AUDIENSI.label)]
    assert str(tables["IKM per unit layanan"][0][2]) == "79.86"
