import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audiensi import panels, services
from audiensi.models import AturanMingguan, Audiensi, Pengecualian, Status
from portal.kasus.models import Kasus, Riwayat
from portal.kasus.models import Status as KasusStatus
from tests.factories import UserFactory, open_kasus, staff

from .factories import open_availability, request_audiensi, slots_of

pytestmark = pytest.mark.django_db


def test_it_lists_only_really_free_slots(client, django_assert_max_num_queries):
    bupati = open_availability()
    wakil = open_availability()
    taken = request_audiensi(bupati)
    with django_assert_max_num_queries(6):
        response = client.get("/audiensi/")
    assert response.status_code == 200
    body = response.content.decode()
    assert bupati.jabatan in body and wakil.jabatan in body
    assert f"{bupati.slug}@{timezone.localtime(taken.starts_at):%Y%m%d%H%M}" not in body
    assert f"{bupati.slug}@{timezone.localtime(slots_of(bupati)[0].start):%Y%m%d%H%M}" in body


def test_it_keeps_the_slot_listing_query_count_fixed(client, django_assert_max_num_queries):
    for _ in range(4):
        pejabat = open_availability()
        for i in range(3):
            request_audiensi(pejabat, index=i, jumlah_peserta=1, anggota="")
    with django_assert_max_num_queries(6):
        assert client.get("/audiensi/").status_code == 200


def test_it_asks_residents_to_sign_in_and_verify_their_email(client):
    assert client.get("/audiensi/ajukan/").status_code == 302
    client.force_login(UserFactory(verified=False))
    assert client.get("/audiensi/ajukan/").status_code == 403


def post_data(slot, **extra):
    data = {
        "slot": slot.value,
        "topic": "Jembatan Dusun Krajan putus",
        "ringkasan": "Jembatan putus sejak banjir.",
        "jumlah_peserta": "2",
        "anggota": "Sutrisno",
        "kasus_reference": "",
        "idempotency_key": "k-" + slot.value,
    }
    data.update(extra)
    return data


