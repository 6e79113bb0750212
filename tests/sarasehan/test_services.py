import base64
import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.kasus.models import Kasus, OutboxEmail, Riwayat, TindakLanjut
from sarasehan import services
from sarasehan.models import PendaftaranSarasehan, PoinSarasehan, Sarasehan
from sarasehan.tasks import sarasehan_reminders
from tests.factories import KategoriFactory, OpdFactory, UserFactory, desa, open_kasus, staff

from .factories import move, on_the_day, register, sarasehan

pytestmark = pytest.mark.django_db
S = PendaftaranSarasehan.Status


def emails(template: str, to: str | None = None):
    qs = OutboxEmail.objects.filter(template=template)
    return qs.filter(to=to) if to else qs


def test_it_creates_a_draft_and_publishes_it():
    s = sarasehan(publish=False)
    assert s.status == Sarasehan.Status.DRAF and s.slug.startswith("sarasehan-infrastruktur-desa-")
    with pytest.raises(services.SarasehanError):
        register(s)
    services.sarasehan_publish(sarasehan_id=s.pk, actor=None)
    with pytest.raises(services.SarasehanError, match="berstatus “Terbit”, sehingga langkah “terbitkan”"):
        services.sarasehan_publish(sarasehan_id=s.pk, actor=None)
    assert register(s).status == S.TERDAFTAR


def test_it_refuses_bad_times():
    now = timezone.now()
    with pytest.raises(services.SarasehanError):
        sarasehan(starts_in=dt.timedelta(days=2), ends_at=now)


def test_it_seats_within_capacity_then_waitlists_in_order():
    s = sarasehan(capacity=2)
    regs = register(s, 4)
    assert [r.status for r in regs] == [S.TERDAFTAR, S.TERDAFTAR, S.MENUNGGU, S.MENUNGGU]
    s.refresh_from_db()
    assert s.confirmed_count == 2 and s.seats_left == 0
    seated = emails("sarasehan_registered", regs[0].email).get()
    assert regs[0].code in seated.body_text
    assert [a["filename"] for a in seated.attachments] == ["qr.png"]
    assert base64.b64decode(seated.attachments[0]["content"]).startswith(b"\x89PNG")
    waiting = emails("sarasehan_registered", regs[2].email).get()
    assert "daftar tunggu" in waiting.body_text and waiting.attachments == []


def test_it_refuses_registration_before_opening_and_after_closing():
    s = sarasehan()
    move(s, registration_opens_at=timezone.now() + dt.timedelta(hours=2))
    with pytest.raises(services.SarasehanError, match="belum dibuka"):
        register(s)
    move(s, registration_opens_at=timezone.now() - dt.timedelta(days=2), registration_closes_at=timezone.now())
    with pytest.raises(services.SarasehanError, match="sudah ditutup"):
        register(s)
    assert not PendaftaranSarasehan.objects.exists()


def test_it_refuses_a_second_registration_with_the_same_email():
    s = sarasehan()
    services.pendaftaran_create(sarasehan_id=s.pk, name="Sri", email="Sri@Example.org")
    with pytest.raises(services.AlreadyRegistered, match="sudah terdaftar"):
        services.pendaftaran_create(sarasehan_id=s.pk, name="Sri lagi", email="sri@example.org ")
    assert PendaftaranSarasehan.objects.count() == 1
    s.refresh_from_db()
    assert s.confirmed_count == 1


