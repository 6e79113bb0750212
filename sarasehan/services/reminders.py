"""The reminder one day before, with an .ics."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from portal.akun.models import User
from portal.kasus.outbox import Attachment

from .. import ics
from ..models import PendaftaranSarasehan, Sarasehan
from ._base import TRANSITIONS, Reg, _email, _lock, _qr_attachment

# Reminders


@transaction.atomic
def sarasehan_send_reminder(*, sarasehan_id: int, actor: User | None, now: dt.datetime | None = None) -> int:
    """Email seated registrants one day before, with an .ics. Sent once per sarasehan (and again if moved)."""
    now = now or timezone.now()
    sarasehan = _lock(sarasehan_id)
    if (
        sarasehan.status not in TRANSITIONS["remind"][0]
        or sarasehan.reminder_sent_at is not None
        or not (now < sarasehan.starts_at <= now + dt.timedelta(days=1))
    ):
        return 0
    sarasehan.reminder_sent_at = now
    sarasehan.save(update_fields=["reminder_sent_at"])
    calendar = Attachment(filename="sarasehan.ics", content=ics.calendar_file(sarasehan), mimetype="text/calendar")
    sent = 0
    regs = PendaftaranSarasehan.objects.filter(sarasehan=sarasehan, status=Reg.TERDAFTAR).exclude(email="")
    for reg in regs:
        reg.sarasehan = sarasehan
        _email(reg, "sarasehan_reminder", attachments=[calendar, _qr_attachment(sarasehan, reg.code)])
        sent += 1
    return sent


def reminders_due(*, now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Sarasehan.objects.published()
        .filter(reminder_sent_at__isnull=True, starts_at__gt=now, starts_at__lte=now + dt.timedelta(days=1))
        .values_list("pk", flat=True)
    )
