"""Requests by letter or in person: recorded by staff, due 3 x 24 hours after receipt, answered, overdue first."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from datapribadi.services import permintaan_record
from portal.akun.models import PermintaanDataPribadi
from portal.audit.models import AuditEntry
from tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db


def test_staff_record_a_letter_and_the_deadline_runs_from_receipt(client):
    petugas = staff()
    resident = UserFactory()
    client.force_login(petugas)
    received = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=5)
    response = client.post(
        reverse("akun_pdp_list"),
        {
            "jenis": "akses",
            "kanal": "surat",
            "email": resident.email.upper(),
            "received_at": timezone.localtime(received).strftime("%Y-%m-%dT%H:%M"),
            "detail": "Surat tertanggal hari ini meminta salinan data.",
        },
    )
    request = PermintaanDataPribadi.objects.get()
    assert response.status_code == 302
    assert (request.user, request.kanal, request.status) == (resident, "surat", "baru")
    assert request.due_at - request.received_at == dt.timedelta(hours=72)
    assert request.received_at == received
    assert AuditEntry.objects.get(action="pdp.recorded").actor == petugas


def test_staff_answer_a_request_and_it_is_audited(client):
    petugas = staff()
    request = permintaan_record(actor=petugas, jenis="koreksi", kanal="langsung", detail="Nama salah eja")
    client.force_login(petugas)
    url = reverse("akun_pdp_detail", args=[request.pk])
    client.post(url, {"step": "answer", "answer": "Nama sudah dibetulkan."})
    request.refresh_from_db()
    assert (request.status, request.handled_by, request.answer) == ("selesai", petugas, "Nama sudah dibetulkan.")
    assert AuditEntry.objects.filter(action="pdp.answered", actor=petugas).exists()


def test_a_refusal_needs_a_reason(client):
    petugas = staff()
    request = permintaan_record(actor=petugas, jenis="akses", kanal="surat")
    client.force_login(petugas)
    response = client.post(reverse("akun_pdp_detail", args=[request.pk]), {"step": "answer", "answer": ""})
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.status == "baru"


def test_staff_download_the_copy_for_a_letter_request(client):
    resident = UserFactory()
    petugas = staff()
    request = permintaan_record(actor=petugas, jenis="akses", kanal="surat", user=resident)
    client.force_login(petugas)
    response = client.post(reverse("akun_pdp_export", args=[request.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert AuditEntry.objects.filter(action="pdp.exported", actor=petugas).exists()


def test_staff_carry_out_an_erasure_asked_in_person(client):
    resident = UserFactory()
    petugas = staff()
    request = permintaan_record(actor=petugas, jenis="penghapusan", kanal="langsung", user=resident)
    client.force_login(petugas)
    client.post(reverse("akun_pdp_detail", args=[request.pk]), {"step": "erase"})
    resident.refresh_from_db()
    request.refresh_from_db()
    assert not resident.is_active
    assert (request.status, request.handled_by) == ("selesai", petugas)


def test_the_list_shows_overdue_requests_first(client):
    petugas = staff()
    now = timezone.now()
    fresh = permintaan_record(actor=petugas, jenis="akses", kanal="surat", received_at=now)
    late = permintaan_record(actor=petugas, jenis="akses", kanal="surat", received_at=now - dt.timedelta(days=4))
    client.force_login(petugas)
    body = client.get(reverse("akun_pdp_list")).content.decode()
    assert body.index(f"PDP-{late.pk}<") < body.index(f"PDP-{fresh.pk}<")
    assert "Terlambat" in body


def test_residents_and_opd_staff_cannot_open_the_list(client):
    client.force_login(UserFactory())
    assert client.get(reverse("akun_pdp_list")).status_code == 403
    client.force_login(staff("opd"))
    assert client.get(reverse("akun_pdp_list")).status_code == 403
