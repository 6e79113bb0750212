import io

import pytest

from audiensi.demo import seed_demo
from audiensi.models import AturanMingguan, Audiensi
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_seeds_availability_and_requests_once():
    warga = UserFactory(email="warga1@example.org")
    out = io.StringIO()
    seed_demo(stdout=out)
    seed_demo(stdout=out)
    assert AturanMingguan.objects.filter(pejabat__slug="bupati").count() == 2
    assert AturanMingguan.objects.filter(pejabat__slug="wakil-bupati").count() == 2
    assert Audiensi.objects.filter(pemohon=warga).count() == 2
    assert set(Audiensi.objects.values_list("pejabat__slug", flat=True)) == {"bupati", "wakil-bupati"}
