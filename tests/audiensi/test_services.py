import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audiensi import services
from audiensi.models import Audiensi, Pengecualian, Status
from audiensi.services import AudiensiError, SlotTaken
from portal.kasus.models import HariLibur, Riwayat, TindakLanjut
from tests.factories import OpdFactory, UserFactory, open_kasus, staff

from .factories import open_availability, request_audiensi, slots_of

pytestmark = pytest.mark.django_db


def kinds(kasus) -> list[str]:
    return list(Riwayat.objects.filter(kasus=kasus).values_list("kind", flat=True))


def test_it_holds_the_slot_and_opens_an_audiensi_case():
    pejabat = open_availability()
    warga = UserFactory()
    first = slots_of(pejabat)[0]
    audiensi = request_audiensi(pejabat, user=warga)
    assert audiensi.status == Status.MENUNGGU
    assert audiensi.kasus.channel == "audiensi" and audiensi.kasus.reporter == warga
    assert audiensi.starts_at == first.start and audiensi.ends_at - audiensi.starts_at == dt.timedelta(minutes=30)
    assert audiensi.expires_at <= audiensi.starts_at
    assert "audiensi.requested" in kinds(audiensi.kasus)
    assert first.start not in [s.start for s in slots_of(pejabat)]


def test_it_links_an_existing_case_of_the_resident_only():
    pejabat = open_availability()
    warga = UserFactory()
    own = open_kasus(reporter=warga)
    audiensi = request_audiensi(pejabat, user=warga, kasus_reference=own.reference.lower())
    assert audiensi.kasus == own
    other = open_kasus(reporter=UserFactory())
    with pytest.raises(AudiensiError, match="tidak ditemukan"):
        request_audiensi(open_availability(), user=warga, kasus_reference=other.reference)


def test_it_refuses_a_slot_in_the_past():
    pejabat = open_availability()
    with pytest.raises(AudiensiError, match="sudah lewat"):
        services.slot_check(pejabat=pejabat, start=timezone.now() - dt.timedelta(hours=1))


def test_it_refuses_slots_outside_the_booking_window():
    pejabat = open_availability(weekdays=range(7))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    too_soon = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(9)))
    with pytest.raises(AudiensiError, match="di luar jangka waktu"):
        services.slot_check(pejabat=pejabat, start=too_soon)
    far = timezone.localdate() + dt.timedelta(days=45)
    with pytest.raises(AudiensiError, match="di luar jangka waktu"):
        services.slot_check(pejabat=pejabat, start=timezone.make_aware(dt.datetime.combine(far, dt.time(9))))


def test_it_refuses_a_holiday_and_hides_its_slots():
    pejabat = open_availability()
    slot = slots_of(pejabat)[-1]  # the window's far end: a day off there does not move its start
    day = timezone.localtime(slot.start).date()
    HariLibur.objects.create(date=day, name="Cuti bersama")
    with pytest.raises(AudiensiError, match="hari libur"):
        services.slot_check(pejabat=pejabat, start=slot.start)
    assert all(timezone.localtime(s.start).date() != day for s in slots_of(pejabat))


def test_it_refuses_a_slot_overlapping_an_exception():
    pejabat = open_availability()
    slot = slots_of(pejabat)[0]
    local = timezone.localtime(slot.start)
    Pengecualian.objects.create(
        pejabat=pejabat,
        date=local.date(),
        start_time=(local + dt.timedelta(minutes=15)).time(),
        end_time=(local + dt.timedelta(hours=1)).time(),
        reason="Rapat paripurna DPRD",
    )
    with pytest.raises(AudiensiError, match="Rapat paripurna"):
        services.audiensi_request(user=UserFactory(), pejabat=pejabat, start=slot.start, topic="x", jumlah_peserta=1)
    assert slot.start not in [s.start for s in slots_of(pejabat)]


