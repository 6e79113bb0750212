"""Sarasehan test data, made through the services where a rule is involved."""

import datetime as dt
import re

from django.utils import timezone

from sarasehan import selectors, services
from sarasehan.models import Sarasehan
from tests.factories import kecamatan, staff


def sarasehan(
    *, capacity: int = 10, publish: bool = True, starts_in: dt.timedelta | None = None, **kwargs
) -> Sarasehan:
    """A sarasehan whose registration is open now (unless times are given)."""
    now = timezone.now()
    starts_at = now + (starts_in if starts_in is not None else dt.timedelta(days=7))
    defaults = {
        "title": "Sarasehan Infrastruktur Desa",
        "theme": "Jalan dan jembatan desa",
        "venue": "Pendapa Kecamatan",
        "kecamatan": kecamatan(),
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=3),
        "capacity": capacity,
        "registration_opens_at": now - dt.timedelta(days=1),
        "registration_closes_at": starts_at - dt.timedelta(hours=1),
    }
    defaults.update(kwargs)
    actor = defaults.pop("actor", None) or staff("protokol")
    obj = services.sarasehan_create(actor=actor, **defaults)
    if publish:
        services.sarasehan_publish(sarasehan_id=obj.pk, actor=actor)
        obj.refresh_from_db()
    return obj


def register(s: Sarasehan, n: int = 1, *, prefix: str = "tamu", confirm: bool = True, **kwargs):
    """Guests registering, each confirming through the emailed link (unless confirm=False)."""
    regs = []
    for i in range(n):
        reg = services.pendaftaran_create(
            sarasehan_id=s.pk, name=f"Tamu {prefix} {i}", email=f"{prefix}{i}@example.org", **kwargs
        )
        regs.append(services.pendaftaran_confirm(pendaftaran_id=reg.pk, actor=None) if confirm else reg)
    return regs[0] if n == 1 else regs


def move(s: Sarasehan, **fields) -> Sarasehan:
    """Shift a sarasehan's times directly (tests of windows and the past)."""
    Sarasehan.objects.filter(pk=s.pk).update(**fields)
    s.refresh_from_db()
    return s


def on_the_day(s: Sarasehan) -> Sarasehan:
    """Bring a sarasehan to today, starting in half an hour: the door is open."""
    now = timezone.now()
    return move(s, starts_at=now + dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=3))


def emailed_registration(body: str):
    """The registration behind the signed link in an email body (tokens carry the second they were signed)."""
    token = re.search(r"/sarasehan/pendaftaran/([^/\s]+)/", body).group(1)
    return selectors.registration_from_token(token)
