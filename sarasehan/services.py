"""Every write to a sarasehan: scheduling, registrations with a waitlist, check-in, points raised, notulen.

Seats are guarded twice: registering locks the sarasehan row and takes a seat with
a conditional UPDATE (confirmed_count < capacity), and a check constraint refuses
confirmed_count > capacity whatever the code does. The waitlist is the arrival
order of registrations made while the row was locked.

A guest's seat is only held (SARASEHAN_HOLD_MINUTES) until the emailed link is
confirmed; an unconfirmed hold that lapses gives its seat back (to the waitlist
first), so addresses nobody reads cannot keep seats.
"""

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, models, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.akun.models import User
from portal.akun.roles import is_staff_member
from portal.akun.selectors import email_verified
from portal.audit.labels import register_action
from portal.audit.services import audit_record
from portal.kasus.kinds import day, moment, ref
from portal.kasus.models import Channel, Kasus, Riwayat
from portal.kasus.outbox import Attachment, outbox_enqueue
from portal.kasus.services import (
    KasusError,
    kasus_confirm,
    kasus_log,
    kasus_open,
    notify_reporter,
    required_text,
    tindak_lanjut_add,
)
from portal.kasus.statemachine import allowed_in, allows, moved_fields
from portal.wilayah.models import Kategori, Opd, Pejabat, Wilayah

from . import ics, selectors
from .models import AgendaSarasehan, PendaftaranSarasehan, PoinSarasehan, Sarasehan, new_code

Status = Sarasehan.Status
Reg = PendaftaranSarasehan.Status

# Fields whose change registrants are told about.
NOTIFIED_FIELDS = ("title", "venue", "kecamatan", "starts_at", "ends_at")


class SarasehanError(KasusError):
    """A sarasehan rule refused the change; the message is translated and safe to show."""


class AlreadyRegistered(SarasehanError):
    pass


class TransitionNotAllowed(SarasehanError):
    """A status table refuses this action from the sarasehan's or registration's current status."""


_LIVE = frozenset({Status.DRAF, Status.TERBIT})
_PUBLISHED = frozenset({Status.TERBIT})

# The status tables: action -> (statuses it may start from, status it leads to; None keeps the status,
# or the service picks it, as confirming a registration picks a seat or the waitlist).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "publish": (frozenset({Status.DRAF}), Status.TERBIT),
    "change": (_LIVE, None),
    "change_capacity": (_LIVE, None),
    "cancel": (_LIVE, Status.DIBATALKAN),
    "agenda": (_LIVE, None),
    "walk_in": (_PUBLISHED, None),
    "record_point": (_PUBLISHED, None),
    "publish_notulen": (_PUBLISHED, None),
    "remind": (_PUBLISHED, None),
}
ACTION_LABELS: dict[str, Promise] = {
    "publish": gettext_lazy("terbitkan"),
    "change": gettext_lazy("ubah"),
    "change_capacity": gettext_lazy("ubah kapasitas"),
    "cancel": gettext_lazy("batalkan"),
    "agenda": gettext_lazy("tambah agenda"),
    "walk_in": gettext_lazy("catat peserta langsung"),
    "record_point": gettext_lazy("catat poin"),
    "publish_notulen": gettext_lazy("terbitkan notulen"),
    "remind": gettext_lazy("kirim pengingat"),
}

# The audit log's name of each staff action that writes a sarasehan row.
AUDIT_ACTIONS = {
    "publish": register_action("sarasehan.published", gettext_lazy("Sarasehan diterbitkan")),
    "change": register_action("sarasehan.changed", gettext_lazy("Sarasehan diubah")),
    "change_capacity": register_action("sarasehan.capacity_changed", gettext_lazy("Kapasitas sarasehan diubah")),
    "cancel": register_action("sarasehan.cancelled", gettext_lazy("Sarasehan dibatalkan")),
    "publish_notulen": register_action("sarasehan.notulen_published", gettext_lazy("Notulen sarasehan diterbitkan")),
}
CREATED = register_action("sarasehan.created", gettext_lazy("Sarasehan dibuat"))
REGISTRATION_CANCELLED = register_action(
    "sarasehan.registration_cancelled", gettext_lazy("Pendaftaran sarasehan dibatalkan petugas")
)

