"""Every (action, status) pair of the sarasehan and registration status tables: allowed moves land on the
stated status, forbidden ones raise and write nothing (row, updated_at, timeline, outbox, audit log)."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.kasus.models import OutboxEmail, Riwayat
from sarasehan import services
from sarasehan.models import PendaftaranSarasehan, Sarasehan
from tests.factories import open_kasus, staff
from tests.transitions import allowed_and_forbidden, refused, sources, stated

from .factories import move, on_the_day, register, sarasehan

pytestmark = pytest.mark.django_db

S = Sarasehan.Status
R = PendaftaranSarasehan.Status

# The expected tables, written out: action -> {status it may start from: status it leads to}.
EXPECTED: dict[str, dict[str, str]] = {
    "publish": {S.DRAF: S.TERBIT},
    "change": {S.DRAF: S.DRAF, S.TERBIT: S.TERBIT},
    "change_capacity": {S.DRAF: S.DRAF, S.TERBIT: S.TERBIT},
    "cancel": {S.DRAF: S.DIBATALKAN, S.TERBIT: S.DIBATALKAN},
    "agenda": {S.DRAF: S.DRAF, S.TERBIT: S.TERBIT},
    "walk_in": {S.TERBIT: S.TERBIT},
    "record_point": {S.TERBIT: S.TERBIT},
    "publish_notulen": {S.TERBIT: S.TERBIT},
    "remind": {S.TERBIT: S.TERBIT},
}
REGISTRATION_EXPECTED: dict[str, dict[str, str]] = {
    "confirm": {R.MENUNGGU_KONFIRMASI: R.TERDAFTAR},
    "cancel": {R.MENUNGGU_KONFIRMASI: R.DIBATALKAN, R.TERDAFTAR: R.DIBATALKAN, R.MENUNGGU: R.DIBATALKAN},
    "check_in": {R.TERDAFTAR: R.TERDAFTAR},
    "walk_in": {R.MENUNGGU_KONFIRMASI: R.LANGSUNG},
}
# Promotion is no action of its own: a freed or added seat goes to the first registration waiting.
PROMOTE = {R.MENUNGGU: R.TERDAFTAR}
# Work that skips what it may not move instead of raising: the portal's reminders, and a confirmation
# link pressed again.
PERIODIC = {"remind"}
IDEMPOTENT = {"confirm"}


def today() -> Sarasehan:
    """A published sarasehan on the day: the door and registration open."""
    s = on_the_day(sarasehan())
    return move(s, registration_closes_at=s.starts_at)


def sarasehan_in(status: str) -> Sarasehan:
    """Today's sarasehan, put in `status` directly: the table, not the path there, is under test."""
    s = today()
    Sarasehan.objects.filter(pk=s.pk).update(status=status)
    s.refresh_from_db()
    return s


ACTIONS: dict[str, Callable[[Sarasehan], Any]] = {
    "publish": lambda s: services.sarasehan_publish(sarasehan_id=s.pk, actor=None),
    "change": lambda s: services.sarasehan_update(sarasehan_id=s.pk, actor=None, venue="Balai Desa"),
    "change_capacity": lambda s: services.sarasehan_change_capacity(sarasehan_id=s.pk, actor=None, capacity=20),
    "cancel": lambda s: services.sarasehan_cancel(sarasehan_id=s.pk, actor=None, reason="Banjir"),
    "agenda": lambda s: services.agenda_add_cases(sarasehan_id=s.pk, actor=None, kasus_ids=[s.case_id]),
    "walk_in": lambda s: services.pendaftaran_walk_in(sarasehan_id=s.pk, actor=None, name="Pak Darmo"),
    "record_point": lambda s: services.poin_record(
        sarasehan_id=s.pk, actor=staff("protokol"), content="Jalan desa rusak.", speaker_name="Bu Sri"
    ),
    "publish_notulen": lambda s: services.notulen_publish(
        sarasehan_id=s.pk, actor=None, notulen="Tiga persoalan dibahas."
    ),
    "remind": lambda s: services.sarasehan_send_reminder(sarasehan_id=s.pk, actor=None),
}


def started(s: Sarasehan) -> None:
    """Notulen follow the start: move it to the past hour."""
    now = timezone.now()
    Sarasehan.objects.filter(pk=s.pk).update(starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=2))


def with_a_case(s: Sarasehan) -> None:
    s.case_id = open_kasus().pk


SETUP: dict[str, Callable[[Sarasehan], None]] = {"publish_notulen": started, "agenda": with_a_case}


def prepared(action: str, status: str) -> Sarasehan:
    s = sarasehan_in(status)
    SETUP.get(action, lambda s: None)(s)
    s.refresh_from_db()
    return s


ALLOWED, FORBIDDEN = allowed_and_forbidden(EXPECTED, S.values)


def counts() -> tuple[int, int, int]:
    return Riwayat.objects.count(), OutboxEmail.objects.count(), AuditEntry.objects.count()


def test_the_sarasehan_table_is_the_stated_one():
    assert set(ACTIONS) == set(EXPECTED) == set(services.ACTION_LABELS)
    assert sources(services.TRANSITIONS) == stated(EXPECTED)


@pytest.mark.parametrize("action,status", ALLOWED)
def test_it_makes_every_allowed_sarasehan_move(action, status):
    s = prepared(action, status)

    ACTIONS[action](s)

    s.refresh_from_db()
    assert s.status == EXPECTED[action][status]


