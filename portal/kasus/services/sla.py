"""The periodic SLA sweep: escalate late cases, close answered ones whose dispute window passed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.akun import roles

from ..calendar import add_working_days
from ..kinds import riwayat_text_lazy
from ..models import (
    Kasus,
    Status,
    late_q,
)

if TYPE_CHECKING:
    pass

from ._base import KasusError, Visibility, _lock, kasus_log, sla_days
from .notifications import _notify_staff, _opd_recipients
from .transitions import kasus_autoclose

MAX_ESCALATION_LEVEL = 2


def _escalation_q(now: dt.datetime) -> Q:
    """Late cases due for their next escalation step: the first when late, the next when its time came."""
    return late_q(now) & (
        Q(escalation_level=0) | Q(escalation_level__lt=MAX_ESCALATION_LEVEL, next_escalation_at__lt=now)
    )


@transaction.atomic
def _escalate(kasus_id: int, now: dt.datetime) -> bool:
    """Escalate one late case by one level: petugas and the OPD first, then pimpinan too.

    The promised deadline (due_at) stays where it is, so the case stays late everywhere until answered;
    the escalation keeps its own clock in next_escalation_at.
    """
    kasus = _lock(kasus_id)
    if not Kasus.objects.filter(_escalation_q(now), pk=kasus_id).exists():
        return False  # answered, paused or escalated by a concurrent sweep since the candidates were read
    kasus.escalation_level += 1
    kasus.escalated_at = now
    if kasus.escalation_level < MAX_ESCALATION_LEVEL:
        # If the case is still late this many working days later, the next level is told.
        kasus.next_escalation_at = add_working_days(now, sla_days("escalate_after_days"))
        staff_roles = [roles.PETUGAS]
    else:
        kasus.next_escalation_at = None
        staff_roles = [roles.PETUGAS, roles.PIMPINAN]
    kasus.save(update_fields=["escalation_level", "escalated_at", "next_escalation_at", "updated_at"])
    entry = kasus_log(
        kasus=kasus,
        kind="kasus.overdue",
        visibility=Visibility.INTERNAL,
        actor=None,  # the portal's own sweep
        params={"level": kasus.escalation_level},
        data={"level": kasus.escalation_level},
    )
    message = riwayat_text_lazy(entry)
    recipients = roles.role_recipients(*staff_roles)
    if kasus.opd is not None:
        recipients.update(_opd_recipients(kasus.opd))
    _notify_staff(kasus, recipients, template="kasus_overdue", context={"message": message, "opd": kasus.opd})
    return True


def kasus_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Escalate each late case one step per sweep, each step once. Idempotent; returns how many moved."""
    now = now or timezone.now()
    candidates = list(Kasus.objects.filter(_escalation_q(now)).values_list("pk", flat=True))
    return sum(_escalate(kasus_id, now) for kasus_id in candidates)


def kasus_autoclose_answered(*, now: dt.datetime | None = None) -> int:
    """Close answered cases whose dispute window has passed. Idempotent; returns how many closed."""
    now = now or timezone.now()
    closed = 0
    for kasus_id in list(Kasus.objects.filter(status=Status.DIJAWAB, due_at__lt=now).values_list("pk", flat=True)):
        try:
            kasus_autoclose(kasus_id=kasus_id, now=now)
        except KasusError:
            continue  # disputed or re-answered since the query
        closed += 1
    return closed
