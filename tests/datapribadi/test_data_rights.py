"""UU PDP rights from the account page: a copy of one's data, correction, erasure."""

import io
import json
import logging
import zipfile

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone

from aspirasi.files import clean_upload
from aspirasi.models import Lampiran
from dasbor.figures import compute
from dasbor.selectors import standard_periods
from portal.akun.models import PermintaanDataPribadi, User
from portal.audit.models import AuditEntry
from portal.ikuti.models import LanggananWilayah
from portal.kasus import services
from portal.kasus.models import Kasus, OutboxEmail, Pengikut
from tests.aspirasi.factories import jpeg_bytes, submit, upload
from tests.factories import OpdFactory, UserFactory, desa, open_kasus, staff

pytestmark = pytest.mark.django_db


def photo(name):
    return clean_upload(upload(name, jpeg_bytes()))


@pytest.fixture
def world():
    """A resident's case with another reporter's case merged in, an internal note and an OPD answer."""
    resident = UserFactory(full_name="Sri Wahyuni Lestari", phone="081299990001", email="sri.lestari@example.org")
    other = UserFactory(full_name="Bambang Hartono", phone="081277770002", email="bambang.h@example.org")
    petugas = staff(full_name="Petugas Rahasia Nama", email="petugas.x@wonogirikab.go.id")
    own = submit(
        reporter=resident,
        description="Uraian milik Sri tentang jembatan.",
        files=[photo("foto-sri.jpg")],
    ).kasus
    theirs = submit(
        reporter=other,
        description="Uraian milik Bambang tentang jembatan.",
        files=[photo("foto-bambang.jpg")],
    ).kasus
    services.kasus_verify(kasus_id=own.pk, actor=petugas)
    services.kasus_merge(kasus_id=theirs.pk, into_id=own.pk, actor=petugas)
    services.kasus_note_add(kasus_id=own.pk, actor=petugas, message="Catatan internal sangat rahasia")
    LanggananWilayah.objects.create(user=resident, wilayah=desa())
    own.refresh_from_db()
    return {"resident": resident, "other": other, "petugas": petugas, "kasus": own, "merged": theirs}


