"""Errors, the status table and `_transition`, the lock in LOCK_ORDER, the timeline entry and the emails."""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.akun.models import User
from portal.kasus.kinds import ref, riwayat_text_lazy
from portal.kasus.models import Kasus, Riwayat
from portal.kasus.outbox import Attachment, outbox_enqueue
from portal.kasus.services import KasusError, OpdSafeKasus, kasus_log
from portal.kasus.statemachine import allowed_in, allows, moved_fields
from portal.wilayah.models import Pejabat

from .. import ics
from ..models import (
    OPEN_STATUSES,
    Audiensi,
    Status,
)
from .links import link_url

PELAPOR = Riwayat.Visibility.PELAPOR
PUBLIK = Riwayat.Visibility.PUBLIK
INTERNAL = Riwayat.Visibility.INTERNAL


CUTOFF = dt.timedelta(hours=24)


class AudiensiError(KasusError):
    """An audiensi rule refused the change; the message is translated and safe to show."""


class SlotTaken(AudiensiError):
    pass


class TransitionNotAllowed(AudiensiError):
    """The status table refuses this action from the audiensi's current status."""


def _slot_taken() -> SlotTaken:
    return SlotTaken(_("Maaf, slot itu sudah diambil pemohon lain. Silakan pilih slot lain."))


def _when(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "l, j F Y, H.i")


def _text(render: Callable[[], str]) -> Promise:
    """Text rendered when shown, in the language active then: the outbox renders it in each recipient's language."""
    # The stubs type a lazy() proxy as its result class; at run time it is a Promise.
    return cast(Promise, lazy(render, str)())


def _save_slot(audiensi: Audiensi, fields: list[str]) -> None:
    """Save a change that takes a slot; the database constraint's refusal becomes SlotTaken."""
    try:
        with transaction.atomic():
            if audiensi.pk is None:
                audiensi.save()
            else:
                audiensi.save(update_fields=[*fields, "updated_at"])
    except IntegrityError as exc:
        if "audiensi_no_overlap" in str(exc) or "exclusion" in str(exc).lower():
            raise _slot_taken()
        raise


_OPEN = frozenset(OPEN_STATUSES)

# The status table: action -> (statuses it may start from, status it leads to; None keeps the status).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "confirm": (frozenset({Status.MENUNGGU}), Status.DIKONFIRMASI),
    "propose": (_OPEN, Status.DIUSULKAN),
    "accept_proposal": (frozenset({Status.DIUSULKAN}), Status.DIKONFIRMASI),
    "decline_proposal": (frozenset({Status.DIUSULKAN}), Status.DIBATALKAN),
    "handover_pejabat": (_OPEN, Status.MENUNGGU),
    "handover_opd": (_OPEN, Status.DIALIHKAN),
    "decline": (_OPEN, Status.DITOLAK),
    "cancel": (_OPEN, Status.DIBATALKAN),
    "reschedule": (_OPEN, Status.MENUNGGU),
    "expire": (frozenset({Status.MENUNGGU, Status.DIUSULKAN}), Status.KEDALUWARSA),
    "remind": (frozenset({Status.DIKONFIRMASI}), None),
    "attend": (frozenset({Status.DIKONFIRMASI}), Status.HADIR),
    "no_show": (frozenset({Status.DIKONFIRMASI}), Status.TIDAK_HADIR),
    "minutes": (frozenset({Status.HADIR}), None),
    "tindak_lanjut": (frozenset({Status.HADIR}), None),
}

ACTION_LABELS: dict[str, Promise] = {
    "confirm": gettext_lazy("konfirmasi"),
    "propose": gettext_lazy("usulkan jadwal lain"),
    "accept_proposal": gettext_lazy("terima jadwal usulan"),
    "decline_proposal": gettext_lazy("tolak jadwal usulan"),
    "handover_pejabat": gettext_lazy("alihkan ke pejabat lain"),
    "handover_opd": gettext_lazy("alihkan ke OPD"),
    "decline": gettext_lazy("tolak permohonan"),
    "cancel": gettext_lazy("batalkan"),
    "reschedule": gettext_lazy("jadwalkan ulang"),
    "expire": gettext_lazy("kedaluwarsakan"),
    "remind": gettext_lazy("kirim pengingat"),
    "attend": gettext_lazy("catat hadir"),
    "no_show": gettext_lazy("catat tidak hadir"),
    "minutes": gettext_lazy("tulis notulen"),
    "tindak_lanjut": gettext_lazy("catat tindak lanjut"),
}


