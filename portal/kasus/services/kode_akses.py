"""One-time codes that let the reporter of a confidential case in."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from ..models import (
    Kasus,
    KodeAkses,
)

if TYPE_CHECKING:
    pass

from ._base import KasusError
from .notifications import notify_reporter

KODE_AKSES_TTL = dt.timedelta(minutes=15)
KODE_AKSES_MAX_ATTEMPTS = 5
KODE_AKSES_PER_HOUR = 3


def _kode_hash(kasus_id: int, code: str) -> str:
    # Keyed by SECRET_KEY and bound to the case: a leaked table does not give the six digits away cheaply.
    return salted_hmac("portal.kasus.kode_akses", f"{kasus_id}:{code}", algorithm="sha256").hexdigest()


def kode_akses_send(*, kasus_id: int, now: dt.datetime | None = None) -> KodeAkses:
    """Email a fresh one-time code to the reporter of a confidential case; earlier codes stop counting."""
    now = now or timezone.now()
    with transaction.atomic():
        kasus = Kasus.objects.select_for_update().get(pk=kasus_id)
        if not kasus.is_confidential:
            raise KasusError(_("Kasus ini tidak memerlukan kode akses."))
        if not kasus.contact_email():
            raise KasusError(_("Kasus ini tidak mencatat alamat email pelapor, jadi kode tidak dapat dikirim."))
        recent = KodeAkses.objects.filter(kasus=kasus, created_at__gt=now - dt.timedelta(hours=1)).count()
        if recent >= KODE_AKSES_PER_HOUR:
            raise KasusError(
                _("Sudah ada %(n)s kode dalam satu jam terakhir. Pakai kode terbaru di email.") % {"n": recent}
            )
        code = f"{secrets.randbelow(10**6):06d}"
        row = KodeAkses.objects.create(
            kasus=kasus, code_hash=_kode_hash(kasus.pk, code), created_at=now, expires_at=now + KODE_AKSES_TTL
        )
        notify_reporter(
            kasus, template="kasus_kode_akses", context={"code": code, "minutes": KODE_AKSES_TTL.seconds // 60}
        )
    return row


def kode_akses_verify(*, kasus_id: int, code: str, now: dt.datetime | None = None) -> None:
    """Use the case's newest code once; a wrong try counts, and the last allowed wrong try voids the code."""
    now = now or timezone.now()
    with transaction.atomic():
        row = KodeAkses.objects.select_for_update().filter(kasus_id=kasus_id).order_by("-created_at", "-pk").first()
        if row is None or row.used_at or row.expires_at <= now or row.attempts >= KODE_AKSES_MAX_ATTEMPTS:
            raise KasusError(_("Kode tidak berlaku lagi. Minta kode baru."))
        matched = constant_time_compare(row.code_hash, _kode_hash(kasus_id, code.strip()))
        if matched:
            row.used_at = now
            row.save(update_fields=["used_at"])
        else:
            row.attempts += 1
            row.save(update_fields=["attempts"])
    # Raised after the commit: the counted attempt must not roll back with the error.
    if not matched:
        left = KODE_AKSES_MAX_ATTEMPTS - row.attempts
        if left <= 0:
            raise KasusError(_("Kode salah. Kode ini tidak berlaku lagi; minta kode baru."))
        raise KasusError(_("Kode salah. Sisa percobaan: %(n)s.") % {"n": left})