REGISTRATION_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "confirm": (frozenset({Reg.MENUNGGU_KONFIRMASI}), None),
    "cancel": (frozenset({Reg.MENUNGGU_KONFIRMASI, Reg.TERDAFTAR, Reg.MENUNGGU}), Reg.DIBATALKAN),
    "check_in": (frozenset({Reg.TERDAFTAR}), None),
    "walk_in": (frozenset({Reg.MENUNGGU_KONFIRMASI}), Reg.LANGSUNG),
    "promote": (frozenset({Reg.MENUNGGU}), Reg.TERDAFTAR),
}
REGISTRATION_ACTION_LABELS: dict[str, Promise] = {
    "confirm": gettext_lazy("konfirmasi email"),
    "cancel": gettext_lazy("batalkan"),
    "check_in": gettext_lazy("catat hadir"),
    "walk_in": gettext_lazy("catat sebagai peserta langsung"),
    "promote": gettext_lazy("beri kursi"),
}


def allowed_actions(sarasehan: Sarasehan) -> set[str]:
    return allowed_in(TRANSITIONS, sarasehan.status)


def registration_allowed_actions(reg: PendaftaranSarasehan) -> set[str]:
    return allowed_in(REGISTRATION_TRANSITIONS, reg.status)


def _check(sarasehan: Sarasehan, action: str) -> None:
    if not allows(TRANSITIONS, action, sarasehan.status):
        raise TransitionNotAllowed(
            _("Sarasehan ini berstatus “%(status)s”, sehingga langkah “%(action)s” tidak dapat dilakukan.")
            % {"status": sarasehan.get_status_display(), "action": ACTION_LABELS[action]}
        )


def _check_registration(reg: PendaftaranSarasehan, action: str, hint: str = "") -> None:
    """`hint` tells staff what to do instead (at the door)."""
    if not allows(REGISTRATION_TRANSITIONS, action, reg.status):
        message = _(
            "Pendaftaran %(code)s berstatus “%(status)s”, sehingga langkah “%(action)s” tidak dapat dilakukan."
        ) % {
            "code": reg.code,
            "status": reg.get_status_display(),
            "action": REGISTRATION_ACTION_LABELS[action],
        }
        raise TransitionNotAllowed(f"{message} {hint}".strip())


def _transition(
    sarasehan: Sarasehan,
    action: str,
    *,
    actor: User | None,
    changes: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
) -> Sarasehan:
    """Move a sarasehan `_lock` locked and checked: save, then audit each field as [before, after].

    `before` holds values the caller already overwrote. Callers email through the outbox (sent on commit).
    """
    fields = moved_fields(TRANSITIONS[action][1], changes)
    previous = {name: getattr(sarasehan, name) for name in fields} | (before or {})
    for name, value in fields.items():
        setattr(sarasehan, name, value)
    sarasehan.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=actor,
        action=AUDIT_ACTIONS[action],
        obj=sarasehan,
        changes={name: [_json(previous[name]), _json(value)] for name, value in fields.items()},
    )
    return sarasehan


def _registration_transition(
    reg: PendaftaranSarasehan, action: str, *, status: str | None = None, changes: dict[str, Any] | None = None
) -> PendaftaranSarasehan:
    """Move a registration its caller locked and checked. `status` is the service's pick where the table has None."""
    fields = moved_fields(REGISTRATION_TRANSITIONS[action][1] or status, changes)
    for name, value in fields.items():
        setattr(reg, name, value)
    reg.save(update_fields=list(fields))
    return reg


