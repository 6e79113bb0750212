"""Bad input gets a 400 or a form error, never a server error (issue 8.10)."""

import pytest
from django.urls import reverse

from audiensi.models import Audiensi, PengaturanAudiensi
from portal.kasus.models import Kasus, TindakLanjut
from sarasehan.models import Sarasehan
from tests.audiensi.factories import open_availability, request_audiensi, slots_of
from tests.factories import OpdFactory, PejabatFactory, UserFactory, kasus_at, kecamatan, open_kasus, staff
from tests.sarasehan.factories import sarasehan

pytestmark = pytest.mark.django_db

THIRTY_DIGITS = "9" * 30


def test_it_refuses_a_thirty_digit_kecamatan_for_the_desa_options(client):
    response = client.get("/aspirasi/kirim/desa/", {"kecamatan": THIRTY_DIGITS})
    assert response.status_code == 400


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz"])
def test_it_explains_the_refusal_of_a_post_declared_in_utf16(client, content_type):
    # The test client encodes the body in the declared charset.
    response = client.post("/aspirasi/kirim/", "title=Jalan", content_type=f"{content_type}; charset=utf-16")
    assert response.status_code == 400
    assert "Permintaan tidak dapat dibaca" in response.content.decode()
    assert not Kasus.objects.exists()


def test_it_refuses_nul_in_the_query_string(client):
    client.force_login(staff("protokol"))
    response = client.get("/petugas/audiensi/", {"pejabat": "bupati\x00"})
    assert response.status_code == 400


def test_it_refuses_year_one_on_the_audiensi_day_page(client):
    client.force_login(staff("protokol"))
    response = client.get("/petugas/audiensi/hari/", {"tanggal": "0001-01-01"})
    assert response.status_code == 400