def test_it_refuses_a_time_that_is_not_a_slot():
    pejabat = open_availability()
    slot = slots_of(pejabat)[0]
    with pytest.raises(AudiensiError, match="bukan slot"):
        services.slot_check(pejabat=pejabat, start=slot.start + dt.timedelta(minutes=5))


def test_it_limits_open_requests_per_resident():
    pejabat = open_availability(batas_permohonan_terbuka=1)
    warga = UserFactory()
    request_audiensi(pejabat, user=warga)
    with pytest.raises(AudiensiError, match="permohonan audiensi terbuka"):
        request_audiensi(pejabat, user=warga, index=1)


def test_it_requires_a_verified_email():
    pejabat = open_availability()
    with pytest.raises(AudiensiError, match="Verifikasi"):
        request_audiensi(pejabat, user=UserFactory(verified=False))


def test_it_returns_the_same_request_on_a_double_submit():
    pejabat = open_availability(batas_permohonan_terbuka=3)
    warga = UserFactory()
    a = request_audiensi(pejabat, user=warga, idempotency_key="abc")
    b = request_audiensi(pejabat, user=warga, index=1, idempotency_key="abc")
    assert a.pk == b.pk and Audiensi.objects.count() == 1


def test_it_refuses_a_taken_slot_with_a_clear_error():
    pejabat = open_availability()
    slot = slots_of(pejabat)[0]
    request_audiensi(pejabat)
    with pytest.raises(SlotTaken, match="sudah diambil"):
        services.audiensi_request(user=UserFactory(), pejabat=pejabat, start=slot.start, topic="Lain", jumlah_peserta=1)
    assert Audiensi.objects.count() == 1


@pytest.mark.postgres
def test_it_is_guarded_by_the_exclusion_constraint_on_postgres():
    pejabat = open_availability()
    held = request_audiensi(pejabat)
    clash = Audiensi(
        kasus=held.kasus,
        pejabat=pejabat,
        pemohon=held.pemohon,
        starts_at=held.starts_at + dt.timedelta(minutes=10),
        ends_at=held.ends_at + dt.timedelta(minutes=10),
        topic="x",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()
    with pytest.raises(SlotTaken):
        services._save_slot(clash, [])
    clash.status = Status.DIBATALKAN
    clash.save()  # released statuses may overlap
    assert connection.vendor == "postgresql"


def test_it_walks_confirm_with_ics_email(django_capture_on_commit_callbacks):
    pejabat = open_availability()
    protokol = staff("protokol")
    with django_capture_on_commit_callbacks(execute=True):
        audiensi = request_audiensi(pejabat)
    assert "diterima" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.audiensi_confirm(audiensi_id=audiensi.pk, actor=protokol)
    audiensi.refresh_from_db()
    assert audiensi.status == Status.DIKONFIRMASI and audiensi.expires_at is None
    message = mail.outbox[-1]
    assert "dikonfirmasi" in message.subject
    assert message.attachments[0][0] == "audiensi.ics" and message.attachments[0][2] == "text/calendar"
    entry = Riwayat.objects.get(kasus=audiensi.kasus, kind="audiensi.confirmed")
    assert entry.actor == protokol


def test_it_proposes_another_slot_and_the_resident_accepts():
    pejabat = open_availability()
    protokol = staff("protokol")
    audiensi = request_audiensi(pejabat)
    new = slots_of(pejabat)[2]
    services.audiensi_propose(audiensi_id=audiensi.pk, actor=protokol, start=new.start, reason="Bupati ke Jakarta")
    audiensi.refresh_from_db()
    assert audiensi.status == Status.DIUSULKAN and audiensi.starts_at == new.start
    services.audiensi_respond(audiensi_id=audiensi.pk, actor=audiensi.pemohon, accept=True)
    audiensi.refresh_from_db()
    assert audiensi.status == Status.DIKONFIRMASI
    assert {"audiensi.proposed", "audiensi.confirmed"} <= set(kinds(audiensi.kasus))


def test_it_releases_the_slot_when_the_resident_declines_the_proposal():
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat)
    new = slots_of(pejabat)[1]
    services.audiensi_propose(audiensi_id=audiensi.pk, actor=staff("protokol"), start=new.start, reason="Agenda")
    services.audiensi_respond(audiensi_id=audiensi.pk, actor=audiensi.pemohon, accept=False)
    audiensi.refresh_from_db()
    assert audiensi.status == Status.DIBATALKAN
    assert new.start in [s.start for s in slots_of(pejabat)]
    assert "audiensi.proposal_declined" in kinds(audiensi.kasus)


