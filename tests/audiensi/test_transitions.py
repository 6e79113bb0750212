"""Every (action, status) pair of the audiensi status table: allowed moves land on the stated status,
forbidden ones raise and write nothing (row, updated_at, timeline, outbox)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from audiensi import services
from audiensi.models import Audiensi, Status
from portal.kasus.models import OutboxEmail, Riwayat
from tests.factories import OpdFactory, PejabatFactory
from tests.transitions import allowed_and_forbidden, refused, sources, stated

from .factories import open_availability, request_audiensi, slots_of

pytestmark = pytest.mark.django_db

S = Status
OPEN = {S.MENUNGGU, S.DIUSULKAN, S.DIKONFIRMASI}

# The expected table, written out: action -> {status it may start from: status it leads to}.
EXPECTED: dict[str, dict[str, str]] = {
    "confirm": {S.MENUNGGU: S.DIKONFIRMASI},
    "propose": {s: S.DIUSULKAN for s in OPEN},
    "accept_proposal": {S.DIUSULKAN: S.DIKONFIRMASI},
    "decline_proposal": {S.DIUSULKAN: S.DIBATALKAN},
    "handover_pejabat": {s: S.MENUNGGU for s in OPEN},
    "handover_opd": {s: S.DIALIHKAN for s in OPEN},
    "decline": {s: S.DITOLAK for s in OPEN},
    "cancel": {s: S.DIBATALKAN for s in OPEN},
    "reschedule": {s: S.MENUNGGU for s in OPEN},
    "expire": {S.MENUNGGU: S.KEDALUWARSA, S.DIUSULKAN: S.KEDALUWARSA},
    "remind": {S.DIKONFIRMASI: S.DIKONFIRMASI},
    "attend": {S.DIKONFIRMASI: S.HADIR},
    "no_show": {S.DIKONFIRMASI: S.TIDAK_HADIR},
    "minutes": {S.HADIR: S.HADIR},
    "tindak_lanjut": {S.HADIR: S.HADIR},
}
# The portal's own periodic work skips what it may not move instead of raising.
PERIODIC = {"expire", "remind"}


def audiensi_in(status: str) -> Audiensi:
    """A held request, then put in `status` directly: the table, not the path there, is under test."""
    pejabat = open_availability()
    audiensi = request_audiensi(pejabat)
    Audiensi.objects.filter(pk=audiensi.pk).update(status=status)
    audiensi.refresh_from_db()
    return audiensi


def other_slot(audiensi: Audiensi) -> dt.datetime:
    return next(s.start for s in slots_of(audiensi.pejabat) if s.start != audiensi.starts_at)


def today(audiensi: Audiensi) -> Audiensi:
    """Attendance is recorded from the day itself on: move the meeting to the past hour."""
    start = timezone.now() - dt.timedelta(hours=1)
    Audiensi.objects.filter(pk=audiensi.pk).update(starts_at=start, ends_at=start + dt.timedelta(minutes=30))
    return audiensi


def lapsed(audiensi: Audiensi) -> Audiensi:
    Audiensi.objects.filter(pk=audiensi.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    return audiensi


# What an action needs besides the status, set up before the row is read.
SETUP: dict[str, Callable[[Audiensi], Audiensi]] = {"expire": lapsed, "attend": today, "no_show": today}


ACTIONS: dict[str, Callable[[Audiensi], Any]] = {
    "confirm": lambda a: services.audiensi_confirm(audiensi_id=a.pk, actor=None),
    "propose": lambda a: services.audiensi_propose(
        audiensi_id=a.pk, actor=None, start=other_slot(a), reason="Bupati rapat."
    ),
    "accept_proposal": lambda a: services.audiensi_respond(audiensi_id=a.pk, actor=None, accept=True),
    "decline_proposal": lambda a: services.audiensi_respond(audiensi_id=a.pk, actor=None, accept=False),
    "handover_pejabat": lambda a: services.audiensi_handover_pejabat(
        audiensi_id=a.pk, actor=None, pejabat=open_availability(PejabatFactory()), reason="Wakil menerima."
    ),
    "handover_opd": lambda a: services.audiensi_handover_opd(
        audiensi_id=a.pk, actor=None, opd=OpdFactory(), reason="Urusan dinas."
    ),
    "decline": lambda a: services.audiensi_decline(audiensi_id=a.pk, actor=None, reason="Bukan kewenangan."),
    "cancel": lambda a: services.audiensi_cancel(audiensi_id=a.pk, actor=None),
    "reschedule": lambda a: services.audiensi_reschedule(audiensi_id=a.pk, actor=None, start=other_slot(a)),
    "expire": lambda a: services.audiensi_expire_pending(actor=None),
    "remind": lambda a: services.audiensi_send_reminders(actor=None, now=a.starts_at - dt.timedelta(days=1)),
    "attend": lambda a: services.audiensi_check_in(audiensi_id=a.pk, actor=None, hadir=True),
    "no_show": lambda a: services.audiensi_check_in(audiensi_id=a.pk, actor=None, hadir=False),
    "minutes": lambda a: services.audiensi_notulen_save(audiensi_id=a.pk, actor=None, notulen="Jembatan diperbaiki."),
    "tindak_lanjut": lambda a: services.audiensi_tindak_lanjut_add(
        audiensi_id=a.pk,
        actor=None,
        description="Survei jembatan.",
        opd=OpdFactory(),
        due_date=timezone.localdate() + dt.timedelta(days=14),
    ),
}


def prepared(action: str, status: str) -> Audiensi:
    audiensi = audiensi_in(status)
    SETUP.get(action, lambda a: a)(audiensi)
    audiensi.refresh_from_db()
    return audiensi


ALLOWED, FORBIDDEN = allowed_and_forbidden(EXPECTED, Status.values)


def test_the_table_is_the_stated_one():
    assert set(ACTIONS) == set(EXPECTED) == set(services.ACTION_LABELS)
    assert sources(services.TRANSITIONS) == stated(EXPECTED)


@pytest.mark.parametrize("action,status", ALLOWED)
def test_it_makes_every_allowed_move(action, status):
    audiensi = prepared(action, status)
    riwayat = Riwayat.objects.count()

    ACTIONS[action](audiensi)

    audiensi.refresh_from_db()
    assert audiensi.status == EXPECTED[action][status]
    assert Riwayat.objects.count() > riwayat


@pytest.mark.parametrize("action,status", FORBIDDEN)
def test_it_refuses_every_forbidden_move_and_writes_nothing(action, status):
    audiensi = prepared(action, status)
    row = Audiensi.objects.filter(pk=audiensi.pk).values().get()
    counts = (Riwayat.objects.count(), OutboxEmail.objects.count())

    if action in PERIODIC:
        assert ACTIONS[action](audiensi) == 0
    else:
        with refused(services.TransitionNotAllowed, audiensi.get_status_display(), services.ACTION_LABELS[action]):
            ACTIONS[action](audiensi)

    assert (Riwayat.objects.count(), OutboxEmail.objects.count()) == counts
    assert Audiensi.objects.filter(pk=audiensi.pk).values().get() == row


@pytest.mark.parametrize("status", Status.values)
def test_it_lists_the_allowed_actions_of_each_status(status):
    audiensi = audiensi_in(status)
    assert services.allowed_actions(audiensi) == {a for a, s in ALLOWED if s == status}
