import pytest
from django.urls import reverse

from portal.ikuti.models import LanggananWilayah
from portal.kasus.models import OutboxEmail, Pengikut
from portal.wilayah.models import Wilayah
from tests.aspirasi.factories import submit
from tests.factories import UserFactory, desa

from .factories import public_case

pytestmark = pytest.mark.django_db


def place_form(**overrides) -> dict:
    place = desa()
    data = {"kecamatan": str(place.parent_id), "desa": str(place.pk), "kategori": "", "frekuensi": "harian"}
    data.update(overrides)
    return data


def confirm_url_of(row: OutboxEmail) -> str:
    line = next(line for line in row.body_text.splitlines() if "/ikuti/konfirmasi/" in line)
    return line.strip().removeprefix("http://testserver")


def test_a_signed_in_resident_with_a_verified_email_follows_a_desa_at_once(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("ikuti:wilayah"), place_form())
    assert response.status_code == 302
    row = LanggananWilayah.objects.get(user=user)
    assert row.wilayah == desa() and row.frekuensi == "harian" and row.email == ""


def test_a_resident_whose_email_is_not_verified_cannot_follow(client):
    user = UserFactory(verified=False)
    client.force_login(user)
    response = client.post(reverse("ikuti:wilayah"), place_form())
    assert response.status_code == 302 and response.url == reverse("account_email")
    assert not LanggananWilayah.objects.exists()


def test_a_desa_outside_the_chosen_kecamatan_is_refused(client):
    client.force_login(UserFactory())
    kecamatan = Wilayah.objects.filter(tingkat="kecamatan").exclude(pk=desa().parent_id).first()
    response = client.post(reverse("ikuti:wilayah"), place_form(kecamatan=str(kecamatan.pk)))
    assert response.status_code == 400
    assert not LanggananWilayah.objects.exists()


def test_a_guest_follows_a_place_only_after_opening_the_confirmation_link(client):
    response = client.post(reverse("ikuti:wilayah"), place_form(email="Tamu@Example.org"))
    assert response.status_code == 200
    assert not LanggananWilayah.objects.exists()
    mail = OutboxEmail.objects.get()
    assert mail.template == "ikuti_confirm" and mail.to == "tamu@example.org"
    url = confirm_url_of(mail)
    # Opening the link (a mail scanner does) only shows a button.
    assert client.get(url).status_code == 200
    assert not LanggananWilayah.objects.exists()
    assert client.post(url).status_code == 200
    row = LanggananWilayah.objects.get()
    assert row.email == "tamu@example.org" and row.user is None and row.wilayah == desa()


def test_an_expired_confirmation_link_follows_nothing(client, monkeypatch):
    client.post(reverse("ikuti:wilayah"), place_form(email="tamu@example.org"))
    url = confirm_url_of(OutboxEmail.objects.get())
    monkeypatch.setattr("portal.tokens.CONFIRM_MAX_AGE", -1)
    assert client.post(url).status_code == 400
    assert not LanggananWilayah.objects.exists()


def test_a_forged_confirmation_link_is_refused(client):
    client.post(reverse("ikuti:wilayah"), place_form(email="tamu@example.org"))
    url = confirm_url_of(OutboxEmail.objects.get())
    assert client.post(url[:-3] + "xx/").status_code == 400
    assert client.get(reverse("ikuti:konfirmasi", args=["bukan-token"])).status_code == 400
    assert not LanggananWilayah.objects.exists()


def test_a_guest_follows_a_public_case_after_confirming(client):
    kasus = public_case()
    response = client.post(reverse("ikuti:kasus", args=[kasus.reference]), {"email": "tamu@example.org"})
    assert response.status_code == 200
    assert not Pengikut.objects.filter(email="tamu@example.org").exists()
    mail = OutboxEmail.objects.get(template="ikuti_confirm")
    client.post(confirm_url_of(mail))
    assert Pengikut.objects.filter(kasus=kasus, email="tamu@example.org", reason="follow").exists()


def test_a_signed_in_resident_follows_a_public_case(client):
    kasus, user = public_case(), UserFactory()
    client.force_login(user)
    assert client.post(reverse("ikuti:kasus", args=[kasus.reference])).status_code == 302
    assert Pengikut.objects.filter(kasus=kasus, user=user).exists()


def test_a_confidential_or_unverified_case_cannot_be_followed(client):
    secret = public_case(is_confidential=True)
    unverified = submit(reporter=UserFactory()).kasus
    for kasus in (secret, unverified):
        response = client.post(reverse("ikuti:kasus", args=[kasus.reference]), {"email": "tamu@example.org"})
        assert response.status_code == 404
    assert not OutboxEmail.objects.filter(template="ikuti_confirm").exists()
