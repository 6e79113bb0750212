"""Point in polygon over the shipped desa boundaries, and the distances the nearby search uses."""

import pytest

from portal.wilayah import geo
from portal.wilayah.models import Wilayah

GIRITIRTO, GIRIWONO = "33.12.12.1003", "33.12.12.1007"


def test_the_centroid_of_every_desa_lands_in_that_desa():
    misplaced = [d.nama for d in geo.desa_list() if geo.desa_at(*d.centroid) is not d]
    assert len(geo.desa_list()) == 294
    assert misplaced == []


def test_a_concave_desa_whose_centroid_is_in_its_neighbour_gets_a_point_inside_itself():
    karanglor = geo.desa_by_kode()["33.12.10.2005"]
    assert karanglor.contains(*karanglor.centroid)


def test_a_point_on_the_gajah_mungkur_reservoir_is_inside_the_regency():
    # The reservoir is shared among the villages around it: a pin on the water still finds a desa.
    found = geo.desa_at(-7.87, 110.89)
    assert found is not None and found.kode.startswith("33.12.")


def test_a_point_on_a_border_lands_in_one_of_the_two_neighbours():
    # A vertex shared by the boundaries of Giritirto and Giriwono.
    found = geo.desa_at(-7.815718, 110.914227)
    assert found is not None and found.kode in {GIRITIRTO, GIRIWONO}


@pytest.mark.parametrize("lat,lng", [(-7.7956, 110.3695), (-8.5, 110.9), (0.0, 0.0)])
def test_a_point_outside_the_regency_is_in_no_desa(lat, lng):
    assert geo.desa_at(lat, lng) is None


def test_haversine_distance_of_one_thousandth_of_a_degree_of_latitude():
    assert geo.distance_m(-7.8, 110.9, -7.801, 110.9) == pytest.approx(111.2, abs=0.2)


def test_the_bounding_box_holds_the_circle():
    min_lat, max_lat, min_lng, max_lng = geo.bbox_around(-7.8, 110.9, 250)
    assert geo.distance_m(-7.8, 110.9, max_lat, 110.9) == pytest.approx(250, abs=0.5)
    assert geo.distance_m(-7.8, 110.9, -7.8, max_lng) == pytest.approx(250, abs=0.5)


@pytest.mark.django_db
def test_every_boundary_code_matches_a_desa_of_the_reference_data():
    codes = set(Wilayah.objects.filter(tingkat__in=["desa", "kelurahan"]).values_list("kode", flat=True))
    assert set(geo.desa_by_kode()) == codes
