import datetime as dt

import pytest

from audiensi.models import AturanMingguan, PengaturanAudiensi, Pengecualian
from sarasehan.models import PendaftaranSarasehan, Sarasehan
from tests.audiensi.factories import open_availability
from tests.factories import PejabatFactory, staff
from tests.sarasehan.factories import register, sarasehan

pytestmark = pytest.mark.django_db
Reg = PendaftaranSarasehan.Status


def _rule(pejabat, **changes):
    data = {
        "pejabat": pejabat.pk,
        "weekday": 0,
        "start_time": "09:00",
        "end_time": "12:00",
        "slot_minutes": 30,
        "buffer_minutes": 10,
    }
    data.update(changes)
    return data


def test_adding_an_availability_rule_in_the_admin_goes_through_the_service(admin_client):
    pejabat = PejabatFactory()
    response = admin_client.post("/admin/audiensi/aturanmingguan/add/", _rule(pejabat))
    assert response.status_code == 302
    rule = AturanMingguan.objects.get()
    assert (rule.pejabat, rule.weekday, rule.start_time) == (pejabat, 0, dt.time(9))


def test_the_admin_refuses_an_availability_rule_that_overlaps_another(admin_client):
    pejabat = open_availability(weekdays=(0,))
    response = admin_client.post("/admin/audiensi/aturanmingguan/add/", _rule(pejabat, start_time="11:00"))
    assert response.status_code == 200
    assert "tumpang tindih" in str(response.context["adminform"].form.non_field_errors())
    assert AturanMingguan.objects.count() == 1


def test_an_availability_rule_cannot_be_edited_in_place_in_the_admin(admin_client):
    pejabat = open_availability(weekdays=(0,))
    rule = AturanMingguan.objects.get()
    admin_client.post(f"/admin/audiensi/aturanmingguan/{rule.pk}/change/", _rule(pejabat, start_time="07:00"))
    rule.refresh_from_db()
    assert rule.start_time == dt.time(9)


def test_deleting_availability_rules_in_the_admin_goes_through_the_service(admin_client):
    open_availability(weekdays=(0, 1))
    ids = list(AturanMingguan.objects.values_list("pk", flat=True))
    response = admin_client.post(
        "/admin/audiensi/aturanmingguan/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert not AturanMingguan.objects.exists()


def test_the_admin_refuses_an_exception_with_only_one_time(admin_client):
    pejabat = PejabatFactory()
    data = {"pejabat": pejabat.pk, "date": "2026-12-01", "start_time": "09:00", "end_time": "", "reason": "Rapat"}
    response = admin_client.post("/admin/audiensi/pengecualian/add/", data)
    assert response.status_code == 200
    assert not Pengecualian.objects.exists()


def test_adding_a_whole_day_exception_in_the_admin_goes_through_the_service(admin_client):
    pejabat = PejabatFactory()
    data = {"pejabat": pejabat.pk, "date": "2026-12-01", "start_time": "", "end_time": "", "reason": " Rapat "}
    assert admin_client.post("/admin/audiensi/pengecualian/add/", data).status_code == 302
    assert Pengecualian.objects.get().reason == "Rapat"  # stripped by the service


def test_editing_booking_settings_in_the_admin_saves_them_through_the_service_for_the_same_pejabat(admin_client):
    pejabat = open_availability(weekdays=(0,))
    other = PejabatFactory()
    pengaturan = PengaturanAudiensi.objects.get(pejabat=pejabat)
    data = {"pejabat": other.pk, "min_hari_kerja": 3, "max_hari": 40, "batas_permohonan_terbuka": 2}
    data["masa_tahan_hari_kerja"] = 2
    response = admin_client.post(f"/admin/audiensi/pengaturanaudiensi/{pengaturan.pk}/change/", data)
    assert response.status_code == 302
    pengaturan.refresh_from_db()
    assert (pengaturan.pejabat, pengaturan.min_hari_kerja, pengaturan.max_hari) == (pejabat, 3, 40)
    assert PengaturanAudiensi.objects.count() == 1


def test_cancelling_a_registration_in_the_admin_gives_the_seat_to_the_first_on_the_waitlist(admin_client):
    s = sarasehan(capacity=1)
    seated = register(s, prefix="duduk")
    waiting = register(s, prefix="tunggu")
    assert waiting.status == Reg.MENUNGGU
    response = admin_client.post(
        "/admin/sarasehan/pendaftaransarasehan/", {"action": "cancel", "_selected_action": [seated.pk]}
    )
    assert response.status_code == 302
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert (seated.status, waiting.status) == (Reg.DIBATALKAN, Reg.TERDAFTAR)
    assert Sarasehan.objects.get(pk=s.pk).confirmed_count == 1


def test_raising_a_sarasehans_capacity_in_the_admin_promotes_the_waitlist(admin_client):
    """Needs sarasehan.services.sarasehan_change_capacity (engineer 10-B)."""
    s = sarasehan(capacity=1)
    register(s, prefix="duduk")
    waiting = register(s, prefix="tunggu")
    response = admin_client.post(f"/admin/sarasehan/sarasehan/{s.pk}/kapasitas/", {"capacity": 2})
    assert response.status_code == 302
    waiting.refresh_from_db()
    s.refresh_from_db()
    assert (s.capacity, s.confirmed_count, waiting.status) == (2, 2, Reg.TERDAFTAR)


def test_the_admin_refuses_a_capacity_out_of_bounds_without_calling_the_service(admin_client):
    s = sarasehan(capacity=5)
    response = admin_client.post(f"/admin/sarasehan/sarasehan/{s.pk}/kapasitas/", {"capacity": 0})
    assert response.status_code == 200
    assert Sarasehan.objects.get(pk=s.pk).capacity == 5


def test_the_capacity_page_of_an_unknown_sarasehan_is_not_found(admin_client):
    assert admin_client.get("/admin/sarasehan/sarasehan/999999/kapasitas/").status_code == 404


def test_the_read_only_sarasehan_page_links_to_the_capacity_form(admin_client):
    s = sarasehan(capacity=5)
    page = admin_client.get(f"/admin/sarasehan/sarasehan/{s.pk}/change/").content.decode()
    assert f"/admin/sarasehan/sarasehan/{s.pk}/kapasitas/" in page


def test_only_an_administrator_may_change_a_capacity_in_the_admin(client):
    s = sarasehan(capacity=5)
    client.force_login(staff("protokol", is_staff=True))
    assert client.get(f"/admin/sarasehan/sarasehan/{s.pk}/kapasitas/").status_code == 403
