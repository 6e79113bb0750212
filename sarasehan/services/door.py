"""At the door: check-in and walk-ins, on the day only."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.akun.models import User
from portal.kasus.services import (
    kasus_confirm,
    required_text,
)
from portal.wilayah.models import Wilayah

from .. import selectors
from ..models import PendaftaranSarasehan, Sarasehan
from ._base import (
    REGISTRATION_TRANSITIONS,
    AlreadyRegistered,
    Reg,
    SarasehanError,
    _check_registration,
    _lock,
    _lock_cases,
    _registration_transition,
)
from .registration import _promote_next, _refuse_outside, _release_expired_holds

# At the door


def _check_door(sarasehan: Sarasehan, now: dt.datetime) -> None:
    """Door actions happen on the day, from SARASEHAN_DOOR_OPENS_MINUTES before the start."""
    _refuse_outside(
        sarasehan.door_state(now),
        sarasehan.door_opens_at,
        not_yet=_("Check-in belum dibuka. Check-in dibuka pada %(when)s."),
        closed=_("Hari sarasehan sudah lewat; check-in dan pencatatan di tempat sudah ditutup."),
    )


def _check_in_hint(reg: PendaftaranSarasehan) -> str:
    """What the door staff can do for someone without a seat."""
    if reg.status == Reg.MENUNGGU_KONFIRMASI:
        return _(
            "%(name)s tidak mengonfirmasi pendaftaran lewat email dan tidak mendapat kursi. "
            "Daftarkan sebagai peserta langsung bila ada tempat."
        ) % {"name": reg.name}
    if reg.status == Reg.MENUNGGU:
        return _(
            "%(name)s masih di daftar tunggu dan belum mendapat kursi. "
            "Daftarkan sebagai peserta langsung bila ada tempat."
        ) % {"name": reg.name}
    return ""


@transaction.atomic
def pendaftaran_check_in(
    *, sarasehan_id: int, code: str, actor: User | None, now: dt.datetime | None = None
) -> PendaftaranSarasehan:
    """Mark a registrant present from the code typed or scanned at the door."""
    now = now or timezone.now()
    _check_door(Sarasehan.objects.get(pk=sarasehan_id), now)
    code = selectors.code_from_input(code)
    if not code:
        raise SarasehanError(_("Masukkan kode pendaftaran."))
    _lock_cases(*PendaftaranSarasehan.objects.filter(code=code).values_list("kasus_id", flat=True))
    reg = (
        PendaftaranSarasehan.objects.select_for_update(of=("self",))
        .select_related("sarasehan")
        .filter(code=code)
        .first()
    )
    if reg is None:
        raise SarasehanError(_("Kode %(code)s tidak dikenal.") % {"code": code})
    if reg.sarasehan_id != sarasehan_id:
        raise SarasehanError(
            _("Kode %(code)s terdaftar untuk sarasehan lain (%(title)s), bukan sarasehan ini.")
            % {"code": code, "title": reg.sarasehan.title}
        )
    if reg.checked_in_at is not None:
        raise SarasehanError(
            _("%(name)s sudah tercatat hadir pada pukul %(time)s.")
            % {"name": reg.name, "time": timezone.localtime(reg.checked_in_at).strftime("%H:%M")}
        )
    _check_registration(reg, "check_in", hint=_check_in_hint(reg))
    _registration_transition(reg, "check_in", changes={"checked_in_at": now, "checked_in_by": actor})
    if reg.kasus_id:
        # Coming to the door proves who they are: a guest's case enters the queue.
        kasus_confirm(kasus_id=reg.kasus_id, actor=actor)
    return reg


@transaction.atomic
def pendaftaran_walk_in(
    *,
    sarasehan_id: int,
    actor: User | None,
    name: str,
    phone: str = "",
    desa: Wilayah | None = None,
    email: str = "",
    now: dt.datetime | None = None,
) -> PendaftaranSarasehan:
    """Someone who did not register comes in. Walk-ins attend without taking an online seat."""
    required_text(name, _("Nama peserta wajib diisi."), error=SarasehanError)
    if email.strip():
        _lock_cases(
            *PendaftaranSarasehan.objects.filter(sarasehan_id=sarasehan_id, email=email.strip().lower()).values_list(
                "kasus_id", flat=True
            )
        )
    sarasehan = _lock(sarasehan_id, "walk_in")
    now = now or timezone.now()
    _check_door(sarasehan, now)
    email = email.strip().lower()
    existing = (
        PendaftaranSarasehan.objects.select_for_update().filter(sarasehan=sarasehan, email=email).first()
        if email
        else None
    )
    if existing is not None and existing.status in REGISTRATION_TRANSITIONS["walk_in"][0]:
        return _unconfirmed_walks_in(sarasehan, existing, actor=actor, now=now)
    if existing is not None:
        raise AlreadyRegistered(
            _("Email %(email)s sudah terdaftar; cari kodenya dan catat kehadirannya.") % {"email": email}
        )
    return PendaftaranSarasehan.objects.create(
        sarasehan=sarasehan,
        name=name.strip(),
        email=email,
        phone=phone.strip(),
        desa=desa,
        status=Reg.LANGSUNG,
        checked_in_at=now,
        checked_in_by=actor,
        created_at=now,
    )


def _unconfirmed_walks_in(
    sarasehan: Sarasehan, reg: PendaftaranSarasehan, *, actor: User | None, now: dt.datetime
) -> PendaftaranSarasehan:
    """A guest who never confirmed their email comes to the door: their registration becomes the walk-in.

    A seat still held goes back (walk-ins take no online seat); coming in person admits their topic's case.
    """
    _release_expired_holds(sarasehan, now)
    reg.refresh_from_db(fields=["hold_expires_at"])
    held = reg.hold_expires_at is not None
    _registration_transition(
        reg, "walk_in", changes={"hold_expires_at": None, "checked_in_at": now, "checked_in_by": actor}
    )
    if held and _promote_next(sarasehan) is None:
        Sarasehan.objects.filter(pk=sarasehan.pk).update(confirmed_count=F("confirmed_count") - 1)
    if reg.kasus_id:
        kasus_confirm(kasus_id=reg.kasus_id, actor=actor)
    return reg
