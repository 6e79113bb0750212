"""Registrations: register, confirm, cancel, seat holds and the waitlist's promotion."""

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.akun.models import User
from portal.akun.roles import is_staff_member
from portal.akun.selectors import email_verified
from portal.audit.services import audit_record
from portal.kasus.models import Channel, Kasus, Riwayat
from portal.kasus.outbox import Attachment
from portal.kasus.services import (
    kasus_confirm,
    kasus_log,
    kasus_open,
)
from portal.wilayah.models import Wilayah

from ..models import PendaftaranSarasehan, Sarasehan, new_code
from ._base import (
    REGISTRATION_CANCELLED,
    REGISTRATION_TRANSITIONS,
    AlreadyRegistered,
    Reg,
    SarasehanError,
    Status,
    _check_registration,
    _email,
    _lock,
    _lock_cases,
    _qr_attachment,
    _registration_transition,
)

# Registrations


def _take_seat(sarasehan: Sarasehan) -> bool:
    """Take one seat if one is free. The caller holds the sarasehan lock; the check constraint backs this."""
    return (
        Sarasehan.objects.filter(pk=sarasehan.pk, confirmed_count__lt=F("capacity")).update(
            confirmed_count=F("confirmed_count") + 1
        )
        == 1
    )


def _release_expired_holds(sarasehan: Sarasehan, now: dt.datetime) -> int:
    """Give back the seats of unconfirmed guests whose hold lapsed, to the waitlist first.

    The caller holds the sarasehan lock (read with the current confirmed_count).
    """
    lapsed = list(
        PendaftaranSarasehan.objects.select_for_update()
        .filter(sarasehan=sarasehan, status=Reg.MENUNGGU_KONFIRMASI, hold_expires_at__lte=now)
        .values_list("pk", flat=True)
    )
    if not lapsed:
        return 0
    PendaftaranSarasehan.objects.filter(pk__in=lapsed).update(hold_expires_at=None)
    Sarasehan.objects.filter(pk=sarasehan.pk).update(confirmed_count=F("confirmed_count") - len(lapsed))
    sarasehan.confirmed_count -= len(lapsed)
    _fill_free_seats(sarasehan)
    return len(lapsed)


def _refuse_outside(state: Sarasehan.Window, opens_at: dt.datetime, *, not_yet: str, closed: str) -> None:
    """Refuse before a window opens (`not_yet` says when it does, as `%(when)s`) and after it has closed."""
    if state == Sarasehan.Window.BELUM_DIBUKA:
        raise SarasehanError(not_yet % {"when": timezone.localtime(opens_at).strftime("%d-%m-%Y %H:%M")})
    if state == Sarasehan.Window.DITUTUP:
        raise SarasehanError(closed)


def _check_window(sarasehan: Sarasehan, now: dt.datetime) -> None:
    state = sarasehan.registration_state(now)
    _refuse_outside(
        state,
        sarasehan.registration_opens_at,
        not_yet=_("Pendaftaran belum dibuka. Pendaftaran dibuka pada %(when)s."),
        closed=_("Pendaftaran sarasehan ini sudah ditutup."),
    )
    if state != Sarasehan.Window.DIBUKA:
        raise SarasehanError(_("Sarasehan ini tidak menerima pendaftaran."))


def _topic_case(
    *,
    sarasehan: Sarasehan,
    user: User | None,
    name: str,
    email: str,
    phone: str,
    desa: Wilayah | None,
    topic: str,
    kasus_id: int | None,
) -> Kasus | None:
    """The case for the matter a registrant wants to raise: one of theirs, or a new one."""
    if kasus_id:
        kasus: Kasus | None = Kasus.objects.open().filter(pk=kasus_id, reporter=user).first() if user else None
        if kasus is None:
            raise SarasehanError(_("Kasus yang dipilih tidak ditemukan di antara kasus Anda yang masih berjalan."))
        kasus_log(
            kasus=kasus,
            kind="sarasehan.registered",
            visibility=Riwayat.Visibility.PUBLIK,
            params={"title": sarasehan.title, "own": True},
            by_reporter=True,
            actor=user,
            data={"sarasehan": sarasehan.pk, "topic": topic},
        )
        return kasus
    if not topic:
        return None
    # A guest's email is not proven yet: the case waits outside the queue until they confirm it.
    return kasus_open(
        title=topic[:200],
        summary=topic,
        channel=Channel.SARASEHAN,
        actor=user,
        reporter=user,
        reporter_name="" if user else name,
        reporter_email="" if user else email,
        reporter_phone="" if user else phone,
        reporter_language=translation.get_language() or settings.LANGUAGE_CODE,
        wilayah=desa or sarasehan.kecamatan,
        confirmed=user is not None,
        kind="sarasehan.registered",
        params={"title": sarasehan.title},
        by_reporter=True,
        data={"sarasehan": sarasehan.pk},
    )


