"""The pin on the aspirasi form: the desa derived from it, a point outside refused, the photo's GPS offered,
petugas set or move it; without a pin the form works as before."""

import pytest
from django.urls import reverse
from PIL import Image

from aspirasi.models import Lampiran
from portal.kasus import titik
from portal.kasus.models import Kasus, Riwayat
from portal.kasus.services import KasusError
from tests.factories import desa, open_kasus, staff

from .factories import form_data, jpeg_bytes, upload
from .place import GIRITIRTO, centre, giritirto

pytestmark = pytest.mark.django_db


def post(client, **overrides):
    return client.post(reverse("aspirasi:submit"), form_data(**overrides))


def test_the_pin_is_stored_on_the_case(client):
    lat, lng = centre()
    place = giritirto()
    post(client, titik_lat=str(lat), titik_lng=str(lng), kecamatan=str(place.parent_id), desa=str(place.pk))
    kasus = Kasus.objects.get()
    assert (kasus.titik_lat, kasus.titik_lng) == (round(lat, 6), round(lng, 6))


def test_the_desa_under_the_pin_is_chosen_when_the_resident_chose_none(client):
    lat, lng = centre()
    post(client, titik_lat=str(lat), titik_lng=str(lng), kecamatan="", desa="")
    assert Kasus.objects.get().wilayah.kode == GIRITIRTO


def test_the_resident_corrects_the_desa_of_a_pin_on_a_border(client):
    # The pin's polygon says Giritirto or Giriwono; the resident's own choice is kept.
    other = desa()
    post(client, titik_lat="-7.815718", titik_lng="110.914227", kecamatan=str(other.parent_id), desa=str(other.pk))
    assert Kasus.objects.get().wilayah == other


def test_the_derived_desa_is_preselected_on_the_next_render(client):
    lat, lng = centre()
    response = post(client, titik_lat=str(lat), titik_lng=str(lng), kecamatan="", desa="", title="")
    assert response.status_code == 200
    assert f'<option value="{giritirto().pk}" selected>' in response.content.decode()


def test_a_pin_outside_the_regency_is_refused_with_a_clear_message(client):
    response = post(client, titik_lat="-7.7956", titik_lng="110.3695")
    assert response.status_code == 200 and not Kasus.objects.exists()
    assert "di luar Kabupaten Wonogiri" in response.content.decode()


def test_without_a_pin_the_form_works_as_before(client):
    response = post(client)
    assert response.status_code == 302
    kasus = Kasus.objects.get()
    assert kasus.titik_lat is None and kasus.wilayah == desa()


def test_the_photo_gps_is_offered_as_the_pin_not_set(client):
    photo = upload("jalan.jpg", jpeg_bytes(gps=True))
    response = post(client, lampiran=photo, cek_sekitar="1")
    html = response.content.decode()
    assert "data-peta-photo" in html and 'data-lat="-7.816667"' in html and 'data-lng="110.916667"' in html
    assert not Kasus.objects.exists()


def test_the_stored_photo_still_has_no_gps(client):
    post(client, lampiran=upload("jalan.jpg", jpeg_bytes(gps=True)))
    lampiran = Lampiran.objects.get()
    with lampiran.file.open("rb") as fh, Image.open(fh) as im:
        assert not im.getexif().get_ifd(0x8825)
    assert Kasus.objects.get().titik_lat is None  # offered, never set without the resident


def test_the_aspirasi_form_may_ask_for_the_location_and_no_other_page(client):
    assert "geolocation=(self)" in client.get(reverse("aspirasi:submit"))["Permissions-Policy"]
    assert "geolocation=()" in client.get(reverse("aspirasi:transparency"))["Permissions-Policy"]


def test_the_map_is_drawn_from_a_same_origin_boundary_file(client):
    html = client.get(reverse("aspirasi:submit")).content.decode()
    assert reverse("aspirasi:desa_geojson") in html and "vendor/leaflet/leaflet.js" in html
    response = client.get(reverse("aspirasi:desa_geojson"))
    assert response["Content-Type"] == "application/geo+json" and b'"33.12.12.1003"' in response.content


def test_a_petugas_records_a_case_with_a_pin(client):
    client.force_login(staff("petugas"))
    lat, lng = centre()
    data = form_data(channel="telepon", reporter_email="", titik_lat=str(lat), titik_lng=str(lng))
    response = client.post(reverse("aspirasi:record"), data)
    assert response.status_code == 302
    assert Kasus.objects.get().titik_lat == round(lat, 6)


def test_a_petugas_moves_the_pin_and_the_timeline_says_so(client):
    petugas = staff("petugas")
    kasus = open_kasus(wilayah=giritirto())
    client.force_login(petugas)
    lat, lng = centre()
    url = reverse("aspirasi:move_pin", args=[kasus.reference])
    response = client.post(url, {"titik_lat": lat, "titik_lng": lng})
    assert response.status_code == 302
    kasus.refresh_from_db()
    assert kasus.titik_lat == round(lat, 6)
    entry = kasus.riwayat.get(kind="kasus.titik_moved")
    assert entry.visibility == Riwayat.Visibility.INTERNAL and entry.actor == petugas


def test_a_petugas_cannot_move_the_pin_outside_the_regency(client):
    kasus = open_kasus(wilayah=giritirto())
    client.force_login(staff("petugas"))
    client.post(reverse("aspirasi:move_pin", args=[kasus.reference]), {"titik_lat": "-7.79", "titik_lng": "110.36"})
    kasus.refresh_from_db()
    assert kasus.titik_lat is None and not kasus.riwayat.filter(kind="kasus.titik_moved").exists()


def test_an_opd_officer_cannot_move_the_pin(client):
    kasus = open_kasus(wilayah=giritirto())
    client.force_login(staff("opd"))
    response = client.post(reverse("aspirasi:move_pin", args=[kasus.reference]), {"titik_lat": "-7.82"})
    assert response.status_code == 403


def test_the_service_refuses_a_point_outside_the_regency():
    kasus = open_kasus()
    with pytest.raises(KasusError):
        titik.titik_move(kasus_id=kasus.pk, lat=0.0, lng=0.0, actor=staff("petugas"))
