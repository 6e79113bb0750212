"""Residents' own cases and the public tracking page."""

import pytest
from django.urls import reverse

from portal.kasus import services
from portal.kasus.selectors import OWNER_SESSION_KEY
from tests.factories import OpdFactory, UserFactory, kasus_at, open_kasus, staff

pytestmark = pytest.mark.django_db


def track_url(kasus) -> str:
    return reverse("kasus:track_detail", args=[kasus.tracking_token])


# Kasus saya ------------------------------------------------------------------------------------


def test_it_lists_only_the_residents_own_cases(client):
    me, other = UserFactory(), UserFactory()
    mine = open_kasus(reporter=me, title="Saluran air tersumbat")
    open_kasus(reporter=other, title="Kasus tetangga")
    client.force_login(me)
    body = client.get(reverse("kasus:mine")).content.decode()
    assert "Saluran air tersumbat" in body and "Kasus tetangga" not in body
    assert reverse("kasus:mine_detail", args=[mine.reference]) in body


def test_it_requires_sign_in_for_my_cases(client):
    response = client.get(reverse("kasus:mine"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_it_hides_another_residents_case(client):
    a, b = UserFactory(), UserFactory()
    kasus_b = open_kasus(reporter=b)
    client.force_login(a)
    assert client.get(reverse("kasus:mine_detail", args=[kasus_b.reference])).status_code == 404


def test_it_shows_the_reporter_their_entries_but_not_internal_ones(client):
    me = UserFactory()
    kasus = kasus_at("menunggu_informasi", reporter=me)
    services.kasus_note_add(kasus_id=kasus.pk, actor=None, message="Catatan khusus petugas")
    client.force_login(me)
    body = client.get(reverse("kasus:mine_detail", args=[kasus.reference])).content.decode()
    assert "Lokasi?" in body and "Hanya untuk pelapor" in body
    assert "Catatan khusus petugas" not in body


# /lacak/ ---------------------------------------------------------------------------------------


def test_it_tracks_a_case_by_reference_and_email(client):
    kasus = open_kasus(reporter_name="Tamu", reporter_email="tamu@example.org")
    response = client.post(reverse("kasus:track"), {"reference": kasus.reference.lower(), "email": "TAMU@example.org"})
    assert response.status_code == 302 and response["Location"] == track_url(kasus)
    assert kasus.pk in client.session[OWNER_SESSION_KEY]


def test_it_tracks_a_registered_reporters_case_by_account_email(client):
    me = UserFactory(email="warga.lacak@example.org")
    kasus = open_kasus(reporter=me)
    response = client.post(reverse("kasus:track"), {"reference": kasus.reference, "email": "warga.lacak@example.org"})
    assert response.status_code == 302


def test_it_gives_one_generic_error_and_keeps_the_typed_values(client):
    kasus = open_kasus(reporter_email="tamu@example.org")
    wrong_email = client.post(reverse("kasus:track"), {"reference": kasus.reference, "email": "orang@example.org"})
    unknown = client.post(reverse("kasus:track"), {"reference": "KSS-1999-000042", "email": "tamu@example.org"})
    assert wrong_email.status_code == unknown.status_code == 400
    message = "Nomor kasus dan email tidak cocok"
    assert message in wrong_email.content.decode() and message in unknown.content.decode()
    assert 'value="orang@example.org"' in wrong_email.content.decode()
    assert 'value="KSS-1999-000042"' in unknown.content.decode()
    assert OWNER_SESSION_KEY not in client.session


def test_it_limits_tracking_attempts_per_address(client):
    kasus = open_kasus(reporter_email="tamu@example.org")
    for _ in range(10):
        client.post(reverse("kasus:track"), {"reference": kasus.reference, "email": "salah@example.org"})
    response = client.post(reverse("kasus:track"), {"reference": kasus.reference, "email": "tamu@example.org"})
    assert response.status_code == 429
    assert OWNER_SESSION_KEY not in client.session


def test_it_renders_the_empty_tracking_form(client):
    body = client.get(reverse("kasus:track")).content.decode()
    assert 'name="reference"' in body and 'name="email"' in body


# /lacak/<token>/ -------------------------------------------------------------------------------


def test_it_returns_404_for_an_unknown_token(client):
    assert client.get(reverse("kasus:track_detail", args=["x" * 32])).status_code == 404


def test_it_shows_no_personal_data_on_the_tracking_page(client):
    opd = OpdFactory(nama="Dinas Pekerjaan Umum Uji")
    reporter = UserFactory(full_name="Sutarni Rahasia", email="sutarni@example.org", phone="081299990000")
    officer = staff("petugas", full_name="Petugas Bernama Jelas")
    opd_officer = staff("opd", opd=opd, full_name="Pegawai Dinas Bernama")
    kasus = kasus_at("didisposisikan", opd=opd, reporter=reporter, is_anonymous=True, actor=officer)
    services.kasus_start(kasus_id=kasus.pk, actor=opd_officer)
    services.kasus_log(kasus=kasus, kind="kasus.info_received", visibility="publik", message="Tambahan", actor=reporter)
    services.kasus_note_add(kasus_id=kasus.pk, actor=officer, message="Catatan internal saja")
    body = client.get(track_url(kasus)).content.decode()
    for secret in (
        "Sutarni",
        "sutarni@example.org",
        "081299990000",
        "Petugas Bernama Jelas",
        "Pegawai Dinas Bernama",
        "Catatan internal saja",
        officer.email,
    ):
        assert secret not in body
    assert kasus.title in body and "Petugas Pemkab" in body and "Dinas Pekerjaan Umum Uji" in body
    assert "Pelapor" in body


def test_it_hides_confidential_content_from_the_link_alone(client):
    kasus = kasus_at(
        "menunggu_informasi",
        title="Dugaan pungli di kantor desa",
        summary="Oknum meminta uang",
        reporter_email="tamu@example.org",
        is_confidential=True,
    )
    body = client.get(track_url(kasus)).content.decode()
    assert "Dugaan pungli" not in body and "Oknum meminta uang" not in body and "Lokasi?" not in body
    assert kasus.reference in body and "Menunggu informasi" in body and "Informasi tambahan diminta" in body

    client.post(reverse("kasus:track"), {"reference": kasus.reference, "email": "tamu@example.org"})
    body = client.get(track_url(kasus)).content.decode()
    assert "Dugaan pungli" in body and "Oknum meminta uang" in body and "Lokasi?" in body


def test_it_shows_a_confidential_case_to_its_signed_in_reporter(client):
    me = UserFactory()
    kasus = open_kasus(reporter=me, title="Laporan rahasia saya", is_confidential=True)
    client.force_login(me)
    assert "Laporan rahasia saya" in client.get(track_url(kasus)).content.decode()
    other = UserFactory()
    client.force_login(other)
    assert "Laporan rahasia saya" not in client.get(track_url(kasus)).content.decode()


def test_it_includes_public_panels_with_their_context(client, monkeypatch, settings, tmp_path):
    from portal.kasus import panels
    from portal.kasus.selectors import viewer_is_reporter

    (tmp_path / "panel_publik.html").write_text("PANEL {{ sebagai_pelapor }}")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    panel = panels.Panel(
        template="panel_publik.html",
        where="public",
        context=lambda k, r: {"sebagai_pelapor": "ya" if viewer_is_reporter(k, r) else "tidak"},
    )
    monkeypatch.setattr(panels, "_PANELS", [panel])
    me = UserFactory()
    kasus = open_kasus(reporter=me)
    assert "PANEL ya" in client.get(track_url(kasus)).content.decode()
    client.force_login(me)
    assert "PANEL ya" in client.get(reverse("kasus:mine_detail", args=[kasus.reference])).content.decode()


def test_it_counts_tracking_attempts_per_forwarded_address_behind_a_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    kasus = open_kasus(reporter_email="tamu@example.org")
    data = {"reference": kasus.reference, "email": "salah@example.org"}
    for _ in range(10):
        client.post(reverse("kasus:track"), data, HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.5")
    blocked = client.post(reverse("kasus:track"), data, HTTP_X_FORWARDED_FOR="203.0.113.5")
    other = client.post(reverse("kasus:track"), data, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert blocked.status_code == 429 and other.status_code == 400
