"""A merge keeps every report, its files and its reporter: three channels merged into one case."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from aspirasi import services as aspirasi_services
from aspirasi.files import clean_upload
from portal.kasus import services
from portal.kasus.models import Channel, OutboxEmail, Pengikut
from sarasehan import services as sarasehan_services
from tests.aspirasi.factories import jpeg_bytes, upload
from tests.factories import OpdFactory, UserFactory, staff
from tests.sarasehan.factories import register, sarasehan

pytestmark = pytest.mark.django_db


def web_case(reporter):
    kasus = aspirasi_services.aspirasi_submit(
        jenis="pengaduan",
        title="Lampu jalan padam di Jalan Pemuda",
        description="Sudah dua minggu lampu jalan padam, rawan kecelakaan.",
        reporter=reporter,
        files=[clean_upload(upload("lampu-web.jpg", jpeg_bytes()))],
    ).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    return kasus


def whatsapp_case(petugas):
    return aspirasi_services.aspirasi_submit(
        jenis="pengaduan",
        title="Lampu PJU mati",
        description="Pesan WhatsApp: PJU depan pasar mati total.",
        reporter_name="Siti Aminah",
        reporter_email="siti@example.org",
        reporter_language="en",
        channel=Channel.WHATSAPP,
        recorded_by=petugas,
        files=[clean_upload(upload("pju-wa.jpg", jpeg_bytes(color=(10, 10, 200))))],
    ).kasus


def sarasehan_case():
    s = sarasehan(starts_in=dt.timedelta(minutes=90))  # registration still open, the door already open
    reg = register(s, prefix="forum")
    poin = sarasehan_services.poin_record(
        sarasehan_id=s.pk,
        actor=staff("protokol"),
        pendaftaran_id=reg.pk,
        content="Penerangan jalan di sekitar pasar kurang",
    )
    return poin.kasus, reg.email


@pytest.fixture
def merged():
    petugas = staff("petugas")
    warga = UserFactory()
    survivor = web_case(warga)
    wa = whatsapp_case(petugas)
    forum, forum_email = sarasehan_case()
    services.kasus_merge(kasus_id=wa.pk, into_id=survivor.pk, actor=petugas, reason="Sama")
    services.kasus_merge(kasus_id=forum.pk, into_id=survivor.pk, actor=petugas, reason="Sama")
    for kasus in (survivor, wa, forum):
        kasus.refresh_from_db()
    return {
        "petugas": petugas,
        "warga": warga,
        "survivor": survivor,
        "wa": wa,
        "forum": forum,
        "forum_email": forum_email,
    }


def test_merging_three_channels_keeps_every_report_file_and_follower_on_the_survivor(client, merged):
    survivor, wa, forum = merged["survivor"], merged["wa"], merged["forum"]
    client.force_login(merged["petugas"])
    html = client.get(reverse("kasus:detail", args=[survivor.reference])).content.decode()
    # Both aspirasi with their channel, text, reporter and files; the sarasehan point with its speaker.
    assert "Sudah dua minggu lampu jalan padam" in html and "Pesan WhatsApp: PJU depan pasar mati total." in html
    assert "WhatsApp" in html and "Siti Aminah" in html and merged["warga"].full_name in html
    assert "lampu-web.jpg" in html and "pju-wa.jpg" in html
    assert "Penerangan jalan di sekitar pasar kurang" in html and "Tamu forum 0" in html
    assert f"kasus {wa.reference}" in html
    followers = {(p.user_id or p.email, p.reason, p.reported_kasus_id) for p in survivor.pengikut.all()}
    assert followers == {
        (merged["warga"].pk, Pengikut.Reason.REPORTER, survivor.pk),
        ("siti@example.org", Pengikut.Reason.MERGED_REPORTER, wa.pk),
        (merged["forum_email"], Pengikut.Reason.MERGED_REPORTER, forum.pk),
    }


def test_each_merged_case_tracking_page_links_to_the_survivors_public_page(client, merged):
    survivor = merged["survivor"]
    for kasus in (merged["wa"], merged["forum"]):
        page = client.get(reverse("kasus:track_detail", args=[kasus.tracking_token])).content.decode()
        link = reverse("kasus:track_survivor", args=[kasus.tracking_token])
        assert link in page
        public = client.get(link)
        assert public.status_code == 200
        body = public.content.decode()
        assert survivor.reference in body and "Lampu jalan padam di Jalan Pemuda" in body
        # The survivor's own link would let this visitor act as its reporter.
        assert survivor.tracking_token not in body


def test_the_survivor_page_is_only_for_merged_cases(client, merged):
    url = reverse("kasus:track_survivor", args=[merged["survivor"].tracking_token])
    assert client.get(url).status_code == 404


def test_each_merged_reporter_gets_the_next_public_update_once_with_their_own_link(merged):
    survivor = merged["survivor"]
    OutboxEmail.objects.all().delete()
    services.kasus_dispose(kasus_id=survivor.pk, actor=merged["petugas"], opd=OpdFactory())
    sent = {row.to: row for row in OutboxEmail.objects.filter(template="kasus_status")}
    assert set(sent) == {merged["warga"].email, "siti@example.org", merged["forum_email"]}
    assert OutboxEmail.objects.filter(template="kasus_status").count() == 3
    assert f"/lacak/{survivor.tracking_token}/" in sent[merged["warga"].email].body_text
    for email, kasus in (("siti@example.org", merged["wa"]), (merged["forum_email"], merged["forum"])):
        assert f"/lacak/{kasus.tracking_token}/" in sent[email].body_text
        assert survivor.tracking_token not in sent[email].body_text
    # Each in their own language: the WhatsApp reporter asked for English.
    assert f"The status of case {survivor.reference} is now" in sent["siti@example.org"].body_text
    assert f"Status kasus {survivor.reference} sekarang" in sent[merged["warga"].email].body_text


def test_a_request_for_information_goes_to_the_survivors_reporter_only(merged):
    survivor = merged["survivor"]
    OutboxEmail.objects.all().delete()
    services.kasus_request_info(kasus_id=survivor.pk, actor=merged["petugas"], question="Nomor tiang lampu?")
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == [merged["warga"].email]


def test_the_merged_case_reporter_sees_the_survivor_in_my_cases(client):
    warga, other = UserFactory(), UserFactory()
    survivor = web_case(other)
    own = web_case(warga)
    services.kasus_merge(kasus_id=own.pk, into_id=survivor.pk, actor=None)
    client.force_login(warga)
    listing = client.get(reverse("kasus:mine")).content.decode()
    assert survivor.reference in listing and own.reference not in listing
    detail = client.get(reverse("kasus:mine_detail", args=[survivor.reference]))
    assert detail.status_code == 200
    merged_page = client.get(reverse("kasus:mine_detail", args=[own.reference])).content.decode()
    assert reverse("kasus:mine_detail", args=[survivor.reference]) in merged_page


def test_a_case_merged_twice_keeps_its_reporter_on_the_last_survivor():
    first, second, third = (web_case(UserFactory()) for _ in range(3))
    services.kasus_merge(kasus_id=first.pk, into_id=second.pk, actor=None)
    services.kasus_merge(kasus_id=second.pk, into_id=third.pk, actor=None)
    reported = set(third.pengikut.values_list("reported_kasus_id", flat=True))
    assert reported == {first.pk, second.pk, third.pk}


def test_a_reporter_of_both_cases_follows_the_survivor_once():
    warga = UserFactory()
    survivor, other = web_case(warga), web_case(warga)
    services.kasus_merge(kasus_id=other.pk, into_id=survivor.pk, actor=None)
    assert survivor.pengikut.filter(user=warga).count() == 1
    OutboxEmail.objects.all().delete()
    services.kasus_dispose(kasus_id=survivor.pk, actor=None, opd=OpdFactory())
    assert OutboxEmail.objects.filter(to=warga.email).count() == 1


def test_the_migration_makes_every_reporter_a_follower_and_merged_reporters_follow_the_survivor():
    warga = UserFactory()
    survivor = web_case(warga)
    guest = whatsapp_case(staff("petugas"))
    services.kasus_merge(kasus_id=guest.pk, into_id=survivor.pk, actor=None)
    Pengikut.objects.all().delete()
    migration = importlib.import_module("portal.kasus.migrations.0006_pengikut")
    migration.backfill_followers(apps, None)
    rows = {(p.kasus_id, p.user_id or p.email, p.reason) for p in Pengikut.objects.all()}
    assert rows == {
        (survivor.pk, warga.pk, Pengikut.Reason.REPORTER),
        (guest.pk, "siti@example.org", Pengikut.Reason.REPORTER),
        (survivor.pk, "siti@example.org", Pengikut.Reason.MERGED_REPORTER),
    }


def test_the_answer_reaches_merged_reporters_without_the_reporters_accept_or_dispute_invitation(merged):
    survivor = merged["survivor"]
    services.kasus_dispose(kasus_id=survivor.pk, actor=None, opd=OpdFactory())
    services.kasus_start(kasus_id=survivor.pk, actor=None)
    OutboxEmail.objects.all().delete()
    services.kasus_answer(kasus_id=survivor.pk, actor=None, answer="Lampu sudah diganti.")
    sent = {row.to: row.body_text for row in OutboxEmail.objects.filter(template="kasus_answered")}
    assert len(sent) == 3 and all("Lampu sudah diganti." in body for body in sent.values())
    assert "menyanggahnya" in sent[merged["warga"].email]
    assert "menyanggahnya" not in sent[merged["forum_email"]]


def test_a_finished_commitment_reaches_every_follower(merged):
    survivor = merged["survivor"]
    item = services.tindak_lanjut_add(
        kasus_id=survivor.pk,
        actor=None,
        description="Ganti lampu PJU",
        opd=OpdFactory(),
        due_date=survivor.created_at.date(),
    )
    OutboxEmail.objects.all().delete()
    services.tindak_lanjut_complete(tindak_lanjut_id=item.pk, actor=None, evidence="Foto lampu menyala")
    recipients = set(OutboxEmail.objects.filter(template="tindak_lanjut_done").values_list("to", flat=True))
    assert recipients == {merged["warga"].email, "siti@example.org", merged["forum_email"]}


def test_a_merged_reporter_sees_the_survivors_public_timeline_but_not_what_is_for_its_reporter(client):
    warga = UserFactory()
    survivor = web_case(UserFactory())
    services.kasus_merge(kasus_id=web_case(warga).pk, into_id=survivor.pk, actor=None)
    services.kasus_request_info(kasus_id=survivor.pk, actor=None, question="Nomor rumah pelapor penerima?")
    client.force_login(warga)
    response = client.get(reverse("kasus:mine_detail", args=[survivor.reference]))
    page = response.content.decode()
    assert response.status_code == 200 and "Lampu jalan padam di Jalan Pemuda" in page
    assert "Nomor rumah pelapor penerima?" not in page


def test_a_resident_who_neither_reported_nor_follows_a_case_gets_404(client):
    survivor = web_case(UserFactory())
    services.kasus_merge(kasus_id=web_case(UserFactory()).pk, into_id=survivor.pk, actor=None)
    client.force_login(UserFactory())
    assert client.get(reverse("kasus:mine_detail", args=[survivor.reference])).status_code == 404