def test_it_hands_over_to_the_other_pejabat_or_an_opd(django_capture_on_commit_callbacks):
    bupati = open_availability()
    wakil = open_availability()
    protokol = staff("protokol")
    audiensi = request_audiensi(bupati)
    services.audiensi_handover_pejabat(audiensi_id=audiensi.pk, actor=protokol, pejabat=wakil, reason="Bidang wabup")
    audiensi.refresh_from_db()
    assert audiensi.pejabat == wakil and audiensi.status == Status.MENUNGGU
    opd = OpdFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.audiensi_handover_opd(audiensi_id=audiensi.pk, actor=protokol, opd=opd, reason="Teknis jalan")
    audiensi.refresh_from_db()
    assert audiensi.status == Status.DIALIHKAN and audiensi.opd == opd
    assert any(m.to == [opd.email] for m in mail.outbox)
    opd_mail = next(m for m in mail.outbox if m.to == [opd.email])
    assert audiensi.pemohon.email not in opd_mail.body
    assert {"audiensi.handed_over", "audiensi.handed_to_opd"} <= set(kinds(audiensi.kasus))


def test_it_declines_only_with_a_reason():
    audiensi = request_audiensi(open_availability())
    with pytest.raises(AudiensiError, match="Alasan"):
        services.audiensi_decline(audiensi_id=audiensi.pk, actor=staff("protokol"), reason=" ")
    services.audiensi_decline(audiensi_id=audiensi.pk, actor=staff("protokol"), reason="Sudah ditangani OPD")
    audiensi.refresh_from_db()
    assert audiensi.status == Status.DITOLAK
    entry = Riwayat.objects.get(kasus=audiensi.kasus, kind="audiensi.declined")
    assert "Sudah ditangani OPD" in entry.text


def test_it_lets_the_resident_cancel_until_the_cutoff():
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat)
    late = audiensi.starts_at - dt.timedelta(hours=23)
    with pytest.raises(AudiensiError, match="24 jam"):
        services.audiensi_cancel(audiensi_id=audiensi.pk, actor=audiensi.pemohon, now=late)
    with pytest.raises(AudiensiError, match="24 jam"):
        services.audiensi_reschedule(
            audiensi_id=audiensi.pk, actor=audiensi.pemohon, start=slots_of(pejabat)[1].start, now=late
        )
    services.audiensi_cancel(audiensi_id=audiensi.pk, actor=audiensi.pemohon, reason="Sakit")
    audiensi.refresh_from_db()
    assert audiensi.status == Status.DIBATALKAN
    assert "audiensi.cancelled" in kinds(audiensi.kasus)


def test_it_reschedules_to_another_free_slot():
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat)
    services.audiensi_confirm(audiensi_id=audiensi.pk, actor=staff("protokol"))
    target = slots_of(pejabat)[3]
    services.audiensi_reschedule(audiensi_id=audiensi.pk, actor=audiensi.pemohon, start=target.start)
    audiensi.refresh_from_db()
    assert audiensi.status == Status.MENUNGGU and audiensi.starts_at == target.start
    assert "audiensi.reschedule_requested" in kinds(audiensi.kasus)