def allowed_actions(audiensi: Audiensi) -> set[str]:
    return allowed_in(TRANSITIONS, audiensi.status)


def _check(audiensi: Audiensi, action: str) -> None:
    if not allows(TRANSITIONS, action, audiensi.status):
        raise TransitionNotAllowed(
            _("Audiensi ini berstatus “%(status)s”, sehingga langkah “%(action)s” tidak dapat dilakukan.")
            % {"status": audiensi.get_status_display(), "action": ACTION_LABELS[action]}
        )


def _lock(audiensi_id: int, action: str) -> Audiensi:
    """Lock the case, then the audiensi (LOCK_ORDER), then check `action` against the status table.

    The case id is read before the lock, so a merge may move the audiensi meanwhile: then lock its new case.
    """
    while True:
        kasus_id = Audiensi.objects.values_list("kasus_id", flat=True).get(pk=audiensi_id)
        kasus = Kasus.objects.select_for_update().get(pk=kasus_id)
        audiensi = Audiensi.objects.select_for_update().select_related("pejabat", "pemohon").get(pk=audiensi_id)
        if audiensi.kasus_id == kasus.pk:
            audiensi.kasus = kasus
            _check(audiensi, action)
            return audiensi


def _transition(
    audiensi: Audiensi,
    action: str,
    *,
    actor: User | None,
    kind: str,
    params: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    takes_slot: bool = False,
    message: str = "",
    by_reporter: bool = False,
    visibility: str = PELAPOR,
    data: dict[str, Any] | None = None,
) -> Promise:
    """Move an audiensi `_lock` locked and checked: save, then log. The caller notifies (the outbox sends on commit).

    `takes_slot` saves through `_save_slot`, so the database's no-overlap refusal becomes SlotTaken.
    """
    fields = moved_fields(TRANSITIONS[action][1], changes)
    for name, value in fields.items():
        setattr(audiensi, name, value)
    if takes_slot:
        _save_slot(audiensi, list(fields))
    else:
        audiensi.save(update_fields=[*fields, "updated_at"])
    return _log(
        audiensi,
        kind,
        params,
        actor=actor,
        message=message,
        by_reporter=by_reporter,
        visibility=visibility,
        data=data,
    )


def _log(
    audiensi: Audiensi,
    kind: str,
    params: dict[str, Any] | None = None,
    *,
    actor: User | None,
    message: str = "",
    by_reporter: bool = False,
    visibility: str = PELAPOR,
    data: dict[str, Any] | None = None,
) -> Promise:
    """Write the entry; returns its text rendered when shown, for the emails that quote it."""
    entry = kasus_log(
        kasus=audiensi.kasus,
        kind=kind,
        visibility=visibility,
        message=message,
        params=params or {},
        by_reporter=by_reporter,
        actor=actor,
        data={"audiensi": audiensi.pk, "status": audiensi.status, **(data or {})},
    )
    return riwayat_text_lazy(entry)


def _pejabat(pejabat: Pejabat) -> dict[str, Any]:
    return ref("pejabat", pejabat.pk, pejabat.jabatan)


def _notify(
    audiensi: Audiensi,
    template: str,
    *,
    message: str | Promise = "",
    attachments: list[Attachment] | None = None,
    links: Iterable[str] = (),
) -> None:
    """Email the pemohon. After a merge the case may be another resident's: then no tracking link, no identity."""
    kasus, pemohon = audiensi.kasus, audiensi.pemohon
    context = {
        "audiensi": audiensi,
        "kasus": kasus if kasus.reporter_id == pemohon.pk else OpdSafeKasus(kasus),
        "message": message,
        "when": _text(lambda: _when(audiensi.starts_at)),
        "links": {action.replace("-", "_"): link_url(audiensi, action) for action in links},
    }
    outbox_enqueue(
        to=pemohon.email,
        template=f"audiensi_{template}",
        context=context,
        language=pemohon.language,
        kasus=kasus,
        attachments=attachments,
    )


def _notify_cancelled(audiensi: Audiensi, message: str | Promise) -> None:
    attachment = Attachment(filename="audiensi.ics", content=ics.cancellation_ics(audiensi), mimetype="text/calendar")
    _notify(audiensi, "cancelled", message=message, attachments=[attachment])


def _notify_confirmed(audiensi: Audiensi, message: str | Promise) -> None:
    attachment = Attachment(filename="audiensi.ics", content=ics.invitation_ics(audiensi), mimetype="text/calendar")
    _notify(audiensi, "confirmed", message=message, attachments=[attachment], links=("batal", "jadwal-ulang"))
