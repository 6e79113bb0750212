"""Status transitions of a case: lock, check against TRANSITIONS, save, log, notify on commit."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.wilayah.models import Kategori, Opd

from ..calendar import add_working_days, working_days_between
from ..kinds import ref, riwayat_text_lazy
from ..models import (
    CLOSED_STATUSES,
    Kasus,
    Riwayat,
    Status,
)

if TYPE_CHECKING:
    from portal.akun.models import User

from ._base import KasusError, Visibility, _check, _lock, kasus_log, required_text, sla_days
from .notifications import notify_followers, notify_opd, notify_reporter, staff_actor


def _transition(kasus: Kasus, action: str, **kwargs: Any) -> Kasus:
    return _transition_logged(kasus, action, **kwargs)[0]


def _transition_logged(
    kasus: Kasus,
    action: str,
    *,
    actor: User | None,
    kind: str,
    message: str = "",
    params: dict[str, Any] | None = None,
    by_reporter: bool = False,
    visibility: str = Visibility.PUBLIK,
    data: dict[str, Any] | None = None,
    target: str | None = None,
    extra_fields: dict[str, Any] | None = None,
    notify_template: str | None = "kasus_status",
    notify_context: dict[str, Any] | None = None,
) -> tuple[Kasus, Riwayat]:
    """Move a case the caller has locked: check, save, log, notify the reporter on commit."""
    to_status = _check(kasus, action) or target
    previous = kasus.status
    changes: dict[str, Any] = {"status": to_status, **(extra_fields or {})}
    if "due_at" in changes:
        # A deadline set by a recorded decision starts a fresh escalation.
        changes.setdefault("escalation_level", 0)
        changes.setdefault("escalated_at", None)
        changes.setdefault("next_escalation_at", None)
    if to_status in CLOSED_STATUSES:
        changes.setdefault("closed_at", timezone.now())
        changes["due_at"] = None
        changes["next_escalation_at"] = None
    for name, value in changes.items():
        setattr(kasus, name, value)
    kasus.save(update_fields=[*changes, "updated_at"])
    entry = kasus_log(
        kasus=kasus,
        kind=kind,
        visibility=visibility,
        message=message,
        params=params or {},
        by_reporter=by_reporter,
        actor=actor,
        data={"from": previous, "to": to_status, **(data or {})},
    )
    if notify_template and visibility != Visibility.INTERNAL:
        # Public changes reach every follower; a message for the reporter alone reaches only them.
        notify = notify_followers if visibility == Visibility.PUBLIK else notify_reporter
        notify(kasus, template=notify_template, context={"message": riwayat_text_lazy(entry), **(notify_context or {})})
    return kasus, entry


@transaction.atomic
def kasus_verify(
    *,
    kasus_id: int,
    actor: User | None,
    kategori: Kategori | None = None,
    priority: str | None = None,
    note: str = "",
) -> Kasus:
    """Accept a new case into the process; the next deadline is for its disposition."""
    kasus = _lock(kasus_id)
    extra: dict[str, Any] = {"due_at": add_working_days(timezone.now(), sla_days("verify_days"))}
    if kategori is not None:
        extra["kategori"] = kategori
    if priority:
        extra["priority"] = priority
    return _transition(
        kasus,
        "verify",
        actor=actor,
        kind="kasus.verified",
        message=note.strip(),
        extra_fields=extra,
    )


@transaction.atomic
def kasus_reject(*, kasus_id: int, actor: User | None, reason: str) -> Kasus:
    reason = required_text(reason, _("Alasan penolakan wajib diisi."))
    return _transition(
        _lock(kasus_id),
        "reject",
        actor=actor,
        kind="kasus.rejected",
        params={"reason": reason},
        data={"reason": reason},
    )


def _remaining_working_days(kasus: Kasus) -> int:
    """Working days left on the running deadline; at least 1, so an answer always gets a day."""
    if kasus.due_at is None:
        return sla_days("verify_days")
    return max(working_days_between(timezone.now(), kasus.due_at), 1)


@transaction.atomic
def kasus_request_info(*, kasus_id: int, actor: User | None, question: str) -> Kasus:
    """Ask the reporter for more information; the SLA clock pauses until they answer."""
    question = required_text(question, _("Tuliskan informasi yang diminta dari pelapor."))
    kasus = _lock(kasus_id)
    _check(kasus, "request_info")
    return _transition(
        kasus,
        "request_info",
        actor=actor,
        kind="kasus.info_requested",
        visibility=Visibility.PELAPOR,
        message=question,
        extra_fields={
            "status_before_pause": kasus.status,
            "sla_remaining_days": _remaining_working_days(kasus),
            "due_at": None,
        },
        notify_template="kasus_info_requested",
    )


@transaction.atomic
def kasus_info_received(
    *, kasus_id: int, actor: User | None, message: str, data: dict[str, Any] | None = None
) -> Kasus:
    """The reporter answered: the case returns to where it was and the clock runs on with the days left."""
    message = required_text(message, _("Informasi tambahan tidak boleh kosong."))
    kasus = _lock(kasus_id)
    _check(kasus, "info_received")
    return _transition(
        kasus,
        "info_received",
        actor=actor,
        kind="kasus.info_received",
        visibility=Visibility.PELAPOR,
        message=message,
        by_reporter=True,
        data=data,
        target=kasus.status_before_pause or Status.BARU,
        extra_fields={
            "status_before_pause": "",
            "due_at": add_working_days(timezone.now(), kasus.sla_remaining_days or 1),
            "sla_remaining_days": None,
        },
        notify_template=None,
    )


@transaction.atomic
def kasus_dispose(*, kasus_id: int, actor: User | None, opd: Opd, note: str = "") -> Kasus:
    """Route the case to an OPD (again, to another OPD, while it is being handled)."""
    kasus = _lock(kasus_id)
    _check(kasus, "dispose")
    if kasus.opd_id == opd.pk and kasus.status == Status.DIDISPOSISIKAN:
        raise KasusError(_("Kasus ini sudah didisposisikan ke %(opd)s.") % {"opd": opd})
    if not opd.is_active:
        raise KasusError(_("%(opd)s tidak aktif dan tidak dapat menerima disposisi.") % {"opd": opd})
    note = note.strip()
    previous_opd = kasus.opd_id
    kasus = _transition(
        kasus,
        "dispose",
        actor=actor,
        kind="kasus.disposed",
        params={"opd": ref("opd", opd.pk, opd.nama)},
        data={"opd": opd.pk, "opd_nama": opd.nama, "note": note, "previous_opd": previous_opd},
        extra_fields={"opd": opd, "due_at": add_working_days(timezone.now(), sla_days("followup_days"))},
    )
    if note:
        kasus_log(kasus=kasus, kind="note.internal", visibility=Visibility.INTERNAL, message=note, actor=actor)
    notify_opd(kasus, opd, template="kasus_disposed", context={"note": note})
    return kasus


@transaction.atomic
def kasus_start(*, kasus_id: int, actor: User | None, note: str = "") -> Kasus:
    return _transition(
        _lock(kasus_id),
        "start",
        actor=actor,
        kind="kasus.started",
        message=note.strip(),
    )


@transaction.atomic
def kasus_answer(*, kasus_id: int, actor: User | None, answer: str, data: dict[str, Any] | None = None) -> Kasus:
    """The OPD answers; the reporter has `autoclose_days` working days to accept or dispute."""
    answer = required_text(answer, _("Jawaban tidak boleh kosong."))
    now = timezone.now()
    return _transition(
        _lock(kasus_id),
        "answer",
        actor=actor,
        kind="kasus.answered",
        message=answer,
        data=data,
        extra_fields={"answered_at": now, "due_at": add_working_days(now, sla_days("autoclose_days"))},
        notify_template="kasus_answered",
    )


def _parse_rating(rating: int | str) -> int:
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise KasusError(_("Penilaian harus antara 1 dan 5."))
    return value


@transaction.atomic
def kasus_accept(*, kasus_id: int, actor: User | None, rating: int, comment: str = "") -> Kasus:
    rating = _parse_rating(rating)
    return _transition(
        _lock(kasus_id),
        "accept",
        actor=actor,
        kind="kasus.accepted",
        message=comment.strip(),
        by_reporter=True,
        data={"rating": rating},
        extra_fields={"rating": rating},
        notify_template=None,
    )


def _dispute_deadline(kasus: Kasus) -> dt.datetime | None:
    if kasus.answered_at is None:
        return None
    return add_working_days(kasus.answered_at, sla_days("autoclose_days"))


@transaction.atomic
def kasus_dispute(*, kasus_id: int, actor: User | None, reason: str) -> Kasus:
    """The reporter disputes the answer within the window: the case reopens and the OPD is told."""
    reason = required_text(reason, _("Jelaskan mengapa jawaban belum menyelesaikan masalah."))
    kasus = _lock(kasus_id)
    _check(kasus, "dispute")
    deadline = _dispute_deadline(kasus)
    if deadline is not None and timezone.now() > deadline:
        raise KasusError(
            _("Batas waktu sanggahan (%(days)s hari kerja setelah jawaban) sudah lewat.")
            % {"days": sla_days("autoclose_days")}
        )
    kasus, entry = _transition_logged(
        kasus,
        "dispute",
        actor=actor,
        kind="kasus.disputed",
        message=reason,
        by_reporter=True,
        extra_fields={"due_at": add_working_days(timezone.now(), sla_days("followup_days")), "answered_at": None},
        notify_template=None,
    )
    if kasus.opd is not None:
        notify_opd(kasus, kasus.opd, template="kasus_disputed", context={"reason": reason, "actor": staff_actor(entry)})
    return kasus


@transaction.atomic
def kasus_autoclose(*, kasus_id: int, now: dt.datetime | None = None) -> Kasus:
    """Close an answered case whose dispute window has passed without a reply from the reporter."""
    now = now or timezone.now()
    kasus = _lock(kasus_id)
    _check(kasus, "autoclose")
    if kasus.due_at is None or kasus.due_at >= now:
        raise KasusError(_("Masa sanggah kasus %(ref)s belum berakhir.") % {"ref": kasus.reference})
    return _transition(
        kasus,
        "autoclose",
        actor=None,
        kind="kasus.autoclosed",
        params={"days": sla_days("autoclose_days")},
        extra_fields={"closed_at": now},
    )
