"""After a case closes, an audiensi takes place or a sarasehan is attended, the resident is invited once."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from audiensi.models import Audiensi
from portal.kasus.models import OutboxEmail
from sarasehan.models import PendaftaranSarasehan
from skm import tasks
from skm.models import UndanganSurvei, Unit
from tests.audiensi.factories import open_availability, request_audiensi
from tests.factories import UserFactory, kasus_at
from tests.sarasehan.factories import move, register, sarasehan

pytestmark = pytest.mark.django_db


def invitations() -> list[tuple[str, str]]:
    return sorted(UndanganSurvei.objects.values_list("unit", "email"))


def test_it_invites_the_reporter_of_a_closed_case_in_their_language(django_capture_on_commit_callbacks):
    kasus = kasus_at("ditutup", reporter_email="Warga@Example.org", reporter_language="en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.skm_send_invitations.delay().get() == 1
    undangan = UndanganSurvei.objects.get()
    assert (undangan.unit, undangan.kasus_id, undangan.opd_id) == (Unit.OPD, kasus.pk, kasus.opd_id)
    [email] = mail.outbox
    assert email.to == ["warga@example.org"]
    assert "How was our service" in email.subject
    assert "/survei/" in email.body


def test_it_invites_nobody_twice():
    kasus_at("ditutup", reporter_email="warga@example.org")
    tasks.skm_send_invitations.delay()
    assert tasks.skm_send_invitations.delay().get() == 0
    assert OutboxEmail.objects.filter(template="skm_invitation").count() == 1
    assert UndanganSurvei.objects.count() == 1


def test_open_and_rejected_cases_are_not_surveyed():
    kasus_at("dijawab", reporter_email="a@example.org")
    kasus_at("ditolak", reporter_email="b@example.org")
    assert tasks.skm_send_invitations.delay().get() == 0


def test_it_invites_the_resident_of_an_audiensi_that_took_place():
    pejabat = open_availability()
    user = UserFactory(email="pemohon@example.org")
    held = request_audiensi(pejabat, user=user)
    missed = request_audiensi(pejabat, user=UserFactory(email="absen@example.org"), index=1)
    now = timezone.now()
    Audiensi.objects.filter(pk=held.pk).update(status="hadir", starts_at=now - dt.timedelta(hours=2), ends_at=now)
    Audiensi.objects.filter(pk=missed.pk).update(status="tidak_hadir")
    tasks.skm_send_invitations.delay()
    assert invitations() == [("audiensi", "pemohon@example.org")]


def test_it_invites_the_attendees_of_a_held_sarasehan_only():
    s = sarasehan()
    came, absent = register(s, 2, prefix="hadir")
    PendaftaranSarasehan.objects.filter(pk=came.pk).update(checked_in_at=timezone.now())
    now = timezone.now()
    move(s, starts_at=now - dt.timedelta(hours=4), ends_at=now - dt.timedelta(hours=1))
    tasks.skm_send_invitations.delay()
    assert invitations() == [("sarasehan", came.email)]
    assert OutboxEmail.objects.filter(template="skm_invitation", to=absent.email).count() == 0


def test_services_that_ended_long_ago_are_not_surveyed():
    kasus = kasus_at("ditutup", reporter_email="lama@example.org")
    type(kasus).objects.filter(pk=kasus.pk).update(closed_at=timezone.now() - dt.timedelta(days=60))
    assert tasks.skm_send_invitations.delay().get() == 0