def test_it_expires_undecided_requests_once_and_frees_the_slot():
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat)
    later = audiensi.expires_at + dt.timedelta(minutes=1)
    assert services.audiensi_expire_pending(now=later, actor=None) == 1
    assert services.audiensi_expire_pending(now=later, actor=None) == 0
    audiensi.refresh_from_db()
    assert audiensi.status == Status.KEDALUWARSA
    assert audiensi.starts_at in [s.start for s in slots_of(pejabat)]


def test_it_sends_the_reminder_once(django_capture_on_commit_callbacks):
    audiensi = request_audiensi(open_availability())
    services.audiensi_confirm(audiensi_id=audiensi.pk, actor=staff("protokol"))
    day_before = audiensi.starts_at - dt.timedelta(days=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.audiensi_send_reminders(now=day_before, actor=None) == 1
        assert services.audiensi_send_reminders(now=day_before, actor=None) == 0
    assert len(mail.outbox) == 1 and "Pengingat" in mail.outbox[0].subject


def test_it_records_the_day_notulen_and_tindak_lanjut(monkeypatch):
    audiensi = request_audiensi(open_availability())
    protokol = staff("protokol")
    services.audiensi_confirm(audiensi_id=audiensi.pk, actor=protokol)
    with pytest.raises(AudiensiError, match="hari audiensi"):
        services.audiensi_check_in(audiensi_id=audiensi.pk, actor=protokol, hadir=True)
    monkeypatch.setattr(timezone, "localdate", lambda *a: timezone.localtime(audiensi.starts_at).date())
    services.audiensi_check_in(audiensi_id=audiensi.pk, actor=protokol, hadir=True)
    services.audiensi_notulen_save(
        audiensi_id=audiensi.pk, actor=protokol, notulen="Bupati meninjau jembatan.", notulen_internal="Anggaran P-APBD"
    )
    item = services.audiensi_tindak_lanjut_add(
        audiensi_id=audiensi.pk,
        actor=protokol,
        description="Perbaikan jembatan",
        opd=OpdFactory(),
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    assert TindakLanjut.objects.get(pk=item.pk).source_kind == "audiensi"
    public = Riwayat.objects.get(kasus=audiensi.kasus, kind="audiensi.minutes")
    internal = Riwayat.objects.get(kasus=audiensi.kasus, kind="audiensi.minutes_internal")
    assert public.visibility == "publik" and internal.visibility == "internal"
    assert "tindak_lanjut.added" in kinds(audiensi.kasus)


def test_it_records_a_no_show(monkeypatch):
    audiensi = request_audiensi(open_availability())
    protokol = staff("protokol")
    services.audiensi_confirm(audiensi_id=audiensi.pk, actor=protokol)
    monkeypatch.setattr(timezone, "localdate", lambda *a: timezone.localtime(audiensi.starts_at).date())
    services.audiensi_check_in(audiensi_id=audiensi.pk, actor=protokol, hadir=False)
    audiensi.refresh_from_db()
    assert audiensi.status == Status.TIDAK_HADIR
    with pytest.raises(AudiensiError):
        services.audiensi_notulen_save(audiensi_id=audiensi.pk, actor=protokol, notulen="x")


def test_it_rejects_tampered_signed_links():
    audiensi = request_audiensi(open_availability())
    token = services.link_token(audiensi, "batal")
    assert services.link_read(token) == (audiensi.pk, "batal")
    from django.core.signing import BadSignature

    with pytest.raises(BadSignature):
        services.link_read(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_it_runs_the_periodic_tasks_idempotently(django_capture_on_commit_callbacks):
    from audiensi import tasks

    audiensi = request_audiensi(open_availability())
    Audiensi.objects.filter(pk=audiensi.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.audiensi_expire_pending.delay().get() == 1
    assert tasks.audiensi_expire_pending.delay().get() == 0
    assert tasks.audiensi_send_reminders.delay().get() == 0
    assert "Audiensi" in mail.outbox[-1].subject or "audiensi" in mail.outbox[-1].body
