"""Errors, the transition table, the row lock and kasus_log: what every case service builds on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..kinds import registered_kinds
from ..models import (
    OPEN_STATUSES,
    Kasus,
    Riwayat,
    Status,
)
from ..statemachine import allowed_in, allows

if TYPE_CHECKING:
    from portal.akun.models import User


Visibility = Riwayat.Visibility


class KasusError(Exception):
    """A rule of the case record refused the change; the message is translated and safe to show."""


class TransitionNotAllowed(KasusError):
    pass


def sla_days(name: str) -> int:
    days: int = settings.PORTAL_SLA[name]
    return days


# Which statuses each action may start from, and where it leads (None: back where it paused).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "verify": (frozenset({Status.BARU}), Status.DIVERIFIKASI),
    "reject": (frozenset({Status.BARU}), Status.DITOLAK),
    "request_info": (frozenset({Status.BARU, Status.DIVERIFIKASI}), Status.MENUNGGU_INFORMASI),
    "info_received": (frozenset({Status.MENUNGGU_INFORMASI}), None),
    "dispose": (
        frozenset({Status.DIVERIFIKASI, Status.DIDISPOSISIKAN, Status.DITINDAKLANJUTI, Status.DIBUKA_KEMBALI}),
        Status.DIDISPOSISIKAN,
    ),
    "start": (frozenset({Status.DIDISPOSISIKAN, Status.DIBUKA_KEMBALI}), Status.DITINDAKLANJUTI),
    "answer": (frozenset({Status.DITINDAKLANJUTI}), Status.DIJAWAB),
    "accept": (frozenset({Status.DIJAWAB}), Status.DITUTUP),
    "autoclose": (frozenset({Status.DIJAWAB}), Status.DITUTUP),
    "dispute": (frozenset({Status.DIJAWAB}), Status.DIBUKA_KEMBALI),
    "merge": (OPEN_STATUSES, Status.DIGABUNG),
}

# The usual road from a new case to each status it can be walked to alone (a merge needs a second case):
# demo data, the bulk seeder and the test factories all walk this one.
WALKS: dict[str, tuple[str, ...]] = {
    Status.BARU: (),
    Status.DIVERIFIKASI: ("verify",),
    Status.DITOLAK: ("reject",),
    Status.MENUNGGU_INFORMASI: ("request_info",),
    Status.DIDISPOSISIKAN: ("verify", "dispose"),
    Status.DITINDAKLANJUTI: ("verify", "dispose", "start"),
    Status.DIJAWAB: ("verify", "dispose", "start", "answer"),
    Status.DITUTUP: ("verify", "dispose", "start", "answer", "accept"),
    Status.DIBUKA_KEMBALI: ("verify", "dispose", "start", "answer", "dispute"),
}

ACTION_LABELS = {
    "verify": gettext_lazy("memverifikasi"),
    "reject": gettext_lazy("menolak"),
    "request_info": gettext_lazy("meminta informasi tambahan"),
    "info_received": gettext_lazy("menerima informasi tambahan"),
    "dispose": gettext_lazy("mendisposisikan"),
    "start": gettext_lazy("memulai tindak lanjut"),
    "answer": gettext_lazy("menjawab"),
    "accept": gettext_lazy("menerima jawaban"),
    "autoclose": gettext_lazy("menutup otomatis"),
    "dispute": gettext_lazy("menyanggah jawaban"),
    "merge": gettext_lazy("menggabungkan"),
}


def allowed_actions(kasus: Kasus) -> set[str]:
    return allowed_in(TRANSITIONS, kasus.status)


def _check(kasus: Kasus, action: str) -> str | None:
    if not allows(TRANSITIONS, action, kasus.status):
        raise TransitionNotAllowed(
            _("Kasus %(ref)s berstatus %(status)s, sehingga tidak dapat %(action)s.")
            % {"ref": kasus.reference, "status": kasus.get_status_display(), "action": ACTION_LABELS[action]}
        )
    return TRANSITIONS[action][1]


def required_text(text: str, refusal: str, *, error: type[KasusError] = KasusError) -> str:
    """The text without surrounding blanks; refused with `error` (the app's KasusError) saying `refusal` if empty."""
    text = text.strip()
    if not text:
        raise error(refusal)
    return text


def _lock(kasus_id: int) -> Kasus:
    return Kasus.objects.select_for_update().get(pk=kasus_id)


def _user_or_none(actor: User | None) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


# ReferenceSequence's table; PostgreSQL and SQLite both read this statement.
_TAKE_NUMBER = (
    'INSERT INTO kasus_referencesequence (year, "last") VALUES (%s, 1) '
    'ON CONFLICT (year) DO UPDATE SET "last" = kasus_referencesequence."last" + 1 RETURNING "last"'
)


def _next_reference(year: int) -> str:
    """Take the year's next number in one statement (it was three: create the row, lock it, save it).

    The row stays locked until the caller's transaction ends, so numbers are consecutive and never reused even
    when cases are opened at the same moment: the first cases of a year wait on the one inserting its row.
    """
    with connection.cursor() as cursor:
        cursor.execute(_TAKE_NUMBER, [year])
        number = cursor.fetchone()[0]
    return f"KSS-{year}-{number:06d}"


def riwayat_fields(
    *,
    kind: str,
    visibility: str,
    message: str | Promise = "",
    actor: User | None,
    data: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    by_reporter: bool = False,
) -> dict[str, Any]:
    """The checked fields of one timeline entry: what kasus_log saves, and what the bulk seeder inserts.

    Refuses a kind no app registered (kinds.py, the apps' `kinds.KINDS`) and an unknown visibility.
    """
    if "." not in kind:
        raise ValueError("riwayat kind must be namespaced, like 'kasus.disposed'")
    if kind not in registered_kinds():
        raise ValueError(f"unregistered riwayat kind {kind!r}: register it in the app's kinds.py")
    if visibility not in Visibility.values:
        raise ValueError(f"unknown visibility {visibility!r}")
    if isinstance(message, Promise):
        with translation.override(settings.LANGUAGE_CODE):
            message = str(message)
    return {
        "kind": kind,
        "visibility": visibility,
        "message": message,
        "params": params,
        "by_reporter": by_reporter,
        "actor": _user_or_none(actor),
        "data": data or {},
    }


def kasus_log(
    *,
    kasus: Kasus,
    kind: str,
    visibility: str,
    message: str | Promise = "",
    actor: User | None,
    data: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    by_reporter: bool = False,
) -> Riwayat:
    """Append one entry to the case timeline. The only way a Riwayat is written.

    `params` fill the kind's template (kinds.py) when the entry is read; `message` holds only what a
    person wrote. A lazy `message` without params is stored in the portal's language, as before templates.
    `by_reporter`: the action was taken through the reporter's capabilities, whoever is signed in.
    """
    fields = riwayat_fields(
        kind=kind,
        visibility=visibility,
        message=message,
        actor=actor,
        data=data,
        params=params,
        by_reporter=by_reporter,
    )
    return Riwayat.objects.create(kasus=kasus, **fields)