def sarasehan_post(**overrides) -> dict:
    data = {
        "title": "Sarasehan Pertanian",
        "theme": "",
        "description": "",
        "venue": "Pendapa",
        "kecamatan": str(kecamatan().pk),
        "starts_at": "2030-05-01T09:00",
        "ends_at": "2030-05-01T12:00",
        "capacity": "50",
        "registration_opens_at": "2030-04-01T08:00",
        "registration_closes_at": "2030-04-30T08:00",
        "agenda": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("field", "value"),
    [("ends_at", "0001-01-01T00:00"), ("capacity", "2147483648")],
    ids=["ending-in-year-one", "huge-capacity"],
)
def test_it_shows_a_form_error_for_an_out_of_range_sarasehan_field(client, field, value):
    client.force_login(staff("protokol"))
    response = client.post(reverse("sarasehan:staff_create"), sarasehan_post(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Sarasehan.objects.exists()


def test_it_refuses_an_agenda_post_with_a_thirty_digit_case_id(client):
    event = sarasehan()
    client.force_login(staff("protokol"))
    response = client.post(reverse("sarasehan:staff_agenda", args=[event.slug]), {"kasus": [THIRTY_DIGITS]})
    assert response.status_code == 400
    assert not event.agenda_items.exists()


def test_it_still_adds_real_cases_to_the_agenda(client):
    event = sarasehan()
    kasus = open_kasus()
    client.force_login(staff("protokol"))
    response = client.post(reverse("sarasehan:staff_agenda", args=[event.slug]), {"kasus": [str(kasus.pk)]})
    assert response.status_code == 302
    assert event.agenda_items.filter(kasus=kasus).exists()


@pytest.mark.parametrize("field", ["min_hari_kerja", "max_hari", "batas_permohonan_terbuka", "masa_tahan_hari_kerja"])
def test_it_refuses_booking_settings_out_of_range(client, field):
    pejabat = open_availability()
    client.force_login(staff("protokol"))
    data = {"op": "settings", "min_hari_kerja": "2", "max_hari": "30", "batas_permohonan_terbuka": "1"}
    data["masa_tahan_hari_kerja"] = "2"
    data[field] = "2147483647"
    response = client.post(reverse("audiensi:availability", args=[pejabat.slug]), data)
    assert response.status_code == 400
    assert field in response.context["settings_form"].errors
    assert PengaturanAudiensi.objects.get(pejabat=pejabat).__dict__[field] != 2147483647
    assert client.get("/audiensi/").status_code == 200


@pytest.mark.parametrize("field", ["anggota", "ringkasan"])
def test_it_refuses_a_million_character_audiensi_field(client, field):
    pejabat = open_availability()
    client.force_login(UserFactory())
    slot = slots_of(pejabat)[0]
    data = {
        "slot": slot.value,
        "topic": "Jembatan putus",
        "ringkasan": "",
        "jumlah_peserta": "2",
        "anggota": "Sutrisno",
        "kasus_reference": "",
        "idempotency_key": "k-" + slot.value,
    }
    data[field] = "x" * 1_000_000
    response = client.post(reverse("audiensi:ajukan"), data)
    assert field in response.context["form"].errors
    assert not Audiensi.objects.exists()


def test_it_refuses_a_tindak_lanjut_due_in_year_9999(client):
    audiensi = request_audiensi(open_availability())
    client.force_login(staff("protokol"))
    data = {"tindak-lanjut-description": "Perbaikan jembatan", "tindak-lanjut-due_date": "9999-12-31"}
    data["tindak-lanjut-opd"] = str(OpdFactory().pk)
    response = client.post(reverse("audiensi:staff_action", args=[audiensi.pk, "tindak-lanjut"]), data)
    assert response.status_code == 400
    assert "due_date" in response.context["tl_form"].errors
    assert not TindakLanjut.objects.exists()


def test_it_shows_a_form_error_for_a_thirty_digit_pejabat_on_a_sarasehan(client):
    client.force_login(staff("protokol"))
    response = client.post(reverse("sarasehan:staff_create"), sarasehan_post(pejabat=THIRTY_DIGITS))
    assert response.status_code == 200
    assert "pejabat" in response.context["form"].errors
    assert not Sarasehan.objects.exists()


def test_it_keeps_the_staff_queue_search_short(client):
    client.force_login(staff("petugas"))
    response = client.get("/petugas/", {"q": "x" * 100_000})
    assert response.status_code == 200
    assert "q" in response.context["filter"].form.errors


def test_it_refuses_booking_settings_out_of_range_in_the_admin_too(client):
    pejabat = PejabatFactory()
    client.force_login(staff("admin", is_staff=True, is_superuser=True))
    data = {"pejabat": str(pejabat.pk), "min_hari_kerja": "2147483647", "max_hari": "30"}
    data.update({"batas_permohonan_terbuka": "1", "masa_tahan_hari_kerja": "2"})
    response = client.post("/admin/audiensi/pengaturanaudiensi/add/", data)
    assert response.status_code == 200
    assert "min_hari_kerja" in response.context["adminform"].form.errors
    assert not PengaturanAudiensi.objects.exists()


def test_it_ignores_a_malformed_pejabat_filter_but_keeps_the_status(client):
    audiensi = request_audiensi(open_availability())
    client.force_login(staff("protokol"))
    response = client.get("/petugas/audiensi/", {"status": "menunggu", "pejabat": "x" * 100_000})
    assert response.status_code == 200
    assert response.context["status"] == "menunggu" and response.context["pejabat_slug"] == ""
    assert list(response.context["page"]) == [audiensi]


@pytest.mark.parametrize("next_value", ["9999-12-31T23:59", THIRTY_DIGITS])
def test_it_sends_the_reporter_back_to_the_case_when_next_is_not_a_path(client, next_value):
    warga = UserFactory()
    kasus = kasus_at("dijawab", reporter=warga)
    client.force_login(warga)
    response = client.post(
        reverse("aspirasi:dispute", args=[kasus.tracking_token]), {"reason": "Belum diperbaiki.", "next": next_value}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("kasus:track_detail", args=[kasus.tracking_token])


def test_it_refuses_nul_in_the_path(client):
    response = client.get("/lacak/abc%00def/")
    assert response.status_code == 400


def test_it_refuses_an_out_of_range_year_in_the_admin_date_drill_down(client):
    client.force_login(staff("admin", is_staff=True, is_superuser=True))
    response = client.get("/admin/kasus/harilibur/", {"date__year": "2147483648"})
    assert response.status_code in (200, 302)


def test_it_shows_the_admin_user_form_again_when_the_desa_is_no_id(client):
    user = UserFactory()
    client.force_login(staff("admin", is_staff=True, is_superuser=True))
    data = {"email": user.email, "full_name": "Nama", "wilayah": "0001-01-01", "language": "id"}
    data.update({"date_joined_0": "2026-01-01", "date_joined_1": "08:00:00"})
    response = client.post(f"/admin/akun/user/{user.pk}/change/", data)
    assert response.status_code == 200
    assert "wilayah" in response.context["adminform"].form.errors


def test_it_refuses_an_admin_search_of_100000_characters(client):
    client.force_login(staff("admin", is_staff=True, is_superuser=True))
    response = client.get("/admin/kasus/kasus/", {"q": "x" * 100_000})
    assert response.status_code == 400


def test_it_shows_a_form_error_for_a_thirty_digit_group_in_the_admin(client):
    user = UserFactory()
    client.force_login(staff("admin", is_staff=True, is_superuser=True))
    data = {"email": user.email, "full_name": "Nama", "language": "id", "groups": THIRTY_DIGITS}
    data.update({"date_joined_0": "2026-01-01", "date_joined_1": "08:00:00"})
    response = client.post(f"/admin/akun/user/{user.pk}/change/", data)
    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
