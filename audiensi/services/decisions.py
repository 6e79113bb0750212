"""Protokol decisions: confirm, propose another time, hand over, decline."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.akun.models import User
from portal.kasus.kinds import moment, ref
from portal.kasus.services import notify_opd, required_text
from portal.wilayah.models import Opd, Pejabat

from ..models import Audiensi
from ..selectors import settings_for
from ._base import AudiensiError, _lock, _notify, _notify_cancelled, _notify_confirmed, _pejabat, _transition
from .slots import _check_free, _hold_until, _lock_pejabat, _move_to_slot

# Protokol decisions ---------------------------------------------------------------------------


@transaction.atomic
def audiensi_confirm(*, audiensi_id: int, actor: User | None, note: str = "") -> Audiensi:
    audiensi = _lock(audiensi_id, "confirm")
    if audiensi.starts_at <= timezone.now():
        raise AudiensiError(_("Waktu audiensi sudah lewat; usulkan jadwal lain."))
    params = {
        "pejabat": _pejabat(audiensi.pejabat),
        "when": moment(audiensi.starts_at),
        "lokasi": audiensi.pejabat.lokasi,
    }
    _transition(
        audiensi,
        "confirm",
        actor=actor,
        kind="audiensi.confirmed",
        params=params,
        changes={"expires_at": None},
        data={"note": note},
    )
    _notify_confirmed(audiensi, note)
    return audiensi


@transaction.atomic
def audiensi_propose(*, audiensi_id: int, actor: User | None, start: dt.datetime, reason: str) -> Audiensi:
    """Protokol offers another slot; it is held for the resident, who accepts or declines by a link."""
    required_text(reason, _("Jelaskan alasan mengusulkan jadwal lain."), error=AudiensiError)
    audiensi = _lock(audiensi_id, "propose")
    message = _move_to_slot(
        audiensi, "propose", actor=actor, kind="audiensi.proposed", start=start, reason=reason, now=timezone.now()
    )
    _notify(audiensi, "changed", message=message, links=("terima", "tolak"))
    return audiensi


@transaction.atomic
def audiensi_respond(*, audiensi_id: int, actor: User | None, accept: bool) -> Audiensi:
    """The resident accepts or declines the slot protokol proposed."""
    action = "accept_proposal" if accept else "decline_proposal"
    audiensi = _lock(audiensi_id, action)
    if accept:
        if audiensi.starts_at <= timezone.now():
            raise AudiensiError(_("Jadwal yang diusulkan sudah lewat."))
        params = {"pejabat": _pejabat(audiensi.pejabat), "when": moment(audiensi.starts_at), "accepted_proposal": True}
        message = _transition(
            audiensi,
            action,
            actor=actor,
            kind="audiensi.confirmed",
            params=params,
            changes={"expires_at": None},
            by_reporter=True,
            data={"accepted_proposal": True},
        )
        _notify_confirmed(audiensi, message)
    else:
        message = _transition(
            audiensi,
            action,
            actor=actor,
            kind="audiensi.proposal_declined",
            changes={"expires_at": None},
            by_reporter=True,
        )
        _notify_cancelled(audiensi, message)
    return audiensi


@transaction.atomic
def audiensi_handover_pejabat(*, audiensi_id: int, actor: User | None, pejabat: Pejabat, reason: str) -> Audiensi:
    """Hand the request to the other pejabat at the same time; protokol then confirms it again."""
    required_text(reason, _("Jelaskan alasan pengalihan."), error=AudiensiError)
    audiensi = _lock(audiensi_id, "handover_pejabat")
    if pejabat.pk == audiensi.pejabat_id:
        raise AudiensiError(_("Audiensi ini sudah dengan %(pejabat)s.") % {"pejabat": pejabat.display_jabatan})
    if audiensi.starts_at <= timezone.now():
        raise AudiensiError(_("Waktu audiensi sudah lewat; usulkan jadwal lain."))
    _lock_pejabat(audiensi.pejabat_id, pejabat.pk)
    _check_free(pejabat.pk, audiensi.starts_at, audiensi.ends_at, exclude_id=audiensi.pk)
    previous = audiensi.pejabat
    message = _transition(
        audiensi,
        "handover_pejabat",
        actor=actor,
        kind="audiensi.handed_over",
        params={"from": _pejabat(previous), "to": _pejabat(pejabat), "reason": reason.strip()},
        changes={
            "pejabat": pejabat,
            "expires_at": _hold_until(settings_for(pejabat), audiensi.starts_at, timezone.now()),
        },
        takes_slot=True,
        data={"from_pejabat": previous.slug, "to_pejabat": pejabat.slug, "reason": reason.strip()},
    )
    _notify(audiensi, "changed", message=message, links=("batal", "jadwal-ulang"))
    return audiensi


@transaction.atomic
def audiensi_handover_opd(*, audiensi_id: int, actor: User | None, opd: Opd, reason: str) -> Audiensi:
    """The matter is better met by an OPD head: the slot is released and the OPD is told."""
    required_text(reason, _("Jelaskan alasan pengalihan."), error=AudiensiError)
    audiensi = _lock(audiensi_id, "handover_opd")
    message = _transition(
        audiensi,
        "handover_opd",
        actor=actor,
        kind="audiensi.handed_to_opd",
        params={"opd": ref("opd", opd.pk, opd.nama), "reason": reason.strip()},
        changes={"opd": opd, "expires_at": None},
        data={"opd": opd.pk, "reason": reason.strip()},
    )
    _notify_cancelled(audiensi, message)
    notify_opd(audiensi.kasus, opd, template="audiensi_opd", context={"audiensi": audiensi, "reason": reason.strip()})
    return audiensi


@transaction.atomic
def audiensi_decline(*, audiensi_id: int, actor: User | None, reason: str) -> Audiensi:
    required_text(reason, _("Alasan penolakan wajib diisi."), error=AudiensiError)
    audiensi = _lock(audiensi_id, "decline")
    message = _transition(
        audiensi,
        "decline",
        actor=actor,
        kind="audiensi.declined",
        params={"reason": reason.strip()},
        changes={"expires_at": None},
        data={"reason": reason.strip()},
    )
    _notify_cancelled(audiensi, message)
    return audiensi
