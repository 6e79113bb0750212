import io

import pytest

from aspirasi.demo import seed_demo
from aspirasi.models import Aspirasi, Lampiran
from tests.factories import open_kasus


@pytest.mark.django_db
def test_it_adds_aspirasi_to_demo_cases_once():
    demo = [open_kasus(data={"demo": f"d{i}"}) for i in range(4)]
    other = open_kasus()
    seed_demo(stdout=io.StringIO())
    seed_demo(stdout=io.StringIO())
    assert set(Aspirasi.objects.values_list("kasus_id", flat=True)) == {k.pk for k in demo}
    assert not Aspirasi.objects.filter(kasus=other).exists()
    assert Lampiran.objects.filter(role="submission").count() == 2


@pytest.mark.django_db
def test_demo_cases_get_a_pin_near_their_desa_so_the_maps_show_them():
    from portal.wilayah import geo

    kasus = open_kasus(data={"demo": "d1"})
    seed_demo(stdout=io.StringIO())
    kasus.refresh_from_db()
    lat, lng = geo.centroid_of(kasus.wilayah.kode)
    assert geo.distance_m(lat, lng, kasus.titik_lat, kasus.titik_lng) < 500
