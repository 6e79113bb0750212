"""The resident's own changes, before the cutoff."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.akun.models import User
from portal.kasus.kinds import moment

from ..models import Audiensi
from ._base import CUTOFF, AudiensiError, _lock, _notify, _notify_cancelled, _transition
from .slots import _move_to_slot

# The resident's own changes -------------------------------------------------------------------


def _before_cutoff(audiensi: Audiensi, now: dt.datetime) -> None:
    if audiensi.starts_at - CUTOFF <= now:
        raise AudiensiError(
            _("Perubahan hanya dapat dilakukan paling lambat 24 jam sebelum audiensi. Hubungi protokol.")
        )


@transaction.atomic
def audiensi_cancel(
    *, audiensi_id: int, actor: User | None, reason: str = "", now: dt.datetime | None = None
) -> Audiensi:
    now = now or timezone.now()
    audiensi = _lock(audiensi_id, "cancel")
    _before_cutoff(audiensi, now)
    message = _transition(
        audiensi,
        "cancel",
        actor=actor,
        kind="audiensi.cancelled",
        params={"when": moment(audiensi.starts_at), "reason": reason.strip()},
        changes={"expires_at": None},
        by_reporter=True,
        data={"reason": reason.strip()},
    )
    _notify_cancelled(audiensi, message)
    return audiensi


@transaction.atomic
def audiensi_reschedule(
    *, audiensi_id: int, actor: User | None, start: dt.datetime, reason: str = "", now: dt.datetime | None = None
) -> Audiensi:
    """The resident moves the request to another free slot of the same pejabat; protokol decides again."""
    now = now or timezone.now()
    audiensi = _lock(audiensi_id, "reschedule")
    _before_cutoff(audiensi, now)
    message = _move_to_slot(
        audiensi,
        "reschedule",
        actor=actor,
        kind="audiensi.reschedule_requested",
        start=start,
        reason=reason,
        now=now,
        by_reporter=True,
    )
    _notify(audiensi, "changed", message=message, links=("batal", "jadwal-ulang"))
    return audiensi