def test_it_books_a_slot_from_the_form(client, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    pejabat = open_availability()
    open_availability()
    warga = UserFactory()
    client.force_login(warga)
    with django_assert_max_num_queries(12):
        response = client.get("/audiensi/ajukan/")
    assert response.status_code == 200
    slot = slots_of(pejabat)[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/audiensi/ajukan/", post_data(slot))
    audiensi = Audiensi.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("audiensi:mine_detail", args=[audiensi.pk])
    assert audiensi.pemohon == warga and audiensi.starts_at == slot.start and audiensi.kasus.channel == "audiensi"
    assert mail.outbox and "diterima" in mail.outbox[-1].subject
    # A double submit with the same token does not create a second request.
    client.post("/audiensi/ajukan/", post_data(slot))
    assert Audiensi.objects.count() == 1


def test_it_shows_a_clear_message_when_the_slot_was_taken(client):
    pejabat = open_availability()
    slot = slots_of(pejabat)[0]
    request_audiensi(pejabat)
    client.force_login(UserFactory())
    response = client.post("/audiensi/ajukan/", post_data(slot))
    assert response.status_code == 200
    assert "sudah diambil pemohon lain" in response.content.decode()
    assert response.context["form"]["topic"].value() == "Jembatan Dusun Krajan putus"


def test_it_rejects_bad_form_input(client):
    pejabat = open_availability()
    client.force_login(UserFactory())
    slot = slots_of(pejabat)[0]
    response = client.post("/audiensi/ajukan/", post_data(slot, jumlah_peserta="11"))
    assert response.status_code == 200 and not Audiensi.objects.exists()
    response = client.post("/audiensi/ajukan/", {**post_data(slot), "slot": "bukan-slot"})
    assert response.status_code == 200 and not Audiensi.objects.exists()
    response = client.post("/audiensi/ajukan/", post_data(slot, jumlah_peserta="1", anggota="A\nB"))
    assert response.status_code == 200 and not Audiensi.objects.exists()


def test_it_hides_other_residents_audiensi(client):
    audiensi = request_audiensi(open_availability())
    client.force_login(UserFactory())
    assert client.get(f"/audiensi/saya/{audiensi.pk}/").status_code == 404
    client.force_login(audiensi.pemohon)
    response = client.get(f"/audiensi/saya/{audiensi.pk}/")
    assert response.status_code == 200 and "audiensi.requested" in response.content.decode()


def test_it_cancels_through_the_signed_link(client):
    audiensi = request_audiensi(open_availability())
    url = reverse("audiensi:link", args=[services.link_token(audiensi, "batal")])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Berhalangan"})
    assert response.status_code == 302
    audiensi.refresh_from_db()
    assert audiensi.status == Status.DIBATALKAN
    entry = Riwayat.objects.get(kasus=audiensi.kasus, kind="audiensi.cancelled")
    assert entry.actor == audiensi.pemohon and "Berhalangan" in entry.text


def test_it_refuses_a_tampered_link_with_a_clear_page(client):
    audiensi = request_audiensi(open_availability())
    token = services.link_token(audiensi, "batal")
    tampered = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    for method in (client.get, client.post):
        response = method(reverse("audiensi:link", args=[tampered]))
        assert response.status_code == 400 and "Tautan tidak berlaku" in response.content.decode()
    audiensi.refresh_from_db()
    assert audiensi.status == Status.MENUNGGU


def test_it_refuses_to_cancel_by_link_after_the_cutoff(client, monkeypatch):
    audiensi = request_audiensi(open_availability())
    late = audiensi.starts_at - dt.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: late)
    response = client.post(reverse("audiensi:link", args=[services.link_token(audiensi, "batal")]), {"reason": ""})
    assert response.status_code == 200 and "24 jam" in response.content.decode()
    audiensi.refresh_from_db()
    assert audiensi.status == Status.MENUNGGU


def test_it_reschedules_and_answers_a_proposal_through_links(client):
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat)
    target = slots_of(pejabat)[1]
    url = reverse("audiensi:link", args=[services.link_token(audiensi, "jadwal-ulang")])
    assert target.value in client.get(url).content.decode()
    assert client.post(url, {"slot": target.value, "reason": ""}).status_code == 302
    audiensi.refresh_from_db()
    assert audiensi.starts_at == target.start
    proposal = slots_of(pejabat)[2]
    services.audiensi_propose(audiensi_id=audiensi.pk, actor=staff("protokol"), start=proposal.start, reason="Agenda")
    assert client.post(reverse("audiensi:link", args=[services.link_token(audiensi, "terima")])).status_code == 302
    audiensi.refresh_from_db()
    assert audiensi.status == Status.DIKONFIRMASI


def test_it_lets_only_protokol_decide(client):
    audiensi = request_audiensi(open_availability())
    url = f"/petugas/audiensi/{audiensi.pk}/konfirmasi/"
    client.force_login(audiensi.pemohon)
    assert client.get("/petugas/audiensi/").status_code == 403
    client.force_login(staff("petugas"))
    assert client.get("/petugas/audiensi/").status_code == 403
    assert client.post(url).status_code == 403
    client.force_login(staff("pimpinan"))
    assert client.get(f"/petugas/audiensi/{audiensi.pk}/").status_code == 200
    assert client.post(url).status_code == 403
    protokol = staff("protokol")
    client.force_login(protokol)
    assert client.post(url, {"konfirmasi-reason": "Harap datang 15 menit lebih awal."}).status_code == 302
    audiensi.refresh_from_db()
    assert audiensi.status == Status.DIKONFIRMASI
    assert Riwayat.objects.get(kasus=audiensi.kasus, kind="audiensi.confirmed").actor == protokol


def test_it_shows_domain_errors_on_protokol_actions(client):
    audiensi = request_audiensi(open_availability())
    client.force_login(staff("protokol"))
    response = client.post(f"/petugas/audiensi/{audiensi.pk}/tolak/", {"tolak-reason": ""})
    assert response.status_code == 400
    services.audiensi_decline(audiensi_id=audiensi.pk, actor=None, reason="x")
    response = client.post(f"/petugas/audiensi/{audiensi.pk}/konfirmasi/", {"konfirmasi-reason": ""})
    assert response.status_code == 400 and "langkah “konfirmasi” tidak dapat dilakukan" in response.content.decode()
    assert client.post(f"/petugas/audiensi/{audiensi.pk}/hapus/").status_code == 404


