"""Petugas triage and recording, OPD answers and re-routing, the reporter's actions after."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from aspirasi import services as aspirasi_services
from aspirasi.models import Aspirasi, Lampiran
from portal.kasus import services
from portal.kasus.models import Kasus, OutboxEmail, Riwayat
from tests.factories import KategoriFactory, OpdFactory, UserFactory, desa, staff

from .factories import form_data, jpeg_bytes, pdf_bytes, submit, upload

pytestmark = pytest.mark.django_db


def kinds(kasus) -> list[str]:
    return list(Riwayat.objects.filter(kasus=kasus).values_list("kind", flat=True))


def staff_post(client, kasus, slug, data):
    prefixed = {f"{slug}-{k}": v for k, v in data.items()}
    return client.post(reverse("kasus:action", args=[kasus.reference, slug]), prefixed)


def test_it_walks_an_aspirasi_through_triage_answer_and_acceptance(client, django_capture_on_commit_callbacks):
    warga, petugas, opd = UserFactory(), staff("petugas"), OpdFactory()
    officer = staff("opd", opd=opd)
    kategori = KategoriFactory()
    with django_capture_on_commit_callbacks(execute=True):
        kasus = submit(reporter=warga, photos=1).kasus
    client.force_login(petugas)
    with django_capture_on_commit_callbacks(execute=True):
        staff_post(client, kasus, "verifikasi", {"kategori": kategori.pk, "priority": "tinggi"})
        staff_post(client, kasus, "disposisi", {"opd": opd.pk})
    kasus.refresh_from_db()
    assert kasus.status == "didisposisikan" and kasus.kategori == kategori and kasus.priority == "tinggi"

    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        staff_post(client, kasus, "mulai", {})
        response = client.post(
            reverse("aspirasi:answer", args=[kasus.reference]),
            {
                "jawablampiran-answer": "Jalan sudah ditambal pada 3 Maret.",
                "jawablampiran-lampiran": [upload("bukti.pdf", pdf_bytes())],
            },
        )
    assert response.status_code == 302
    kasus.refresh_from_db()
    assert kasus.status == "dijawab"
    answer_file = Lampiran.objects.get(kasus=kasus, role="answer")
    entry = Riwayat.objects.get(kasus=kasus, kind="kasus.answered")
    assert entry.visibility == "publik" and entry.data["lampiran"] == [answer_file.pk]

    client.logout()
    track = reverse("kasus:track_detail", args=[kasus.tracking_token])
    page = client.get(track).content.decode()
    assert "Jalan sudah ditambal" in page and reverse("aspirasi:accept", args=[kasus.tracking_token]) in page
    assert "bukti.pdf" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("aspirasi:accept", args=[kasus.tracking_token]), {"rating": "4", "comment": "Cepat, terima kasih"}
        )
    assert response.status_code == 302
    kasus.refresh_from_db()
    assert kasus.status == "ditutup" and kasus.rating == 4
    assert kinds(kasus) == [
        "aspirasi.submitted",
        "kasus.verified",
        "kasus.disposed",
        "kasus.started",
        "kasus.answered",
        "kasus.accepted",
    ]
    to_warga = [m.subject for m in mail.outbox if m.to == [warga.email]]
    # Received, verified, disposed, started, answered, closed: an email at each public step.
    assert len(to_warga) == 6
    assert any(m.to == [officer.email] for m in mail.outbox)


def test_it_asks_for_more_information_and_resumes_when_the_reporter_answers(client):
    kasus = submit(reporter=UserFactory()).kasus
    services.kasus_request_info(kasus_id=kasus.pk, actor=staff("petugas"), question="Di RT berapa?")
    kasus.refresh_from_db()
    assert kasus.status == "menunggu_informasi" and kasus.due_at is None
    track = reverse("kasus:track_detail", args=[kasus.tracking_token])
    assert reverse("aspirasi:add_info", args=[kasus.tracking_token]) in client.get(track).content.decode()
    response = client.post(
        reverse("aspirasi:add_info", args=[kasus.tracking_token]),
        {"message": "RT 03 RW 01, depan masjid.", "lampiran": [upload("peta.png", jpeg_bytes())], "next": track},
    )
    assert response.status_code == 302 and response.url == track
    kasus.refresh_from_db()
    assert kasus.status == "baru" and kasus.due_at is not None
    assert Lampiran.objects.get(kasus=kasus, role="info").original_name == "peta.jpg"
    assert kinds(kasus)[-1] == "kasus.info_received"


def test_it_keeps_the_reporters_values_when_an_action_fails(client):
    kasus = submit(reporter=UserFactory()).kasus
    response = client.post(reverse("aspirasi:add_info", args=[kasus.tracking_token]), {"message": "Informasi X"})
    assert response.status_code == 400
    assert "Informasi X" in response.content.decode()


def test_it_refuses_an_offsite_next_url(client):
    kasus = submit(reporter=UserFactory()).kasus
    services.kasus_request_info(kasus_id=kasus.pk, actor=None, question="?")
    response = client.post(
        reverse("aspirasi:add_info", args=[kasus.tracking_token]), {"message": "ok", "next": "https://evil.example/"}
    )
    assert response.url == reverse("kasus:track_detail", args=[kasus.tracking_token])


def answered(**kwargs) -> Kasus:
    opd = OpdFactory()
    kasus = submit(reporter=UserFactory(), **kwargs).kasus
    for step in (
        lambda: services.kasus_verify(kasus_id=kasus.pk, actor=None),
        lambda: services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd),
        lambda: services.kasus_start(kasus_id=kasus.pk, actor=None),
        lambda: services.kasus_answer(kasus_id=kasus.pk, actor=None, answer="Selesai."),
    ):
        step()
    kasus.refresh_from_db()
    return kasus


def test_it_reopens_the_case_to_the_opd_on_a_dispute(client, django_capture_on_commit_callbacks):
    kasus = answered()
    officer = staff("opd", opd=kasus.opd)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("aspirasi:dispute", args=[kasus.tracking_token]), {"reason": "Lubang masih ada."}
        )
    assert response.status_code == 302
    kasus.refresh_from_db()
    assert kasus.status == "dibuka_kembali" and kasus.due_at is not None
    assert any(officer.email in m.to for m in mail.outbox)


def test_it_refuses_a_dispute_after_ten_working_days(client):
    kasus = answered()
    # Answered three calendar weeks ago: more than 10 working days whatever the holidays.
    Kasus.objects.filter(pk=kasus.pk).update(answered_at=timezone.now() - dt.timedelta(days=21))
    response = client.post(reverse("aspirasi:dispute", args=[kasus.tracking_token]), {"reason": "Belum beres."})
    assert response.status_code == 400
    assert "Batas waktu sanggahan" in response.content.decode()
    kasus.refresh_from_db()
    assert kasus.status == "dijawab"


def test_it_refuses_a_rating_outside_1_to_5(client):
    kasus = answered()
    response = client.post(reverse("aspirasi:accept", args=[kasus.tracking_token]), {"rating": "9"})
    assert response.status_code == 400
    kasus.refresh_from_db()
    assert kasus.status == "dijawab"


def test_it_sends_a_reroute_request_to_petugas_who_decide(client, django_capture_on_commit_callbacks):
    opd, other = OpdFactory(), OpdFactory()
    petugas = staff("petugas")
    kasus = submit(reporter=UserFactory()).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    client.force_login(staff("opd", opd=opd))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("aspirasi:reroute", args=[kasus.reference]),
            {"alih-reason": "Ranah PU", "alih-suggested_opd": other.pk},
        )
    assert response.status_code == 302
    entry = Riwayat.objects.get(kasus=kasus, kind="aspirasi.reroute_requested")
    assert entry.visibility == "internal" and entry.data["suggested_opd"] == other.pk
    assert any(petugas.email in m.to for m in mail.outbox)
    kasus.refresh_from_db()
    assert kasus.opd == opd  # nothing moves until the petugas re-disposes
    client.force_login(petugas)
    staff_post(client, kasus, "disposisi", {"opd": other.pk})
    kasus.refresh_from_db()
    assert kasus.opd == other and kasus.status == "didisposisikan"


def test_it_rejects_with_a_reason_and_merges_duplicates_with_their_files(client):
    petugas = staff("petugas")
    first = submit(reporter=UserFactory(), photos=1).kasus
    dup = submit(reporter=UserFactory(), photos=2).kasus
    spam = submit(reporter=UserFactory()).kasus
    client.force_login(petugas)
    staff_post(client, spam, "tolak", {"reason": "Spam"})
    staff_post(client, dup, "gabung", {"into_reference": first.reference, "reason": "Sama"})
    spam.refresh_from_db()
    dup.refresh_from_db()
    assert spam.status == "ditolak" and "Spam" in Riwayat.objects.filter(kasus=spam).last().text
    assert dup.status == "digabung" and dup.merged_into == first
    assert Lampiran.objects.filter(kasus=first).count() == 3 and Aspirasi.objects.filter(kasus=first).count() == 2


def test_it_records_a_social_media_aspirasi_on_behalf_of_a_resident(client, django_capture_on_commit_callbacks):
    petugas = staff("petugas")
    client.force_login(petugas)
    url = reverse("aspirasi:record")
    assert client.get(url).status_code == 200
    data = form_data(channel="media_sosial", source_url="", reporter_email="", reporter_name="Pak Darmo")
    response = client.post(url, data)
    assert "Sertakan tautan" in response.content.decode() and not Kasus.objects.exists()
    data["source_url"] = "https://www.instagram.com/p/abc123/"
    data["reporter_email"] = "darmo@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    kasus = Kasus.objects.get()
    assert response.status_code == 302 and response.url == reverse("kasus:detail", args=[kasus.reference])
    aspirasi = Aspirasi.objects.get()
    assert kasus.channel == "media_sosial" and kasus.confirmed_at is not None and kasus.reporter_name == "Pak Darmo"
    assert aspirasi.source_url == data["source_url"] and aspirasi.created_by == petugas and aspirasi.consent_at
    assert kinds(kasus) == ["aspirasi.submitted", "aspirasi.recorded"]
    assert [m.to for m in mail.outbox] == [["darmo@example.org"]]
    page = client.get(response.url).content.decode()
    assert "instagram.com/p/abc123" in page and "Media sosial" in page


def test_it_records_a_phone_call_without_email_but_needs_consent(client):
    client.force_login(staff("petugas"))
    data = form_data(channel="telepon", reporter_email="", consent=None, desa=str(desa().pk))
    response = client.post(reverse("aspirasi:record"), data)
    assert "Catat persetujuan warga" in response.content.decode()
    data["consent"] = "on"
    client.post(reverse("aspirasi:record"), data)
    assert Kasus.objects.get().channel == "telepon"


def test_it_lets_a_signed_in_resident_act_from_kasus_saya(client):
    warga = UserFactory()
    opd = OpdFactory()
    kasus = submit(reporter=warga).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    services.kasus_start(kasus_id=kasus.pk, actor=None)
    services.kasus_answer(kasus_id=kasus.pk, actor=None, answer="Selesai.")
    client.force_login(warga)
    mine = reverse("kasus:mine_detail", args=[kasus.reference])
    html = client.get(mine).content.decode()
    assert reverse("aspirasi:dispute", args=[kasus.tracking_token]) in html
    response = client.post(reverse("aspirasi:accept", args=[kasus.tracking_token]), {"rating": "3", "next": mine})
    assert response.status_code == 302 and response.url == mine
    kasus.refresh_from_db()
    assert kasus.status == "ditutup" and kasus.rating == 3


def test_it_offers_the_opd_one_answer_form_with_attachments_instead_of_the_plain_one(client):
    opd = OpdFactory()
    kasus = submit(reporter=UserFactory(), photos=0).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    services.kasus_start(kasus_id=kasus.pk, actor=None)
    client.force_login(staff("opd", opd=opd))
    page = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert reverse("aspirasi:answer", args=[kasus.reference]) in page
    assert reverse("kasus:action", args=[kasus.reference, "jawab"]) not in page


def test_it_writes_the_reroute_request_in_indonesian_whoever_asks(client):
    opd, other = OpdFactory(nama="Dinas Asal Uji"), OpdFactory(nama="Dinas Tujuan Uji")
    kasus = submit(reporter=UserFactory()).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    officer = staff("opd", opd=opd)
    with translation.override("en"):
        aspirasi_services.aspirasi_request_reroute(
            kasus_id=kasus.pk, actor=officer, reason="Ranah jalan kabupaten", suggested_opd=other
        )
        with pytest.raises(services.KasusError, match="Explain why"):
            aspirasi_services.aspirasi_request_reroute(kasus_id=kasus.pk, actor=officer, reason=" ")
    entry = Riwayat.objects.get(kasus=kasus, kind="aspirasi.reroute_requested")
    assert entry.text == (f"{opd.nama} meminta kasus dialihkan ke Dinas Tujuan Uji. Alasan: Ranah jalan kabupaten")


def test_it_writes_the_reroute_request_to_each_petugas_in_their_own_language():
    opd = OpdFactory()
    english, indonesian = staff("petugas", language="en"), staff("petugas", language="id")
    staff("pimpinan")  # another role: not asked to decide
    kasus = submit(reporter=UserFactory()).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)
    aspirasi_services.aspirasi_request_reroute(kasus_id=kasus.pk, actor=staff("opd", opd=opd), reason="Ranah PU")
    subjects = dict(OutboxEmail.objects.filter(template="aspirasi_reroute_requested").values_list("to", "subject"))
    assert set(subjects) == {english.email, indonesian.email}
    assert "OPD meminta pengalihan" in subjects[indonesian.email]
    assert "OPD meminta pengalihan" not in subjects[english.email]