@transaction.atomic
def _register(
    *,
    sarasehan_id: int,
    name: str,
    email: str,
    phone: str,
    desa: Wilayah | None,
    user: User | None,
    topic: str,
    kasus_id: int | None,
    language: str,
    code: str,
    qr: Attachment | None,
) -> PendaftaranSarasehan:
    # Over 60 lines because it is the whole registration write in one transaction: seat, row, case, email.
    # The lock orders registrations: created_at below is arrival order, and a cancellation
    # promoting from the waitlist waits for (and then sees) every registration before it.
    _lock_cases(kasus_id)
    sarasehan = _lock(sarasehan_id)
    now = timezone.now()
    _check_window(sarasehan, now)
    _release_expired_holds(sarasehan, now)
    # A duplicate email is refused by the unique constraint below (caught by the caller).
    seated = _take_seat(sarasehan)
    confirmed = qr is not None
    if confirmed:
        status, hold = (Reg.TERDAFTAR if seated else Reg.MENUNGGU), None
    else:
        # An unproven email holds a seat for a while, and never stands on the waitlist.
        status = Reg.MENUNGGU_KONFIRMASI
        hold = now + dt.timedelta(minutes=settings.SARASEHAN_HOLD_MINUTES) if seated else None
    reg = PendaftaranSarasehan.objects.create(
        sarasehan=sarasehan,
        user=user,
        name=name,
        email=email,
        phone=phone,
        desa=desa,
        language=language,
        status=status,
        hold_expires_at=hold,
        email_confirmed_at=now if confirmed else None,
        topic=topic,
        code=code,
        created_at=now,
    )
    kasus = _topic_case(
        sarasehan=sarasehan,
        user=user,
        name=name,
        email=email,
        phone=phone,
        desa=desa,
        topic=topic,
        kasus_id=kasus_id,
    )
    if kasus is not None:
        reg.kasus = kasus
        reg.save(update_fields=["kasus"])
    if confirmed:
        _email(reg, "sarasehan_registered", attachments=[qr] if seated and qr is not None else None)
    else:
        _email(reg, "sarasehan_confirm", {"hold_minutes": settings.SARASEHAN_HOLD_MINUTES})
    return reg


def _send_existing(email: str, sarasehan_id: int) -> None:
    """Someone typed an address that is already registered: tell that mailbox, not the person at the form."""
    reg = PendaftaranSarasehan.objects.select_related("sarasehan", "kasus").get(sarasehan_id=sarasehan_id, email=email)
    seated = reg.status == Reg.TERDAFTAR
    with transaction.atomic():
        _email(reg, "sarasehan_existing", attachments=[_qr_attachment(reg.sarasehan, reg.code)] if seated else None)


def pendaftaran_create(
    *,
    sarasehan_id: int,
    name: str,
    email: str,
    phone: str = "",
    desa: Wilayah | None = None,
    user: User | None = None,
    topic: str = "",
    kasus_id: int | None = None,
    language: str = "id",
) -> PendaftaranSarasehan:
    """Register for a sarasehan. One registration per email.

    A signed-in resident with a verified email gets a seat if one is free, else the waitlist. Anyone else
    is "menunggu konfirmasi": a free seat is held for SARASEHAN_HOLD_MINUTES and the emailed link confirms it.
    A guest typing an address already registered gets AlreadyRegistered, and the registration is emailed to
    that address.
    """
    user = user if getattr(user, "is_authenticated", False) else None
    email = (user.email if user else email).strip().lower()
    name = name.strip() or (user.full_name if user else "")
    if not name or not email:
        raise SarasehanError(_("Nama dan email wajib diisi."))
    confirmed = user is not None and email_verified(user)
    slug = Sarasehan.objects.values_list("slug", flat=True).get(pk=sarasehan_id)
    for _attempt in range(3):
        # The QR is drawn before the seat lock is taken, so the lock is held only for the writes.
        code = new_code()
        qr = _qr_attachment(Sarasehan(slug=slug), code) if confirmed else None
        try:
            return _register(
                sarasehan_id=sarasehan_id,
                name=name,
                email=email,
                phone=phone.strip(),
                desa=desa,
                user=user,
                topic=topic.strip(),
                kasus_id=kasus_id,
                language=language,
                code=code,
                qr=qr,
            )
        except IntegrityError:
            # The unique constraint caught a duplicate the check above could not see; else a code collision.
            if PendaftaranSarasehan.objects.filter(sarasehan_id=sarasehan_id, email=email).exists():
                if user is None:
                    _send_existing(email, sarasehan_id)
                raise AlreadyRegistered(
                    _(
                        "Email %(email)s sudah terdaftar untuk sarasehan ini. "
                        "Tautan untuk melihat atau membatalkannya ada di email konfirmasi."
                    )
                    % {"email": email}
                )
    raise SarasehanError(_("Pendaftaran tidak dapat disimpan. Silakan coba lagi."))


def _promote_next(sarasehan: Sarasehan) -> PendaftaranSarasehan | None:
    """Give a freed seat to the first person waiting. The caller holds the sarasehan lock."""
    nxt = (
        PendaftaranSarasehan.objects.select_for_update()
        .filter(sarasehan=sarasehan, status=Reg.MENUNGGU)
        .order_by("created_at", "pk")
        .first()
    )
    if nxt is None:
        return None
    _registration_transition(nxt, "promote", changes={"promoted_at": timezone.now()})
    nxt.sarasehan = sarasehan
    _email(nxt, "sarasehan_promoted", attachments=[_qr_attachment(sarasehan, nxt.code)])
    return nxt