def test_it_keeps_protokol_lists_query_count_fixed(client, django_assert_max_num_queries):
    pejabat = open_availability()
    for i in range(8):
        request_audiensi(pejabat, index=i)
    client.force_login(staff("protokol"))
    with django_assert_max_num_queries(10):
        assert client.get("/petugas/audiensi/").status_code == 200
    day = timezone.localtime(slots_of(pejabat)[0].start).date()
    with django_assert_max_num_queries(10):
        assert client.get(f"/petugas/audiensi/hari/?tanggal={day:%Y-%m-%d}").status_code == 200


def test_it_shows_the_day_list(client):
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat)
    client.force_login(staff("protokol"))
    day = timezone.localtime(audiensi.starts_at).date()
    response = client.get(f"/petugas/audiensi/hari/?tanggal={day:%Y-%m-%d}")
    assert audiensi.topic in response.content.decode()
    other = day + dt.timedelta(days=1)
    assert audiensi.topic not in client.get(f"/petugas/audiensi/hari/?tanggal={other:%Y-%m-%d}").content.decode()


def test_it_manages_availability(client):
    pejabat = open_availability(weekdays=())
    url = f"/petugas/audiensi/ketersediaan/{pejabat.slug}/"
    client.force_login(staff("pimpinan"))
    assert client.get(url).status_code == 200
    assert client.post(url, {"op": "rule"}).status_code == 403
    client.force_login(staff("protokol"))
    data = {"op": "rule", "weekday": 1, "start_time": "09:00", "end_time": "12:00", "slot_minutes": 30}
    assert client.post(url, {**data, "buffer_minutes": 10}).status_code == 302
    assert AturanMingguan.objects.filter(pejabat=pejabat).count() == 1
    response = client.post(url, {**data, "start_time": "11:00", "end_time": "13:00", "buffer_minutes": 0})
    assert response.status_code == 400 and AturanMingguan.objects.filter(pejabat=pejabat).count() == 1
    day = timezone.localdate() + dt.timedelta(days=10)
    exc = {"op": "exception", "date": day.isoformat(), "reason": "Kunjungan kerja"}
    assert client.post(url, exc).status_code == 302
    assert Pengecualian.objects.get(pejabat=pejabat).is_full_day
    settings = {"op": "settings", "min_hari_kerja": 3, "max_hari": 14, "batas_permohonan_terbuka": 2}
    assert client.post(url, {**settings, "masa_tahan_hari_kerja": 1}).status_code == 302
    pejabat.pengaturan_audiensi.refresh_from_db()
    assert pejabat.pengaturan_audiensi.max_hari == 14
    rule = AturanMingguan.objects.get(pejabat=pejabat)
    assert client.post(url, {"op": "rule-delete", "id": "abc"}).status_code == 302
    assert AturanMingguan.objects.filter(pk=rule.pk).exists()
    assert client.post(url, {"op": "rule-delete", "id": str(rule.pk)}).status_code == 302
    assert not AturanMingguan.objects.filter(pk=rule.pk).exists()


def test_it_adds_panels_to_case_pages(rf):
    audiensi = request_audiensi(open_availability())
    request = rf.get("/")
    request.user = audiensi.pemohon
    request.session = {}
    assert panels.staff_context(audiensi.kasus, request)["audiensi_list"] == [audiensi]
    assert panels.public_context(audiensi.kasus, request)["audiensi_viewer_is_reporter"] is True
    assert panels.staff_context(request_audiensi(open_availability()).kasus.__class__(pk=0), request) is None