@pytest.mark.parametrize("action,status", FORBIDDEN)
def test_it_refuses_every_forbidden_sarasehan_move_and_writes_nothing(action, status):
    s = prepared(action, status)
    row = Sarasehan.objects.filter(pk=s.pk).values().get()
    before = counts()

    if action in PERIODIC:
        assert ACTIONS[action](s) == 0
    else:
        with refused(services.TransitionNotAllowed, s.get_status_display(), services.ACTION_LABELS[action]):
            ACTIONS[action](s)

    assert counts() == before
    assert Sarasehan.objects.filter(pk=s.pk).values().get() == row


@pytest.mark.parametrize("status", S.values)
def test_it_lists_the_allowed_actions_of_each_sarasehan_status(status):
    assert services.allowed_actions(sarasehan_in(status)) == {a for a, s in ALLOWED if s == status}


# Registrations


def registration_in(status: str) -> PendaftaranSarasehan:
    """A guest's unconfirmed registration on the day, put in `status` directly (seat counts follow)."""
    s = today()
    reg = register(s, confirm=False)
    seat = {R.TERDAFTAR: 1}.get(status, 0)
    PendaftaranSarasehan.objects.filter(pk=reg.pk).update(status=status, hold_expires_at=None)
    Sarasehan.objects.filter(pk=s.pk).update(confirmed_count=seat)
    reg.refresh_from_db()
    return reg


def walk_in(reg: PendaftaranSarasehan) -> Any:
    return services.pendaftaran_walk_in(sarasehan_id=reg.sarasehan_id, actor=None, name=reg.name, email=reg.email)


REGISTRATION_ACTIONS: dict[str, Callable[[PendaftaranSarasehan], Any]] = {
    "confirm": lambda r: services.pendaftaran_confirm(pendaftaran_id=r.pk, actor=None),
    "cancel": lambda r: services.pendaftaran_cancel(pendaftaran_id=r.pk, actor=None),
    "check_in": lambda r: services.pendaftaran_check_in(sarasehan_id=r.sarasehan_id, code=r.code, actor=None),
    "walk_in": walk_in,
}

REGISTRATION_ALLOWED, REGISTRATION_FORBIDDEN = allowed_and_forbidden(REGISTRATION_EXPECTED, R.values)


def test_the_registration_table_is_the_stated_one():
    assert set(REGISTRATION_ACTIONS) == set(REGISTRATION_EXPECTED)
    assert set(services.REGISTRATION_TRANSITIONS) == set(services.REGISTRATION_ACTION_LABELS)
    assert sources(services.REGISTRATION_TRANSITIONS) == stated({**REGISTRATION_EXPECTED, "promote": PROMOTE})


def test_raising_the_capacity_promotes_the_waitlist_only():
    s = on_the_day(sarasehan(capacity=1))
    seated, waiting, unconfirmed = (*register(s, 2), register(s, prefix="baru", confirm=False))

    services.sarasehan_change_capacity(sarasehan_id=s.pk, actor=None, capacity=3)

    statuses = [r.status for r in PendaftaranSarasehan.objects.filter(pk__in=[seated.pk, waiting.pk, unconfirmed.pk])]
    assert sorted(statuses) == sorted([R.TERDAFTAR, R.TERDAFTAR, R.MENUNGGU_KONFIRMASI])


@pytest.mark.parametrize("action,status", REGISTRATION_ALLOWED)
def test_it_makes_every_allowed_registration_move(action, status):
    reg = registration_in(status)

    REGISTRATION_ACTIONS[action](reg)

    reg.refresh_from_db()
    assert reg.status == REGISTRATION_EXPECTED[action][status]
    if action in ("check_in", "walk_in"):
        assert reg.checked_in_at is not None


@pytest.mark.parametrize("action,status", REGISTRATION_FORBIDDEN)
def test_it_refuses_every_forbidden_registration_move_and_writes_nothing(action, status):
    reg = registration_in(status)
    rows = (
        PendaftaranSarasehan.objects.filter(pk=reg.pk).values().get(),
        Sarasehan.objects.filter(pk=reg.sarasehan_id).values("confirmed_count", "updated_at").get(),
    )
    before = counts()

    if action in IDEMPOTENT:
        REGISTRATION_ACTIONS[action](reg)
    elif action == "walk_in":
        # At the door a registered address is looked up by its code instead.
        with pytest.raises(services.AlreadyRegistered):
            walk_in(reg)
    else:
        with refused(
            services.TransitionNotAllowed, reg.get_status_display(), services.REGISTRATION_ACTION_LABELS[action]
        ):
            REGISTRATION_ACTIONS[action](reg)

    assert counts() == before
    assert PendaftaranSarasehan.objects.filter(pk=reg.pk).values().get() == rows[0]
    assert Sarasehan.objects.filter(pk=reg.sarasehan_id).values("confirmed_count", "updated_at").get() == rows[1]


@pytest.mark.parametrize("status", R.values)
def test_it_lists_the_allowed_actions_of_each_registration_status(status):
    reg = registration_in(status)
    expected = {a for a, s in REGISTRATION_ALLOWED if s == status} | ({"promote"} if status in PROMOTE else set())
    assert services.registration_allowed_actions(reg) == expected
