"""Already reported nearby: within 250 m of the pin or a similar title in the same desa; open, verified and
public cases only; the resident follows one instead of sending."""

import pytest
from django.urls import reverse

from aspirasi.nearby import in_box, nearby_cases
from portal.kasus.models import Kasus, Pengikut
from tests.factories import UserFactory

from .factories import form_data
from .place import centre, giritirto, north_of_centre, pinned

pytestmark = pytest.mark.django_db


def refs(found) -> set[str]:
    return {item.reference for item in found}


def test_a_case_240_m_away_is_nearby_and_one_260_m_away_is_not():
    close = pinned(at=north_of_centre(240), title="Jembatan retak")
    pinned(at=north_of_centre(260), title="Saluran tersumbat")
    found = nearby_cases(lat=centre()[0], lng=centre()[1])
    assert refs(found) == {close.reference}
    assert found[0].distance_m == 240


def test_nearest_case_comes_first():
    far = pinned(at=north_of_centre(200), title="Pohon tumbang")
    near = pinned(at=north_of_centre(50), title="Lampu padam")
    assert [item.reference for item in nearby_cases(lat=centre()[0], lng=centre()[1])] == [
        near.reference,
        far.reference,
    ]


def test_a_similar_title_in_the_same_desa_is_shown_without_a_pin():
    same = pinned(at=north_of_centre(2000), title="Jalan rusak berlubang di Dusun Krajan")
    found = nearby_cases(wilayah_id=giritirto().pk, title="jalan rusak di krajan")
    assert refs(found) == {same.reference} and found[0].distance_m is None


def test_a_different_title_in_the_same_desa_is_not_shown():
    pinned(at=north_of_centre(2000), title="Pungutan liar di kantor desa")
    assert nearby_cases(wilayah_id=giritirto().pk, title="jalan rusak di krajan") == []


def test_a_similar_title_in_another_desa_is_not_shown():
    from tests.factories import desa

    other = desa()
    assert other.kode != giritirto().kode
    pinned(wilayah=other, title="Jalan rusak berlubang di Dusun Krajan")
    assert nearby_cases(wilayah_id=giritirto().pk, title="jalan rusak di krajan") == []


def test_confidential_cases_are_never_shown():
    pinned(is_confidential=True, title="Jalan rusak di Krajan")
    assert nearby_cases(lat=centre()[0], lng=centre()[1], wilayah_id=giritirto().pk, title="Jalan rusak") == []


@pytest.mark.parametrize("status", ["baru", "menunggu_informasi", "ditolak", "ditutup"])
def test_unverified_and_closed_cases_are_never_shown(status):
    pinned(status, title="Jalan rusak di Krajan")
    assert nearby_cases(lat=centre()[0], lng=centre()[1], wilayah_id=giritirto().pk, title="Jalan rusak") == []


def test_an_unconfirmed_guest_report_is_never_shown():
    kasus = pinned(title="Jalan rusak di Krajan")
    Kasus.objects.filter(pk=kasus.pk).update(confirmed_at=None)
    assert nearby_cases(lat=centre()[0], lng=centre()[1]) == []


def test_the_fragment_selects_the_desa_under_the_pin_and_lists_the_case(client):
    kasus = pinned(at=north_of_centre(100), title="Gorong-gorong ambrol")
    lat, lng = centre()
    response = client.get(reverse("aspirasi:nearby"), {"titik_lat": lat, "titik_lng": lng, "title": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-desa="{giritirto().pk}"' in html and kasus.reference in html and "Diverifikasi" in html


def test_the_fragment_refuses_a_point_outside_the_regency(client):
    response = client.get(reverse("aspirasi:nearby"), {"titik_lat": "-7.7956", "titik_lng": "110.3695"})
    assert "di luar Kabupaten Wonogiri" in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "nan", "1e999", ""])
def test_the_fragment_ignores_bad_numbers(client, value):
    response = client.get(reverse("aspirasi:nearby"), {"titik_lat": value, "titik_lng": value, "desa": "x"})
    assert response.status_code == 200


