"""Errors, the status tables and their `_transition` helpers, locks in LOCK_ORDER, the registrant email."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.akun.models import User
from portal.audit.labels import register_action
from portal.audit.services import audit_record
from portal.kasus.models import Kasus
from portal.kasus.outbox import Attachment, outbox_enqueue
from portal.kasus.services import KasusError
from portal.kasus.statemachine import allowed_in, allows, moved_fields

from .. import selectors
from ..models import PendaftaranSarasehan, Sarasehan

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
