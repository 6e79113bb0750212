"""Every (action, from-status) pair of the status table: allowed moves land right, forbidden ones write nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.kasus import services
from portal.kasus.models import Kasus, OutboxEmail, Riwayat, Status
from portal.kasus.services import TRANSITIONS
from tests.factories import OpdFactory, UserFactory, kasus_at, open_kasus
from tests.transitions import refused, sources


def case_in(status: str) -> Kasus:
    if status == Status.DIGABUNG:
        kasus = open_kasus(reporter=UserFactory())
        services.kasus_merge(kasus_id=kasus.pk, into_id=open_kasus().pk, actor=None)
        kasus.refresh_from_db()
        return kasus
    return kasus_at(status, reporter=UserFactory())


def a_month_later() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=60)


# action -> (call, Riwayat kind, Riwayat visibility)
ACTIONS = {
    "verify": (lambda k: services.kasus_verify(kasus_id=k.pk, actor=None), "kasus.verified", "publik"),
    "reject": (
        lambda k: services.kasus_reject(kasus_id=k.pk, actor=None, reason="Bukan kewenangan daerah."),
        "kasus.rejected",
        "publik",
    ),
    "request_info": (
        lambda k: services.kasus_request_info(kasus_id=k.pk, actor=None, question="Di mana persisnya?"),
        "kasus.info_requested",
        "pelapor",
    ),
    "info_received": (
        lambda k: services.kasus_info_received(kasus_id=k.pk, actor=None, message="Depan SD 1."),
        "kasus.info_received",
        "pelapor",
    ),
    "dispose": (
        lambda k: services.kasus_dispose(kasus_id=k.pk, actor=None, opd=OpdFactory()),
        "kasus.disposed",
        "publik",
    ),
    "start": (lambda k: services.kasus_start(kasus_id=k.pk, actor=None), "kasus.started", "publik"),
    "answer": (
        lambda k: services.kasus_answer(kasus_id=k.pk, actor=None, answer="Sudah ditambal."),
        "kasus.answered",
        "publik",
    ),
    "accept": (lambda k: services.kasus_accept(kasus_id=k.pk, actor=None, rating=4), "kasus.accepted", "publik"),
    "autoclose": (
        lambda k: services.kasus_autoclose(kasus_id=k.pk, now=a_month_later()),
        "kasus.autoclosed",
        "publik",
    ),
    "dispute": (
        lambda k: services.kasus_dispute(kasus_id=k.pk, actor=None, reason="Belum ditambal."),
        "kasus.disputed",
        "publik",
    ),
    "merge": (
        lambda k: services.kasus_merge(kasus_id=k.pk, into_id=open_kasus().pk, actor=None),
        "kasus.merged",
        "publik",
    ),
}

# Every allowed move, written out: (action, from status, resulting status). Any pair not listed is forbidden.
# info_received returns to the status the case paused in; case_in() pauses a new case, so: baru.
MOVES = [
    ("verify", "baru", "diverifikasi"),
    ("reject", "baru", "ditolak"),
    ("request_info", "baru", "menunggu_informasi"),
    ("request_info", "diverifikasi", "menunggu_informasi"),
    ("info_received", "menunggu_informasi", "baru"),
    ("dispose", "diverifikasi", "didisposisikan"),
    ("dispose", "didisposisikan", "didisposisikan"),
    ("dispose", "ditindaklanjuti", "didisposisikan"),
    ("dispose", "dibuka_kembali", "didisposisikan"),
    ("start", "didisposisikan", "ditindaklanjuti"),
    ("start", "dibuka_kembali", "ditindaklanjuti"),
    ("answer", "ditindaklanjuti", "dijawab"),
    ("accept", "dijawab", "ditutup"),
    ("autoclose", "dijawab", "ditutup"),
    ("dispute", "dijawab", "dibuka_kembali"),
    ("merge", "baru", "digabung"),
    ("merge", "diverifikasi", "digabung"),
    ("merge", "menunggu_informasi", "digabung"),
    ("merge", "didisposisikan", "digabung"),
    ("merge", "ditindaklanjuti", "digabung"),
    ("merge", "dijawab", "digabung"),
    ("merge", "dibuka_kembali", "digabung"),
]
ALLOWED = [(action, status) for action, status, _to in MOVES]
FORBIDDEN = [(action, status) for action in ACTIONS for status in Status.values if (action, status) not in ALLOWED]


def test_it_covers_every_action_of_the_table():
    assert set(ACTIONS) == set(TRANSITIONS) == set(services.ACTION_LABELS)


def test_the_table_allows_exactly_the_listed_moves():
    assert sources(TRANSITIONS) == {action: {s for a, s in ALLOWED if a == action} for action in ACTIONS}


@pytest.mark.django_db
@pytest.mark.parametrize("action,status,expected", MOVES)
def test_it_makes_every_allowed_move(action, status, expected):
    kasus = case_in(status)
    call, kind, visibility = ACTIONS[action]
    before = set(kasus.riwayat.values_list("pk", flat=True))

    call(kasus)

    kasus.refresh_from_db()
    assert kasus.status == expected
    new = list(kasus.riwayat.exclude(pk__in=before))
    assert [(r.kind, r.visibility) for r in new] == [(kind, visibility)]
    assert new[0].data["from"] == status and new[0].data["to"] == expected
    if expected in (Status.DITUTUP, Status.DITOLAK, Status.DIGABUNG):
        assert kasus.closed_at is not None and kasus.due_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("action,status", FORBIDDEN)
def test_it_refuses_every_forbidden_move_and_writes_nothing(action, status):
    kasus = case_in(status)
    call, _kind, _visibility = ACTIONS[action]
    if action == "merge":
        target = open_kasus()
        call = lambda k: services.kasus_merge(kasus_id=k.pk, into_id=target.pk, actor=None)  # noqa: E731
    counts = (Riwayat.objects.count(), OutboxEmail.objects.count(), Kasus.objects.count())
    updated_at = kasus.updated_at

    with refused(
        services.TransitionNotAllowed, kasus.reference, kasus.get_status_display(), services.ACTION_LABELS[action]
    ):
        call(kasus)

    assert (Riwayat.objects.count(), OutboxEmail.objects.count(), Kasus.objects.count()) == counts
    kasus.refresh_from_db()
    assert kasus.status == status and kasus.updated_at == updated_at


@pytest.mark.django_db
@pytest.mark.parametrize("status", Status.values)
def test_it_lists_the_allowed_actions_of_each_status(status):
    kasus = case_in(status)
    assert services.allowed_actions(kasus) == {a for a, s in ALLOWED if s == status}