def test_the_database_refuses_duplicates_and_overbooking():
    s = sarasehan(capacity=1)
    reg = register(s)
    with pytest.raises(IntegrityError), transaction.atomic():
        PendaftaranSarasehan.objects.create(sarasehan=s, name="X", email=reg.email, status=S.MENUNGGU)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sarasehan.objects.filter(pk=s.pk).update(confirmed_count=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        PendaftaranSarasehan.objects.create(sarasehan=s, name="X", email="UPPER@example.org", status=S.MENUNGGU)


def test_a_cancellation_promotes_the_first_waiting_and_emails_them():
    s = sarasehan(capacity=1)
    first, second, third = register(s, 3)
    services.pendaftaran_cancel(pendaftaran_id=first.pk, actor=None)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == S.TERDAFTAR and second.promoted_at and third.status == S.MENUNGGU
    promoted = emails("sarasehan_promoted", second.email).get()
    assert second.code in promoted.body_text and promoted.attachments[0]["filename"] == "qr.png"
    s.refresh_from_db()
    assert s.confirmed_count == 1
    # A waiting person leaving frees no seat.
    services.pendaftaran_cancel(pendaftaran_id=third.pk, actor=None)
    s.refresh_from_db()
    assert s.confirmed_count == 1


def test_a_cancellation_with_nobody_waiting_frees_the_seat():
    s = sarasehan(capacity=2)
    reg = register(s)
    services.pendaftaran_cancel(pendaftaran_id=reg.pk, actor=None)
    s.refresh_from_db()
    assert s.confirmed_count == 0
    # One registration per email: a cancelled one still counts.
    with pytest.raises(services.AlreadyRegistered):
        register(s)


def test_it_refuses_cancelling_a_cancelled_registration():
    s = sarasehan(capacity=1)
    reg, waiting = register(s, 2)
    services.pendaftaran_cancel(pendaftaran_id=reg.pk, actor=None)
    with pytest.raises(services.SarasehanError, match="berstatus “Dibatalkan”, sehingga langkah “batalkan”"):
        services.pendaftaran_cancel(pendaftaran_id=reg.pk, actor=None)
    s.refresh_from_db()
    waiting.refresh_from_db()
    assert s.confirmed_count == 1 and waiting.status == S.TERDAFTAR
    assert emails("sarasehan_promoted").count() == 1


def test_growing_capacity_promotes_waiting_people():
    s = sarasehan(capacity=1)
    regs = register(s, 4)
    services.sarasehan_update(sarasehan_id=s.pk, actor=None, capacity=3)
    statuses = list(PendaftaranSarasehan.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == [S.TERDAFTAR, S.TERDAFTAR, S.TERDAFTAR, S.MENUNGGU]
    s.refresh_from_db()
    assert s.confirmed_count == 3
    with pytest.raises(services.SarasehanError, match="tidak dapat kurang"):
        services.sarasehan_update(sarasehan_id=s.pk, actor=None, capacity=2)
    assert emails("sarasehan_promoted").count() == 2 and regs


def test_changing_time_or_place_tells_registrants_what_changed():
    s = sarasehan(capacity=1)
    seated, waiting = register(s, 2)
    changed = services.sarasehan_update(
        sarasehan_id=s.pk, actor=None, venue="Balai Desa Baru", theme=s.theme, starts_at=s.starts_at
    )
    assert changed == ["venue"]
    for reg in (seated, waiting):
        body = emails("sarasehan_changed", reg.email).get().body_text
        assert "Balai Desa Baru" in body and "tempat" in body
    services.sarasehan_update(sarasehan_id=s.pk, actor=None, description="Lebih rinci")
    assert emails("sarasehan_changed").count() == 2


def test_cancelling_a_sarasehan_tells_registrants():
    s = sarasehan(capacity=1)
    seated, waiting = register(s, 2)
    services.pendaftaran_cancel(pendaftaran_id=seated.pk, actor=None)
    services.sarasehan_cancel(sarasehan_id=s.pk, actor=None, reason="Banjir di lokasi")
    sent = emails("sarasehan_cancelled")
    assert list(sent.values_list("to", flat=True)) == [waiting.email]
    assert "Banjir di lokasi" in sent.get().body_text
    with pytest.raises(services.SarasehanError):
        services.sarasehan_cancel(sarasehan_id=s.pk, actor=None, reason="lagi")
    with pytest.raises(services.SarasehanError):
        register(s, prefix="baru")


def test_a_guest_topic_opens_a_waiting_case_that_confirming_the_email_admits():
    s = sarasehan()
    reg = services.pendaftaran_create(
        sarasehan_id=s.pk,
        name="Wati",
        email="wati@example.org",
        phone="0812",
        desa=desa(),
        topic="Irigasi sawah kering sejak Juni",
    )
    kasus = reg.kasus
    assert kasus.channel == "sarasehan" and kasus.confirmed_at is None and kasus.reporter_email == "wati@example.org"
    assert kasus.riwayat.get().kind == "sarasehan.registered"
    services.pendaftaran_confirm(pendaftaran_id=reg.pk, actor=None)
    kasus.refresh_from_db()
    assert kasus.confirmed_at is not None


def test_a_resident_brings_an_existing_case_of_theirs_only():
    s = sarasehan()
    warga, other = UserFactory(), UserFactory()
    own = open_kasus(reporter=warga)
    foreign = open_kasus(reporter=other)
    with pytest.raises(services.SarasehanError, match="tidak ditemukan"):
        services.pendaftaran_create(sarasehan_id=s.pk, name="", email="", user=warga, kasus_id=foreign.pk)
    reg = services.pendaftaran_create(sarasehan_id=s.pk, name="", email="ignored@x.org", user=warga, kasus_id=own.pk)
    assert reg.email == warga.email and reg.user == warga and reg.kasus == own
    assert own.riwayat.filter(kind="sarasehan.registered").exists()


def test_check_in_paths():
    s, other = sarasehan(capacity=1), sarasehan(title="Sarasehan Lain")
    reg, waiting = register(s, 2)
    elsewhere = register(other, prefix="lain")
    on_the_day(s)
    petugas = staff("petugas")
    done = services.pendaftaran_check_in(sarasehan_id=s.pk, code=reg.code.lower(), actor=petugas)
    assert done.checked_in_at and done.checked_in_by == petugas
    with pytest.raises(services.SarasehanError, match="sudah tercatat hadir"):
        services.pendaftaran_check_in(sarasehan_id=s.pk, code=reg.code, actor=petugas)
    with pytest.raises(services.SarasehanError, match="sarasehan lain"):
        services.pendaftaran_check_in(sarasehan_id=s.pk, code=elsewhere.code, actor=petugas)
    with pytest.raises(services.SarasehanError, match="daftar tunggu"):
        services.pendaftaran_check_in(sarasehan_id=s.pk, code=waiting.code, actor=petugas)
    with pytest.raises(services.SarasehanError, match="tidak dikenal"):
        services.pendaftaran_check_in(sarasehan_id=s.pk, code="ZZZZZZZZ", actor=petugas)
    with pytest.raises(services.SarasehanError, match="sudah hadir"):
        services.pendaftaran_cancel(pendaftaran_id=reg.pk, actor=None)


def test_check_in_accepts_the_scanned_url():
    s = sarasehan()
    reg = register(s)
    on_the_day(s)
    url = f"http://testserver/petugas/sarasehan/{s.slug}/checkin/?kode={reg.code}"
    assert services.pendaftaran_check_in(sarasehan_id=s.pk, code=url, actor=staff()).checked_in_at


def test_walk_ins_attend_without_taking_a_seat():
    s = sarasehan(capacity=1)
    register(s)
    on_the_day(s)
    walk_in = services.pendaftaran_walk_in(sarasehan_id=s.pk, actor=staff(), name="Pak Karto", phone="0813")
    also = services.pendaftaran_walk_in(sarasehan_id=s.pk, actor=staff(), name="Bu Karto")
    assert walk_in.status == S.LANGSUNG and walk_in.checked_in_at and also.code != walk_in.code
    s.refresh_from_db()
    assert s.confirmed_count == 1
    with pytest.raises(services.AlreadyRegistered):
        services.pendaftaran_walk_in(sarasehan_id=s.pk, actor=staff(), name="X", email="tamu0@example.org")


def test_a_point_raised_opens_a_case_on_the_sarasehan_channel_with_a_commitment():
    s = sarasehan()
    reg = register(s)
    on_the_day(s)
    services.pendaftaran_check_in(sarasehan_id=s.pk, code=reg.code, actor=staff())
    opd = OpdFactory()
    protokol = staff("protokol")
    poin = services.poin_record(
        sarasehan_id=s.pk,
        actor=protokol,
        pendaftaran_id=reg.pk,
        content="Jembatan gantung Dusun Krajan rusak",
        kategori=KategoriFactory(),
        opd_answered=opd,
        answer="Akan disurvei minggu depan",
        followup="Perbaikan jembatan",
        followup_opd=opd,
        followup_due=timezone.localdate() + dt.timedelta(days=30),
        idempotency_key="abc",
    )
    kasus = poin.kasus
    assert kasus.channel == "sarasehan" and kasus.reporter_email == reg.email and kasus.confirmed_at
    kinds = list(kasus.riwayat.values_list("kind", flat=True))
    assert kinds == ["sarasehan.raised", "sarasehan.answered", "tindak_lanjut.added"]
    raised = kasus.riwayat.first()
    assert raised.data["sarasehan"] == s.pk and s.title in raised.text
    tl = TindakLanjut.objects.get(kasus=kasus)
    assert (tl.source_kind, tl.source_id) == ("sarasehan", s.pk) and poin.tindak_lanjut == tl
    assert emails("kasus_opened", reg.email).exists()
    # A double submit with the same token records nothing new.
    again = services.poin_record(
        sarasehan_id=s.pk, actor=protokol, speaker_name="X", content="Y", idempotency_key="abc"
    )
    assert again == poin and PoinSarasehan.objects.count() == 1 and Kasus.objects.count() == 1


def test_a_point_on_an_existing_case_is_an_entry_on_its_timeline():
    s = sarasehan(starts_in=dt.timedelta(minutes=30))
    kasus = open_kasus()
    poin = services.poin_record(
        sarasehan_id=s.pk,
        actor=staff(),
        speaker_name="Kades",
        content="Mohon dipercepat",
        kasus_reference=kasus.reference,
    )
    assert poin.kasus == kasus and Kasus.objects.count() == 1
    assert kasus.riwayat.filter(kind="sarasehan.raised", visibility="publik").count() == 1
    with pytest.raises(services.SarasehanError, match="tidak ditemukan"):
        services.poin_record(sarasehan_id=s.pk, actor=staff(), speaker_name="A", content="B", kasus_reference="KSS-X")


def test_a_point_from_a_registrant_with_a_topic_lands_on_their_case():
    s = sarasehan()
    reg = services.pendaftaran_create(sarasehan_id=s.pk, name="Wati", email="w@example.org", topic="Air bersih")
    on_the_day(s)
    poin = services.poin_record(sarasehan_id=s.pk, actor=staff(), pendaftaran_id=reg.pk, content="Air bersih macet")
    assert poin.kasus == reg.kasus
    reg.kasus.refresh_from_db()
    assert reg.kasus.confirmed_at is not None
    assert Riwayat.objects.filter(kasus=reg.kasus, kind="sarasehan.raised").exists()


def test_a_promise_needs_an_opd_and_a_due_date():
    s = sarasehan()
    with pytest.raises(services.SarasehanError, match="OPD dan tenggat"):
        services.poin_record(sarasehan_id=s.pk, actor=staff(), speaker_name="A", content="B", followup="Janji")
    assert not Kasus.objects.exists()


def test_notulen_emails_attendees_once():
    s = sarasehan(capacity=3)
    came, absent = register(s, 2)
    on_the_day(s)
    services.pendaftaran_check_in(sarasehan_id=s.pk, code=came.code, actor=staff())
    services.poin_record(sarasehan_id=s.pk, actor=staff(), speaker_name="A", content="Soal pupuk")
    with pytest.raises(services.SarasehanError, match="setelah sarasehan dimulai"):
        services.notulen_publish(sarasehan_id=s.pk, actor=None, notulen="Catatan")
    move(s, starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(hours=1))
    services.notulen_publish(sarasehan_id=s.pk, actor=None, notulen="Catatan rapat")
    services.notulen_publish(sarasehan_id=s.pk, actor=None, notulen="Catatan rapat, diperbaiki")
    sent = emails("sarasehan_notulen")
    assert list(sent.values_list("to", flat=True)) == [came.email]
    assert f"/sarasehan/{s.slug}/#poin" in sent.get().body_text
    s.refresh_from_db()
    assert s.notulen == "Catatan rapat, diperbaiki" and absent


def test_agenda_draws_on_open_cases_and_invites_their_reporters():
    s = sarasehan()
    warga = UserFactory()
    kasus = open_kasus(reporter=warga)
    added = services.agenda_add_cases(sarasehan_id=s.pk, actor=staff("protokol"), kasus_ids=[kasus.pk, kasus.pk])
    assert added == 1
    assert services.agenda_add_cases(sarasehan_id=s.pk, actor=None, kasus_ids=[kasus.pk]) == 0
    assert kasus.riwayat.filter(kind="sarasehan.agenda").count() == 1
    invite = emails("sarasehan_invited", warga.email).get()
    assert f"/sarasehan/{s.slug}/" in invite.body_text


def test_the_reminder_goes_once_with_a_calendar_file(django_capture_on_commit_callbacks):
    s = sarasehan(capacity=1, starts_in=dt.timedelta(hours=20))
    seated, _waiting = register(s, 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert sarasehan_reminders.delay().get() == 1
        assert sarasehan_reminders.delay().get() == 0
    reminder = [m for m in mail.outbox if "Pengingat" in m.subject]
    assert len(reminder) == 1 and reminder[0].to == [seated.email]
    names = [a[0] for a in reminder[0].attachments]
    assert names == ["sarasehan.ics", "qr.png"]
    ics = reminder[0].attachments[0][1]
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "BEGIN:VEVENT" in ics and s.title in ics


def test_the_reminder_waits_until_the_day_before():
    s = sarasehan(starts_in=dt.timedelta(days=3))
    register(s)
    assert services.reminders_due() == []
    assert services.sarasehan_send_reminder(sarasehan_id=s.pk, actor=None) == 0


def test_merging_moves_sarasehan_points_to_the_surviving_case():
    from portal.kasus.services import kasus_merge

    s = sarasehan(starts_in=dt.timedelta(minutes=30))
    poin = services.poin_record(sarasehan_id=s.pk, actor=staff(), speaker_name="A", content="Soal pupuk")
    target = open_kasus()
    kasus_merge(kasus_id=poin.kasus_id, into_id=target.pk, actor=None)
    poin.refresh_from_db()
    assert poin.kasus == target