def test_the_check_button_shows_nearby_cases_without_sending(client):
    kasus = pinned(at=north_of_centre(30), title="Gorong-gorong ambrol")
    lat, lng = centre()
    place = giritirto()
    data = form_data(titik_lat=str(lat), titik_lng=str(lng), kecamatan=str(place.parent_id), desa=str(place.pk))
    response = client.post(reverse("aspirasi:submit"), {**data, "cek_sekitar": "1"})
    assert response.status_code == 200 and kasus.reference in response.content.decode()
    assert Kasus.objects.count() == 1


def test_a_resident_follows_the_nearby_case_instead_of_sending(client):
    kasus = pinned(title="Gorong-gorong ambrol")
    resident = UserFactory()
    client.force_login(resident)
    response = client.post(reverse("aspirasi:follow_instead", args=[kasus.pk]), form_data())
    assert response.status_code == 302
    assert Pengikut.objects.filter(kasus=kasus, user=resident, reason=Pengikut.Reason.FOLLOW).exists()
    assert Kasus.objects.count() == 1


def test_a_guest_is_asked_to_sign_in_before_following(client):
    kasus = pinned(title="Gorong-gorong ambrol")
    response = client.post(reverse("aspirasi:follow_instead", args=[kasus.pk]))
    assert response.status_code == 302 and "/akun/" in response["Location"]
    assert not Pengikut.objects.filter(kasus=kasus, reason=Pengikut.Reason.FOLLOW).exists()


def test_a_confidential_case_cannot_be_followed_through_this_door(client):
    kasus = pinned(title="Gorong-gorong ambrol", is_confidential=True)
    client.force_login(UserFactory())
    client.post(reverse("aspirasi:follow_instead", args=[kasus.pk]))
    assert not Pengikut.objects.filter(kasus=kasus, reason=Pengikut.Reason.FOLLOW).exists()


def test_petugas_see_the_nearby_cases_on_a_new_case(client):
    from tests.factories import staff

    earlier = pinned(at=north_of_centre(80), title="Gorong-gorong ambrol")
    new = pinned("baru", title="Gorong-gorong ambrol lagi")
    client.force_login(staff("petugas"))
    html = client.get(reverse("kasus:detail", args=[new.reference])).content.decode()
    assert "Sudah dilaporkan di sekitar" in html and earlier.reference in html


@pytest.mark.postgres
def test_trigram_similarity_finds_a_reworded_title_and_not_an_unrelated_one():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity('Jalan rusak berlubang di Krajan', 'jalan berlubang krajan')")
        assert cursor.fetchone()[0] >= 0.3
    same = pinned(at=north_of_centre(2000), title="Jalan rusak berlubang di Krajan")
    pinned(at=north_of_centre(2000), title="Pungutan liar di kantor desa")
    found = nearby_cases(wilayah_id=giritirto().pk, title="jalan berlubang krajan")
    assert refs(found) == {same.reference}


def test_the_nearby_check_runs_two_queries_whatever_the_number_of_cases(django_assert_num_queries):
    pinned(title="Jalan rusak berlubang")
    (lat, lng), desa_id = centre(), giritirto().pk
    with django_assert_num_queries(2):
        nearby_cases(lat=lat, lng=lng, wilayah_id=desa_id, title="Jalan rusak")
    for status in ("diverifikasi", "ditutup", "ditutup", "didisposisikan"):
        pinned(status, title="Jalan rusak parah")
    with django_assert_num_queries(2):
        nearby_cases(lat=lat, lng=lng, wilayah_id=desa_id, title="Jalan rusak")


@pytest.mark.postgres
def test_the_pins_near_the_point_are_read_from_the_index_of_open_public_cases():
    from django.db import connection

    # Mostly closed pins: with few rows every index costs the planner the same and its choice was a coin toss.
    for index in range(40):
        pinned("ditutup" if index % 10 else "diverifikasi", at=north_of_centre(index * 3), title="Jalan rusak")
    lat, lng = centre()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE kasus_kasus")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        sql, params = in_box(lat, lng).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "kasus_open_titik" in plan
