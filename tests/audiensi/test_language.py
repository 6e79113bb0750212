"""The shared case timeline is written in the portal's language whoever acts; emails in the recipient's."""

import pytest
from django.core import mail
from django.utils import timezone, translation

from audiensi import services
from audiensi.services import AudiensiError
from portal.kasus.models import Riwayat, TindakLanjut
from tests.factories import OpdFactory, UserFactory, staff

from .factories import open_availability, request_audiensi, slots_of

pytestmark = pytest.mark.django_db


def message(audiensi, kind: str) -> str:
    return Riwayat.objects.get(kasus=audiensi.kasus, kind=kind).text


def in_indonesian(value) -> str:
    with translation.override("id"):
        return services._when(value)


def test_it_writes_the_timeline_in_indonesian_when_staff_act_in_english(django_capture_on_commit_callbacks):
    pejabat = open_availability()
    protokol = staff("protokol")
    with translation.override("en"):
        audiensi = request_audiensi(pejabat)
        new = slots_of(pejabat)[2]
        with django_capture_on_commit_callbacks(execute=True):
            services.audiensi_propose(audiensi_id=audiensi.pk, actor=protokol, start=new.start, reason="Agenda")
        services.audiensi_respond(audiensi_id=audiensi.pk, actor=audiensi.pemohon, accept=True)
    assert message(audiensi, "audiensi.requested").startswith(f"Permohonan audiensi dengan {pejabat.jabatan}")
    proposed = message(audiensi, "audiensi.proposed")
    assert proposed.startswith("Protokol mengusulkan jadwal lain: ") and in_indonesian(new.start) in proposed
    assert message(audiensi, "audiensi.confirmed").startswith("Pemohon menerima jadwal yang diusulkan.")
    # The Indonesian resident's email is in Indonesian too, day and month names included.
    body = mail.outbox[-1].body
    assert "Protokol mengusulkan jadwal lain" in body and in_indonesian(new.start) in body


def test_it_emails_an_english_resident_in_english_but_logs_in_indonesian(django_capture_on_commit_callbacks):
    audiensi = request_audiensi(open_availability(), user=UserFactory(language="en"))
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.audiensi_cancel(audiensi_id=audiensi.pk, actor=audiensi.pemohon, reason="Sakit")
    logged = message(audiensi, "audiensi.cancelled")
    assert logged.startswith("Pemohon membatalkan audiensi ") and logged.endswith("Alasan: Sakit")
    assert "The applicant cancelled the audience" in mail.outbox[-1].body


def test_it_logs_the_day_in_indonesian_and_keeps_errors_in_the_users_language(monkeypatch):
    audiensi = request_audiensi(open_availability())
    protokol = staff("protokol")
    with translation.override("en"):
        with pytest.raises(AudiensiError, match="A reason for rejection is required"):
            services.audiensi_decline(audiensi_id=audiensi.pk, actor=protokol, reason=" ")
        services.audiensi_confirm(audiensi_id=audiensi.pk, actor=protokol)
        monkeypatch.setattr(timezone, "localdate", lambda *a: timezone.localtime(audiensi.starts_at).date())
        services.audiensi_check_in(audiensi_id=audiensi.pk, actor=protokol, hadir=True, note="Tepat waktu.")
        item = services.audiensi_tindak_lanjut_add(
            audiensi_id=audiensi.pk,
            actor=protokol,
            description="Perbaikan jembatan",
            opd=OpdFactory(),
            due_date=timezone.localdate(),
        )
    assert message(audiensi, "audiensi.confirmed").startswith(
        f"Audiensi dengan {audiensi.pejabat.jabatan} dikonfirmasi"
    )
    assert message(audiensi, "audiensi.attended").endswith("terlaksana; pemohon hadir. Tepat waktu.")
    assert TindakLanjut.objects.get(pk=item.pk).source.startswith(f"Audiensi {audiensi.pejabat.jabatan}, ")