def _json(value: Any) -> Any:
    """A field value as the audit log stores it (JSON)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def _portal_language() -> translation.override:
    """Timeline text is read by everyone on the case: write it in the portal's language, whoever acts.
    Errors for the actor and emails (rendered per recipient) stay outside this block."""
    return translation.override(settings.LANGUAGE_CODE)


# Scheduling


def _unique_slug(title: str, starts_at: dt.datetime) -> str:
    base = f"{slugify(title)[:90] or 'sarasehan'}-{timezone.localtime(starts_at):%Y-%m-%d}"
    slug, n = base, 2
    while Sarasehan.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_times(
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    registration_opens_at: dt.datetime,
    registration_closes_at: dt.datetime,
    capacity: int,
) -> None:
    if ends_at <= starts_at:
        raise SarasehanError(_("Waktu selesai harus setelah waktu mulai."))
    if registration_closes_at <= registration_opens_at:
        raise SarasehanError(_("Pendaftaran harus ditutup setelah dibuka."))
    if registration_closes_at > ends_at:
        raise SarasehanError(_("Pendaftaran harus ditutup sebelum sarasehan selesai."))
    if capacity < 1:
        raise SarasehanError(_("Kapasitas minimal 1 orang."))


@transaction.atomic
def sarasehan_create(
    *,
    actor: User | None,
    title: str,
    venue: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    registration_opens_at: dt.datetime,
    registration_closes_at: dt.datetime,
    theme: str = "",
    description: str = "",
    kecamatan: Wilayah | None = None,
    agenda: str = "",
    pejabat: list[Pejabat] | None = None,
) -> Sarasehan:
    _check_times(
        starts_at=starts_at,
        ends_at=ends_at,
        registration_opens_at=registration_opens_at,
        registration_closes_at=registration_closes_at,
        capacity=capacity,
    )
    sarasehan = Sarasehan.objects.create(
        slug=_unique_slug(title, starts_at),
        title=title.strip(),
        theme=theme.strip(),
        description=description.strip(),
        venue=venue.strip(),
        kecamatan=kecamatan,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        registration_opens_at=registration_opens_at,
        registration_closes_at=registration_closes_at,
        agenda=agenda.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if pejabat:
        sarasehan.pejabat.set(pejabat)
    audit_record(
        actor=actor,
        action=CREATED,
        obj=sarasehan,
        changes={"title": sarasehan.title, "starts_at": _json(starts_at), "capacity": capacity},
    )
    return sarasehan


def _lock_cases(*kasus_ids: int | None) -> None:
    """Lock the cases whose timeline a service writes, before anything else (LOCK_ORDER in audiensi.services)."""
    ids = sorted({pk for pk in kasus_ids if pk})
    if ids:
        list(Kasus.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def _lock(sarasehan_id: int, action: str | None = None) -> Sarasehan:
    """Lock the sarasehan row, then check `action` (if any) against the status table.

    Lock order (LOCK_ORDER in audiensi.services): the case rows first (`_lock_cases`), then the sarasehan,
    then its registrations.
    """
    sarasehan = Sarasehan.objects.select_for_update(of=("self",)).select_related("kecamatan").get(pk=sarasehan_id)
    if action is not None:
        _check(sarasehan, action)
    return sarasehan


def _active_registrations(sarasehan: Sarasehan) -> QuerySet[PendaftaranSarasehan]:
    return (
        PendaftaranSarasehan.objects.filter(sarasehan=sarasehan, status__in=[Reg.TERDAFTAR, Reg.MENUNGGU])
        .exclude(email="")
        .select_related("sarasehan")
    )


@transaction.atomic
def sarasehan_publish(*, sarasehan_id: int, actor: User | None) -> Sarasehan:
    sarasehan = _lock(sarasehan_id, "publish")
    return _transition(sarasehan, "publish", actor=actor, changes={"published_at": timezone.now()})


# What staff may change on a sarasehan, in the order its form shows them; pejabat are passed on their own.
EDITABLE_FIELDS = (
    "title",
    "theme",
    "description",
    "venue",
    "kecamatan",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "pejabat",
    "agenda",
)


@transaction.atomic
def sarasehan_update(
    *, sarasehan_id: int, actor: User | None, pejabat: list[Pejabat] | None = None, **fields: Any
) -> list[str]:
    """Change a sarasehan; registrants hear about changed time or place. Returns the changed field names."""
    sarasehan = _lock(sarasehan_id, "change")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    before = {name: getattr(sarasehan, name) for name in fields}
    for name, value in fields.items():
        setattr(sarasehan, name, value.strip() if isinstance(value, str) else value)
    _check_times(
        starts_at=sarasehan.starts_at,
        ends_at=sarasehan.ends_at,
        registration_opens_at=sarasehan.registration_opens_at,
        registration_closes_at=sarasehan.registration_closes_at,
        capacity=sarasehan.capacity,
    )
    _check_capacity(sarasehan, sarasehan.capacity)
    changed = [name for name in fields if getattr(sarasehan, name) != before[name]]
    if changed:
        _transition(
            sarasehan,
            "change",
            actor=actor,
            changes={name: getattr(sarasehan, name) for name in changed},
            before={name: before[name] for name in changed},
        )
    if pejabat is not None:
        sarasehan.pejabat.set(pejabat)
    if "capacity" in changed:
        _fill_free_seats(sarasehan)
    if "starts_at" in changed:
        sarasehan.reminder_sent_at = None
        sarasehan.save(update_fields=["reminder_sent_at"])
    notified = [name for name in changed if name in NOTIFIED_FIELDS]
    if notified and sarasehan.status == Status.TERBIT:
        # NOTIFIED_FIELDS are concrete fields, never relations.
        labels = [str(Sarasehan._meta.get_field(name).verbose_name) for name in notified]  # type: ignore[union-attr]
        for reg in _active_registrations(sarasehan):
            _email(reg, "sarasehan_changed", {"changed": labels})
    return changed


def _check_capacity(sarasehan: Sarasehan, capacity: int) -> None:
    if capacity < 1:
        raise SarasehanError(_("Kapasitas minimal 1 orang."))
    if capacity < sarasehan.confirmed_count:
        raise SarasehanError(
            _("Kapasitas tidak dapat kurang dari %(n)s kursi yang sudah terisi.") % {"n": sarasehan.confirmed_count}
        )


@transaction.atomic
def sarasehan_change_capacity(*, sarasehan_id: int, actor: User | None, capacity: int) -> Sarasehan:
    """Set the number of seats: never below the seats taken; new seats go to the waitlist in order."""
    sarasehan = _lock(sarasehan_id, "change_capacity")
    _release_expired_holds(sarasehan, timezone.now())
    _check_capacity(sarasehan, capacity)
    if capacity == sarasehan.capacity:
        return sarasehan
    _transition(sarasehan, "change_capacity", actor=actor, changes={"capacity": capacity})
    _fill_free_seats(sarasehan)
    return sarasehan


@transaction.atomic
def sarasehan_cancel(*, sarasehan_id: int, actor: User | None, reason: str) -> Sarasehan:
    required_text(reason, _("Alasan pembatalan wajib diisi."), error=SarasehanError)
    sarasehan = _lock(sarasehan_id, "cancel")
    _transition(sarasehan, "cancel", actor=actor, changes={"cancel_reason": reason.strip()})
    for reg in _active_registrations(sarasehan):
        _email(reg, "sarasehan_cancelled", {"reason": sarasehan.cancel_reason})
    return sarasehan


# Registrations


def _email(
    reg: PendaftaranSarasehan,
    template: str,
    context: dict[str, Any] | None = None,
    attachments: list[Attachment] | None = None,
) -> None:
    if not reg.email:
        return
    outbox_enqueue(
        to=reg.email,
        template=template,
        context={
            "pendaftaran": reg,
            "sarasehan": reg.sarasehan,
            "registration_url": selectors.registration_url(reg),
            "sarasehan_url": settings.SITE_URL + reverse("sarasehan:detail", args=[reg.sarasehan.slug]),
            **(context or {}),
        },
        language=reg.language,
        attachments=attachments,
    )


def _qr_attachment(sarasehan: Sarasehan, code: str) -> Attachment:
    return Attachment(filename="qr.png", content=selectors.qr_png_bytes(sarasehan, code), mimetype="image/png")


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


# Agenda from open cases


@transaction.atomic
def agenda_add_cases(*, sarasehan_id: int, actor: User | None, kasus_ids: list[int], invite: bool = True) -> int:
    """Put open cases on the agenda; their timelines record it and their reporters are invited."""
    _lock_cases(*kasus_ids)
    sarasehan = _lock(sarasehan_id, "agenda")
    present = set(AgendaSarasehan.objects.filter(sarasehan=sarasehan).values_list("kasus_id", flat=True))
    added = 0
    for kasus in Kasus.objects.open().confirmed().filter(pk__in=kasus_ids).select_related("reporter"):
        if kasus.pk in present:
            continue
        item = AgendaSarasehan.objects.create(sarasehan=sarasehan, kasus=kasus)
        kasus_log(
            kasus=kasus,
            kind="sarasehan.agenda",
            visibility=Riwayat.Visibility.PUBLIK,
            params={"title": sarasehan.title, "when": moment(sarasehan.starts_at)},
            actor=actor,
            data={"sarasehan": sarasehan.pk},
        )
        if invite and sarasehan.status == Status.TERBIT:
            notify_reporter(
                kasus,
                template="sarasehan_invited",
                context={
                    "sarasehan": sarasehan,
                    "sarasehan_url": settings.SITE_URL + reverse("sarasehan:detail", args=[sarasehan.slug]),
                },
            )
            item.invited_at = timezone.now()
            item.save(update_fields=["invited_at"])
        added += 1
    return added


# Points raised and notulen


def _point_case(*, kasus_reference: str, reg: PendaftaranSarasehan | None) -> Kasus | None:
    """The existing case a point goes on, locked first (LOCK_ORDER) and checked after the lock; None for a new one.

    A case named by reference is followed into the case it was merged into; the registrant's own case is
    used while it is open.
    """
    if kasus_reference.strip():
        kasus = Kasus.objects.select_for_update().filter(reference=kasus_reference.strip().upper()).first()
        if kasus is None:
            raise SarasehanError(_("Kasus %(ref)s tidak ditemukan.") % {"ref": kasus_reference.strip()})
        if kasus.merged_into_id:
            kasus = Kasus.objects.select_for_update().get(pk=kasus.merged_into_id)
        if not kasus.is_open:
            raise SarasehanError(_("Kasus %(ref)s sudah tidak aktif.") % {"ref": kasus.reference})
        return kasus
    if reg is not None and reg.kasus_id:
        kasus = Kasus.objects.select_for_update().get(pk=reg.kasus_id)
        return kasus if kasus.is_open else None
    return None


@transaction.atomic
def poin_record(
    *,
    sarasehan_id: int,
    actor: User | None,
    content: str,
    speaker_name: str = "",
    pendaftaran_id: int | None = None,
    kasus_reference: str = "",
    kategori: Kategori | None = None,
    opd_answered: Opd | None = None,
    answer: str = "",
    followup: str = "",
    followup_opd: Opd | None = None,
    followup_due: dt.date | None = None,
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> PoinSarasehan:
    """Record a point raised: a new case (channel sarasehan) or an entry on an existing one.

    Long on purpose: one transaction that reads top to bottom as the steps at the table (case lookup and
    lock, sarasehan lock and check, the case entry, the answer given on the spot, the promised follow-up).

    `now` is the moment of recording (default: the clock); the door must be open then.
    """
    content = content.strip()
    if not content:
        raise SarasehanError(_("Tuliskan persoalan yang disampaikan."))
    if idempotency_key:
        done = PoinSarasehan.objects.filter(idempotency_key=idempotency_key).first()
        if done is not None:
            return done
    if followup.strip() and (followup_opd is None or followup_due is None):
        raise SarasehanError(_("Tindak lanjut yang dijanjikan perlu OPD dan tenggat."))
    reg = None
    if pendaftaran_id:
        reg = (
            PendaftaranSarasehan.objects.select_related("user")
            .filter(pk=pendaftaran_id, sarasehan_id=sarasehan_id)
            .first()
        )
        if reg is None:
            raise SarasehanError(_("Peserta tidak terdaftar di sarasehan ini."))
    speaker = speaker_name.strip() or (reg.name if reg else "")
    if not speaker:
        raise SarasehanError(_("Tuliskan siapa yang menyampaikan."))
    kasus = _point_case(kasus_reference=kasus_reference, reg=reg)
    sarasehan = _lock(sarasehan_id, "record_point")
    _check_door(sarasehan, now or timezone.now())
    # Dated by the event, whenever staff type it in.
    raised_on = timezone.localtime(sarasehan.starts_at).date()
    when = raised_on.strftime("%d-%m-%Y")
    params = {"title": sarasehan.title, "when": day(raised_on), "content": content}
    with _portal_language():
        source = _("Sarasehan %(title)s, %(when)s") % {"title": sarasehan.title, "when": when}
    data = {
        "sarasehan": sarasehan.pk,
        "sarasehan_slug": sarasehan.slug,
        "sarasehan_title": sarasehan.title,
        "raised_on": raised_on.isoformat(),
    }
    if kasus is not None:
        if kasus.confirmed_at is None:
            kasus = kasus_confirm(kasus_id=kasus.pk, actor=actor)
        kasus_log(
            kasus=kasus,
            kind="sarasehan.raised",
            visibility=Riwayat.Visibility.PUBLIK,
            params=params,
            actor=actor,
            data=data,
        )
    else:
        user = reg.user if reg and reg.user_id else None
        kasus = kasus_open(
            title=content[:200],
            summary=content,
            channel=Channel.SARASEHAN,
            actor=actor,
            reporter=user,
            reporter_name="" if user else speaker,
            reporter_email="" if user or reg is None else reg.email,
            reporter_phone="" if user or reg is None else reg.phone,
            reporter_language=reg.language if reg else "id",
            kategori=kategori,
            wilayah=(reg.desa if reg and reg.desa_id else None) or sarasehan.kecamatan,
            kind="sarasehan.raised",
            params=params,
            data=data,
        )
    poin = PoinSarasehan.objects.create(
        sarasehan=sarasehan,
        pendaftaran=reg,
        speaker_name=speaker,
        content=content,
        kasus=kasus,
        opd_answered=opd_answered,
        answer=answer.strip(),
        idempotency_key=idempotency_key or None,
        created_by=actor,
        created_at=now or timezone.now(),
    )
    if opd_answered is not None or answer.strip():
        kasus_log(
            kasus=kasus,
            kind="sarasehan.answered",
            visibility=Riwayat.Visibility.PUBLIK,
            params={
                "opd": ref("opd", opd_answered.pk, opd_answered.nama) if opd_answered else "",
                "answer": answer.strip() or "-",
            },
            actor=actor,
            data={**data, "poin": poin.pk, "opd": opd_answered.pk if opd_answered else None},
        )
    # Checked above: a follow-up always comes with its OPD and due date.
    if followup.strip() and followup_opd is not None and followup_due is not None:
        poin.tindak_lanjut = tindak_lanjut_add(
            kasus_id=kasus.pk,
            actor=actor,
            description=followup,
            opd=followup_opd,
            due_date=followup_due,
            source=source,
            source_kind="sarasehan",
            source_id=sarasehan.pk,
        )
        poin.save(update_fields=["tindak_lanjut"])
    return poin


@transaction.atomic
def notulen_publish(*, sarasehan_id: int, actor: User | None, notulen: str) -> Sarasehan:
    """Publish the minutes on the public page; attendees are emailed once, on the first publication."""
    required_text(notulen, _("Notulen tidak boleh kosong."), error=SarasehanError)
    sarasehan = _lock(sarasehan_id, "publish_notulen")
    if sarasehan.starts_at > timezone.now():
        raise SarasehanError(_("Notulen diterbitkan setelah sarasehan dimulai."))
    first_time = sarasehan.notulen_published_at is None
    _transition(
        sarasehan,
        "publish_notulen",
        actor=actor,
        changes={
            "notulen": notulen.strip(),
            "notulen_published_at": sarasehan.notulen_published_at or timezone.now(),
        },
    )
    if first_time:
        raised = PoinSarasehan.objects.filter(sarasehan=sarasehan, kasus__is_confidential=False).count()
        attendees = (
            PendaftaranSarasehan.objects.filter(sarasehan=sarasehan, checked_in_at__isnull=False)
            .exclude(email="")
            .select_related("sarasehan")
        )
        for reg in attendees:
            _email(reg, "sarasehan_notulen", {"raised": raised})
    return sarasehan


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


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


__all__ = [
    "SarasehanError",
    "AlreadyRegistered",
    "agenda_add_cases",
    "holds_due",
    "notulen_publish",
    "pendaftaran_cancel",
    "pendaftaran_check_in",
    "pendaftaran_confirm",
    "pendaftaran_create",
    "pendaftaran_release_holds",
    "pendaftaran_walk_in",
    "poin_record",
    "reminders_due",
    "sarasehan_cancel",
    "sarasehan_create",
    "sarasehan_publish",
    "sarasehan_send_reminder",
    "sarasehan_update",
]
