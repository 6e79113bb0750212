import pytest
from django.urls import reverse

from portal.kasus import services
from tests.aspirasi.factories import submit
from tests.factories import KategoriFactory, OpdFactory, UserFactory, desa

from .factories import public_case

pytestmark = pytest.mark.django_db


def kecamatan_feed(client):
    return client.get(reverse("ikuti:feed_kecamatan", args=[desa().parent.kode]))


def test_the_kecamatan_feed_lists_public_cases_and_no_personal_data(client):
    reporter = UserFactory(full_name="Sutrisno Adi", phone="081299998888")
    shown = public_case(reporter=reporter, title="Jembatan retak", address_detail="Rumah Pak RT nomor 7")
    public_case(title="Kasus rahasia", is_confidential=True)
    submit(reporter=UserFactory(), title="Belum diverifikasi")
    response = kecamatan_feed(client)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert shown.reference in body and "Jembatan retak" in body
    assert "Kasus rahasia" not in body and "Belum diverifikasi" not in body
    for personal in ("Sutrisno", reporter.email, "081299998888", "Rumah Pak RT", shown.summary, shown.wilayah.nama):
        assert personal not in body


def test_an_answered_case_appears_as_a_new_entry(client):
    kasus = public_case(title="Lampu jalan mati")
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=OpdFactory())
    services.kasus_start(kasus_id=kasus.pk, actor=None)
    services.kasus_answer(kasus_id=kasus.pk, actor=None, answer="Sudah diganti.")
    body = kecamatan_feed(client).content.decode()
    assert f"{kasus.reference}/dijawab" in body


def test_the_kategori_feed_lists_only_that_kategori(client):
    jalan, air = KategoriFactory(slug="jalan"), KategoriFactory(slug="air")
    public_case(title="Jalan berlubang", kategori=jalan)
    public_case(title="Pipa bocor", kategori=air)
    body = client.get(reverse("ikuti:feed_kategori", args=["jalan"])).content.decode()
    assert "Jalan berlubang" in body and "Pipa bocor" not in body


def test_an_unknown_place_or_kategori_is_not_found(client):
    assert client.get(reverse("ikuti:feed_kecamatan", args=["99.99.99"])).status_code == 404
    assert client.get(reverse("ikuti:feed_kecamatan", args=[desa().kode])).status_code == 404  # a desa
    assert client.get(reverse("ikuti:feed_kategori", args=["tidak-ada"])).status_code == 404


def test_the_feed_runs_the_same_queries_whatever_the_number_of_cases(client, django_assert_num_queries):
    kategori = KategoriFactory(slug="jalan")
    public_case(kategori=kategori)
    with django_assert_num_queries(2) as one:
        client.get(reverse("ikuti:feed_kategori", args=["jalan"]))
    for _ in range(4):
        public_case(kategori=kategori)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("ikuti:feed_kategori", args=["jalan"]))
    assert response.content.decode().count("<entry>") == 5
