"""panel_rows: a case page's panel asks whether it has rows before it compiles the joined query."""

import datetime as dt

import pytest

from portal.kasus import services
from portal.kasus.models import TindakLanjut
from portal.kasus.panels import panel_rows
from tests.factories import OpdFactory, open_kasus

pytestmark = pytest.mark.django_db


def test_a_panel_without_rows_asks_once(django_assert_num_queries):
    kasus = open_kasus()
    with django_assert_num_queries(1):
        assert panel_rows(TindakLanjut.objects.filter(kasus=kasus), "opd") == []


def test_a_panel_with_rows_gets_them_with_their_relations_joined(django_assert_num_queries):
    kasus, opd = open_kasus(), OpdFactory(nama="Dinas Uji Panel")
    services.tindak_lanjut_add(
        kasus_id=kasus.pk, actor=None, description="Tambal jalan", opd=opd, due_date=dt.date(2026, 12, 31)
    )
    with django_assert_num_queries(2):
        rows = panel_rows(TindakLanjut.objects.filter(kasus=kasus), "opd")
        assert [row.opd.nama for row in rows] == ["Dinas Uji Panel"]
