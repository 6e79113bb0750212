"""Periodic work: pending requests expire, reminders go out."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from portal.akun.models import User

from ..models import (
    Audiensi,
    Status,
)
from ._base import INTERNAL, TRANSITIONS, TransitionNotAllowed, _lock, _notify, _notify_cancelled, _transition

# Periodic -------------------------------------------------------------------------------------


def audiensi_expire_pending(*, actor: User | None, now: dt.datetime | None = None) -> int:
    """Release the slots of requests protokol did not decide in time. Idempotent."""
    now = now or timezone.now()
    count = 0
    ids = Audiensi.objects.filter(status__in=TRANSITIONS["expire"][0], expires_at__lte=now).values_list("pk", flat=True)
    for audiensi_id in list(ids):
        with transaction.atomic():
            try:
                audiensi = _lock(audiensi_id, "expire")
            except TransitionNotAllowed:
                continue  # decided meanwhile
            if audiensi.expires_at is None or audiensi.expires_at > now:
                continue
            message = _transition(audiensi, "expire", actor=actor, kind="audiensi.expired")
            _notify_cancelled(audiensi, message)
            count += 1
    return count


def audiensi_send_reminders(*, actor: User | None, now: dt.datetime | None = None) -> int:
    """Remind residents of confirmed audiensi tomorrow, once each."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    end = start + dt.timedelta(days=1)
    ids = Audiensi.objects.filter(
        status=Status.DIKONFIRMASI, reminder_sent_at__isnull=True, starts_at__gte=start, starts_at__lt=end
    ).values_list("pk", flat=True)
    count = 0
    for audiensi_id in list(ids):
        with transaction.atomic():
            try:
                audiensi = _lock(audiensi_id, "remind")
            except TransitionNotAllowed:
                continue  # cancelled meanwhile
            if audiensi.reminder_sent_at is not None:
                continue
            _transition(
                audiensi,
                "remind",
                actor=actor,
                kind="audiensi.reminded",
                changes={"reminder_sent_at": now},
                visibility=INTERNAL,
            )
            _notify(audiensi, "reminder")
            count += 1
    return count