def _fill_free_seats(sarasehan: Sarasehan) -> int:
    """After capacity grows: promote waiting people into the new seats, in order."""
    promoted = 0
    while sarasehan.confirmed_count < sarasehan.capacity:
        if _promote_next(sarasehan) is None:
            break
        sarasehan.confirmed_count += 1
        promoted += 1
    if promoted:
        Sarasehan.objects.filter(pk=sarasehan.pk).update(confirmed_count=F("confirmed_count") + promoted)
    return promoted


@transaction.atomic
def pendaftaran_cancel(*, pendaftaran_id: int, actor: User | AnonymousUser | None) -> PendaftaranSarasehan:
    """Cancel a registration (by its holder's link, or by staff). A freed seat goes to the first person
    waiting, who is emailed. Staff cancelling is audited: rows are never deleted, so the seat count holds."""
    sarasehan_id = PendaftaranSarasehan.objects.values_list("sarasehan_id", flat=True).get(pk=pendaftaran_id)
    sarasehan = _lock(sarasehan_id)
    _release_expired_holds(sarasehan, timezone.now())
    reg = PendaftaranSarasehan.objects.select_for_update().get(pk=pendaftaran_id)
    _check_registration(reg, "cancel")
    if reg.checked_in_at is not None:
        raise SarasehanError(_("Peserta sudah hadir; pendaftaran tidak dapat dibatalkan."))
    if sarasehan.is_past:
        raise SarasehanError(_("Sarasehan sudah selesai."))
    held_seat = reg.status == Reg.TERDAFTAR or reg.hold_expires_at is not None
    _registration_transition(reg, "cancel", changes={"hold_expires_at": None, "cancelled_at": timezone.now()})
    if held_seat and _promote_next(sarasehan) is None:
        Sarasehan.objects.filter(pk=sarasehan.pk).update(confirmed_count=F("confirmed_count") - 1)
    if isinstance(actor, User) and is_staff_member(actor):
        audit_record(actor=actor, action=REGISTRATION_CANCELLED, obj=reg, changes={"code": reg.code})
    return reg


@transaction.atomic
def pendaftaran_confirm(*, pendaftaran_id: int, actor: User | None) -> PendaftaranSarasehan:
    """The guest pressed the button behind the emailed link: the email is theirs. Twice is harmless.

    A seat still held becomes theirs. After the hold lapsed they take a free seat, or join the end of the
    waitlist, while registration is open. A topic they registered enters the case queue.
    """
    sarasehan_id, kasus_id = PendaftaranSarasehan.objects.values_list("sarasehan_id", "kasus_id").get(pk=pendaftaran_id)
    _lock_cases(kasus_id)
    sarasehan = _lock(sarasehan_id)
    now = timezone.now()
    _release_expired_holds(sarasehan, now)
    reg = PendaftaranSarasehan.objects.select_for_update().get(pk=pendaftaran_id)
    if reg.status not in REGISTRATION_TRANSITIONS["confirm"][0]:
        return reg  # the link pressed twice: nothing to do
    if sarasehan.status != Status.TERBIT:
        raise SarasehanError(_("Sarasehan ini tidak menerima pendaftaran."))
    if reg.hold_expires_at is not None:
        seated = True
    else:
        _check_window(sarasehan, now)
        seated = _take_seat(sarasehan)
        if not seated:
            # The queue counts from the confirmation: an unproven address never stood in it.
            reg.created_at = now
    _registration_transition(
        reg,
        "confirm",
        status=Reg.TERDAFTAR if seated else Reg.MENUNGGU,
        changes={"hold_expires_at": None, "email_confirmed_at": now, "created_at": reg.created_at},
    )
    reg.sarasehan = sarasehan
    if reg.kasus_id:
        kasus_confirm(kasus_id=reg.kasus_id, actor=actor)
    _email(reg, "sarasehan_registered", attachments=[_qr_attachment(sarasehan, reg.code)] if seated else None)
    return reg


@transaction.atomic
def pendaftaran_release_holds(*, sarasehan_id: int, now: dt.datetime | None = None) -> int:
    """Give back the seats of lapsed unconfirmed holds (promoting the waitlist). Returns how many."""
    return _release_expired_holds(_lock(sarasehan_id), now or timezone.now())


def holds_due(*, now: dt.datetime | None = None) -> list[int]:
    """Sarasehan with at least one lapsed unconfirmed hold."""
    return list(
        PendaftaranSarasehan.objects.filter(status=Reg.MENUNGGU_KONFIRMASI, hold_expires_at__lte=now or timezone.now())
        .values_list("sarasehan_id", flat=True)
        .distinct()
        .order_by("sarasehan_id")
    )


def new_idempotency_key() -> str:
    return uuid.uuid4().hex