def download(client, user) -> tuple[dict, zipfile.ZipFile]:
    client.force_login(user)
    response = client.post(reverse("akun_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return json.loads(archive.read("data.json")), archive


def test_the_export_holds_every_field_about_the_resident(client, world):
    resident = world["resident"]
    data, archive = download(client, resident)
    assert data["akun"]["email"] == resident.email
    assert data["akun"]["nama_lengkap"] == resident.full_name
    assert data["akun"]["telepon"] == resident.phone
    assert data["akun"]["bahasa"] == resident.language
    assert [e["email"] for e in data["email"]] == [resident.email]
    [kasus] = [k for k in data["kasus"] if k["nomor"] == world["kasus"].reference]
    assert [r["uraian"] for r in kasus["laporan"]] == ["Uraian milik Sri tentang jembatan."]
    assert [lp["nama_berkas"] for lp in data["lampiran"]] == ["foto-sri.jpg"]
    assert archive.read(data["lampiran"][0]["berkas"]) == Lampiran.objects.get(original_name="foto-sri.jpg").file.read()
    assert [p["kasus"] for p in data["mengikuti_kasus"]] == [world["kasus"].reference]
    assert len(data["mengikuti_wilayah"]) == 1
    assert set(data) >= {"audiensi", "sarasehan", "undangan_survei", "permintaan_data_pribadi"}


def test_the_export_holds_nothing_about_anyone_else(client, world):
    _data, archive = download(client, world["resident"])
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")
    other, petugas = world["other"], world["petugas"]
    for secret in (other.full_name, other.email, other.phone, "Uraian milik Bambang", "foto-bambang"):
        assert secret not in everything
    for secret in (petugas.full_name, petugas.email, "Catatan internal sangat rahasia"):
        assert secret not in everything


def test_the_download_is_recorded_as_an_answered_access_request(client, world):
    download(client, world["resident"])
    request = PermintaanDataPribadi.objects.get()
    assert (request.jenis, request.kanal, request.status) == ("akses", "portal", "selesai")
    assert AuditEntry.objects.filter(action="pdp.recorded", object_id=str(request.pk)).exists()


def test_a_correction_saves_the_desa_and_audits_which_fields_changed(client):
    resident = UserFactory(full_name="Nama Lama")
    place = desa()
    client.force_login(resident)
    response = client.post(
        reverse("akun_profile"),
        {"full_name": "Nama Baru", "phone": resident.phone, "language": "id", "wilayah": place.pk},
    )
    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.full_name, resident.wilayah) == ("Nama Baru", place)
    entry = AuditEntry.objects.get(action="akun.corrected")
    assert entry.changes == {"user": resident.pk, "fields": ["full_name", "wilayah"]}
    assert "Nama" not in json.dumps(entry.changes) + entry.object_repr


def erase(client, user):
    client.force_login(user)
    return client.post(reverse("akun_erase"), {"confirm": "on"})


def test_erasure_needs_the_confirmation(client, world):
    client.force_login(world["resident"])
    response = client.post(reverse("akun_erase"), {})
    assert response.status_code == 400
    assert User.objects.get(pk=world["resident"].pk).is_active


def test_erasure_closes_the_account_and_frees_the_email(client, world):
    resident = world["resident"]
    Authenticator.objects.create(user=resident, type=Authenticator.Type.TOTP, data={})
    assert erase(client, resident).status_code == 302
    resident.refresh_from_db()
    assert not resident.is_active and not resident.has_usable_password()
    assert resident.email != "sri.lestari@example.org" and resident.full_name == services.PSEUDONYM
    assert not EmailAddress.objects.filter(user=resident).exists()
    assert not Authenticator.objects.filter(user=resident).exists()
    assert client.get(reverse("akun_profile")).status_code == 302  # signed out
    UserFactory(email="sri.lestari@example.org")  # the address can be used again


def test_erasure_pseudonymises_the_case_and_keeps_the_other_reporter(client, world):
    erase(client, world["resident"])
    kasus = Kasus.objects.get(pk=world["kasus"].pk)
    assert kasus.reporter_id is None
    assert (kasus.reporter_name, kasus.reporter_email, kasus.reporter_phone) == (services.PSEUDONYM, "", "")
    merged = Kasus.objects.get(pk=world["merged"].pk)
    assert merged.reporter == world["other"]
    assert not Pengikut.objects.filter(user=world["resident"]).exists()
    assert Pengikut.objects.filter(user=world["other"]).exists()
    assert not LanggananWilayah.objects.filter(user=world["resident"]).exists()


def test_erasure_leaves_an_open_cases_attachments_for_staff_to_decide(client, world):
    erase(client, world["resident"])
    request = PermintaanDataPribadi.objects.get(jenis="penghapusan")
    own_file = Lampiran.objects.get(original_name="foto-sri.jpg")
    assert request.status == "menunggu_keputusan" and request.pending_lampiran == [own_file.pk]
    entry = AuditEntry.objects.get(action="pdp.erased")
    assert entry.changes["attachments_pending"] == [own_file.pk]


def test_erasure_deletes_attachments_of_a_closed_case(client, django_capture_on_commit_callbacks):
    resident = UserFactory()
    kasus = submit(reporter=resident, files=[photo("foto.jpg")]).kasus
    services.kasus_reject(kasus_id=kasus.pk, actor=None, reason="Di luar kewenangan")
    name = Lampiran.objects.get().file.name
    storage = Lampiran.objects.get().file.storage
    with django_capture_on_commit_callbacks(execute=True):
        erase(client, resident)
    assert not Lampiran.objects.exists() and not storage.exists(name)
    assert PermintaanDataPribadi.objects.get(jenis="penghapusan").status == "selesai"


def test_staff_decide_a_pending_attachment_and_the_request_completes(client, world):
    erase(client, world["resident"])
    request = PermintaanDataPribadi.objects.get(jenis="penghapusan")
    [lampiran_id] = request.pending_lampiran
    petugas = world["petugas"]
    client.force_login(petugas)
    url = reverse("akun_pdp_detail", args=[request.pk])
    response = client.post(url, {"step": "decide", "lampiran": lampiran_id, "keep": "on", "reason": ""})
    assert response.status_code == 400  # keeping needs a reason
    client.post(url, {"step": "decide", "lampiran": lampiran_id, "keep": "on", "reason": "Bukti kerusakan"})
    request.refresh_from_db()
    assert (request.status, request.pending_lampiran, request.handled_by) == ("selesai", [], petugas)
    assert Lampiran.objects.filter(pk=lampiran_id).exists()
    entry = AuditEntry.objects.get(action="pdp.lampiran_decided")
    assert entry.actor == petugas and entry.changes["keep"] is True


def test_after_erasure_no_page_export_email_or_log_line_names_the_resident(client, world, caplog):
    resident, kasus, petugas = world["resident"], world["kasus"], world["petugas"]
    secrets = (resident.full_name, resident.email, resident.phone)
    erase(client, resident)
    outbox_before = set(OutboxEmail.objects.values_list("pk", flat=True))
    caplog.set_level(logging.DEBUG)

    services.kasus_dispose(kasus_id=kasus.pk, actor=petugas, opd=OpdFactory())
    client.force_login(petugas)
    pages = [
        client.get(reverse("kasus:track_detail", args=[kasus.tracking_token])),
        client.get(reverse("kasus:detail", args=[kasus.reference])),
        client.get(reverse("kasus:timeline_csv", args=[kasus.reference])),
        client.get(reverse("akuntabilitas:kasus", args=[kasus.reference])),
        client.get(reverse("aspirasi:transparency_csv")),
        client.get(reverse("dasbor:transparansi_csv")),
        client.get(reverse("akun_pdp_list")),
    ]
    new_mail = OutboxEmail.objects.exclude(pk__in=outbox_before)
    texts = [p.content.decode() for p in pages if p.status_code == 200]
    assert len(texts) >= 5
    texts += [json.dumps(list(new_mail.values()), default=str)]
    texts += [record.getMessage() for record in caplog.records]
    for text in texts:
        for secret in secrets:
            assert secret not in text


def test_erasure_leaves_the_statistics_unchanged(client, world):
    now = timezone.now()
    periods = standard_periods(timezone.localdate(now))
    before = [compute(p, now=now) for p in periods]
    erase(client, world["resident"])
    assert [compute(p, now=now) for p in periods] == before


def test_a_guest_case_under_a_verified_address_is_exported_but_not_under_an_unverified_one(client):
    guest_case = open_kasus(reporter_name="Tamu", reporter_email="tamu@example.org")
    verified = UserFactory(email="tamu@example.org")
    data, _archive = download(client, verified)
    assert [k["nomor"] for k in data["kasus"]] == [guest_case.reference]
    EmailAddress.objects.filter(user=verified).update(verified=False)
    data, _archive = download(client, verified)
    assert data["kasus"] == []


def test_a_staff_account_is_not_erased_from_the_account_page(client):
    petugas = staff()
    client.force_login(petugas)
    response = client.post(reverse("akun_erase"), {"confirm": "on"})
    assert response.status_code == 400
    petugas.refresh_from_db()
    assert petugas.is_active and "Akun petugas" in response.content.decode()