def test_it_shows_the_public_part_on_the_tracking_page_and_the_panel_to_staff(client, monkeypatch):
    audiensi = request_audiensi(open_availability())
    protokol = staff("protokol")
    services.audiensi_confirm(audiensi_id=audiensi.pk, actor=protokol)
    monkeypatch.setattr(timezone, "localdate", lambda *a: timezone.localtime(audiensi.starts_at).date())
    services.audiensi_check_in(audiensi_id=audiensi.pk, actor=protokol, hadir=True)
    services.audiensi_notulen_save(
        audiensi_id=audiensi.pk,
        actor=protokol,
        notulen="Bupati berjanji meninjau jembatan.",
        notulen_internal="Rahasia anggaran",
    )
    body = client.get(f"/lacak/{audiensi.kasus.tracking_token}/").content.decode()
    assert "Bupati berjanji meninjau jembatan." in body and "Rahasia anggaran" not in body
    client.force_login(protokol)
    body = client.get(f"/petugas/kasus/{audiensi.kasus.reference}/").content.decode()
    assert reverse("audiensi:staff_detail", args=[audiensi.pk]) in body
    body = client.get(reverse("audiensi:staff_detail", args=[audiensi.pk])).content.decode()
    assert "Simpan notulen" in body and "Rahasia anggaran" in body
    client.force_login(audiensi.pemohon)
    assert audiensi.topic in client.get("/audiensi/saya/").content.decode()


def test_it_gives_every_field_on_the_staff_page_its_own_id(client):
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat)
    client.force_login(staff("protokol"))
    body = client.get(f"/petugas/audiensi/{audiensi.pk}/").content.decode()
    ids = re.findall(r'\bid="([^"]+)"', body)
    assert len(ids) == len(set(ids))
    assert '<label for="id_konfirmasi-reason">' in body and '<label for="id_usulkan-reason">' in body
    target = slots_of(pejabat)[1]
    url = f"/petugas/audiensi/{audiensi.pk}/usulkan/"
    response = client.post(url, {"usulkan-slot": target.value, "usulkan-reason": "Bupati ke Jakarta"})
    assert response.status_code == 302
    audiensi.refresh_from_db()
    assert audiensi.status == Status.DIUSULKAN and audiensi.starts_at == target.start
    # A field posted without its form's prefix is missing.
    response = client.post(url, {"slot": slots_of(pejabat)[2].value, "reason": "Agenda"})
    assert response.status_code == 400 and 'id="id_usulkan-reason"' in response.content.decode()


def test_it_offers_the_attendance_form_only_from_the_day_of_the_audiensi(client, monkeypatch):
    audiensi = request_audiensi(open_availability())
    protokol = staff("protokol")
    services.audiensi_confirm(audiensi_id=audiensi.pk, actor=protokol)
    client.force_login(protokol)
    url = f"/petugas/audiensi/{audiensi.pk}/"
    body = client.get(url).content.decode()
    assert "Catat kehadiran" not in body and "kehadiran-hadir" not in body
    assert "Kehadiran dapat dicatat mulai hari audiensi." in body
    monkeypatch.setattr(timezone, "localdate", lambda *a: timezone.localtime(audiensi.starts_at).date())
    body = client.get(url).content.decode()
    assert "Catat kehadiran" in body and 'id="id_kehadiran-hadir_0"' in body
    assert client.post(f"{url}kehadiran/", {"kehadiran-hadir": "1", "kehadiran-note": ""}).status_code == 302
    audiensi.refresh_from_db()
    assert audiensi.status == Status.HADIR


def test_it_reports_a_missing_slot_and_an_unknown_case_together(client):
    pejabat = open_availability()
    warga = UserFactory()
    closed = open_kasus(reporter=warga)
    Kasus.objects.filter(pk=closed.pk).update(status=KasusStatus.DITUTUP)
    others = open_kasus(reporter=UserFactory())
    client.force_login(warga)
    for reference, error in (
        ("KSS-2099-999999", "tidak ditemukan"),
        (others.reference, "tidak ditemukan"),
        (closed.reference, "sudah tidak aktif"),
    ):
        response = client.post(
            "/audiensi/ajukan/", {**post_data(slots_of(pejabat)[0]), "slot": "", "kasus_reference": reference}
        )
        assert response.status_code == 200 and not Audiensi.objects.exists()
        form = response.context["form"]
        assert set(form.errors) == {"slot", "kasus_reference"} and error in form.errors["kasus_reference"][0]
        assert form["topic"].value() == "Jembatan Dusun Krajan putus" and form["kasus_reference"].value() == reference
        assert error in response.content.decode()
    own = open_kasus(reporter=warga)
    response = client.post("/audiensi/ajukan/", post_data(slots_of(pejabat)[0], kasus_reference=own.reference))
    assert response.status_code == 302 and Audiensi.objects.get().kasus == own
