"""A sarasehan's life: create, publish, change (capacity too) and cancel."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.akun.models import User
from portal.audit.services import audit_record
from portal.kasus.services import required_text
from portal.wilayah.models import Pejabat, Wilayah

from ..models import Sarasehan
from ._base import (
    CREATED,
    NOTIFIED_FIELDS,
    SarasehanError,
    Status,
    _active_registrations,
    _email,
    _json,
    _lock,
    _transition,
)
from .registration import _fill_free_seats, _release_expired_holds

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
