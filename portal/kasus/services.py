"""Every write to a case. Each transition locks the row, checks, saves, logs and notifies on commit.

Timeline entries store a kind and params (kinds.py); their text is rendered when read, in the
reader's language, and each email renders it in its recipient's language.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.wilayah.models import Kategori, Opd, Wilayah

from .calendar import add_working_days, working_days_between
from .kinds import day, ref, riwayat_text_lazy
from .models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Channel,
    Kasus,
    KodeAkses,
    Pengikut,
    Priority,
    ReferenceSequence,
    Riwayat,
    Status,
    TindakLanjut,
    late_q,
    normalize_lapor_tracking_id,
    validate_lapor_tracking_id,
)
from .outbox import Attachment, outbox_enqueue
from .selectors import actor_label

if TYPE_CHECKING:
    from portal.akun.models import User

Visibility = Riwayat.Visibility
MAX_ESCALATION_LEVEL = 2


class KasusError(Exception):
    """A rule of the case record refused the change; the message is translated and safe to show."""


class TransitionNotAllowed(KasusError):
    pass


def sla_days(name: str) -> int:
    return settings.PORTAL_SLA[name]


# Which statuses each action may start from, and where it leads (None: back where it paused).
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "verify": (frozenset({Status.BARU}), Status.DIVERIFIKASI),
    "reject": (frozenset({Status.BARU}), Status.DITOLAK),
    "request_info": (frozenset({Status.BARU, Status.DIVERIFIKASI}), Status.MENUNGGU_INFORMASI),
    "info_received": (frozenset({Status.MENUNGGU_INFORMASI}), None),
    "dispose": (
        frozenset({Status.DIVERIFIKASI, Status.DIDISPOSISIKAN, Status.DITINDAKLANJUTI, Status.DIBUKA_KEMBALI}),
        Status.DIDISPOSISIKAN,
    ),
    "start": (frozenset({Status.DIDISPOSISIKAN, Status.DIBUKA_KEMBALI}), Status.DITINDAKLANJUTI),
    "answer": (frozenset({Status.DITINDAKLANJUTI}), Status.DIJAWAB),
    "accept": (frozenset({Status.DIJAWAB}), Status.DITUTUP),
    "autoclose": (frozenset({Status.DIJAWAB}), Status.DITUTUP),
    "dispute": (frozenset({Status.DIJAWAB}), Status.DIBUKA_KEMBALI),
    "merge": (OPEN_STATUSES, Status.DIGABUNG),
}

ACTION_LABELS = {
    "verify": gettext_lazy("memverifikasi"),
    "reject": gettext_lazy("menolak"),
    "request_info": gettext_lazy("meminta informasi tambahan"),
    "info_received": gettext_lazy("menerima informasi tambahan"),
    "dispose": gettext_lazy("mendisposisikan"),
    "start": gettext_lazy("memulai tindak lanjut"),
    "answer": gettext_lazy("menjawab"),
    "accept": gettext_lazy("menerima jawaban"),
    "autoclose": gettext_lazy("menutup otomatis"),
    "dispute": gettext_lazy("menyanggah jawaban"),
    "merge": gettext_lazy("menggabungkan"),
}


def allowed_actions(kasus: Kasus) -> set[str]:
    return {action for action, (sources, _to) in TRANSITIONS.items() if kasus.status in sources}


def _check(kasus: Kasus, action: str) -> str | None:
    sources, target = TRANSITIONS[action]
    if kasus.status not in sources:
        raise TransitionNotAllowed(
            _("Kasus %(ref)s berstatus %(status)s, sehingga tidak dapat %(action)s.")
            % {"ref": kasus.reference, "status": kasus.get_status_display(), "action": ACTION_LABELS[action]}
        )
    return target


def _lock(kasus_id: int) -> Kasus:
    return Kasus.objects.select_for_update().get(pk=kasus_id)


def _user_or_none(actor: User | None) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def _next_reference(year: int) -> str:
    """Take the year's next number. The row lock is held until the caller's transaction ends,
    so numbers are consecutive and never reused even when cases are opened at the same moment."""
    ReferenceSequence.objects.get_or_create(year=year)  # a concurrent insert waits, then finds the row
    seq = ReferenceSequence.objects.select_for_update().get(pk=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"KSS-{year}-{seq.last:06d}"


def kasus_log(
    *,
    kasus: Kasus,
    kind: str,
    visibility: str,
    message: str | Promise = "",
    actor: User | None = None,
    data: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    by_reporter: bool = False,
) -> Riwayat:
    """Append one entry to the case timeline. The only way a Riwayat is written.

    `params` fill the kind's template (kinds.py) when the entry is read; `message` holds only what a
    person wrote. A lazy `message` without params is stored in the portal's language, as before templates.
    `by_reporter`: the action was taken through the reporter's capabilities, whoever is signed in.
    """
    if "." not in kind:
        raise ValueError("riwayat kind must be namespaced, like 'kasus.disposed'")
    if visibility not in Visibility.values:
        raise ValueError(f"unknown visibility {visibility!r}")
    if isinstance(message, Promise):
        with translation.override(settings.LANGUAGE_CODE):
            message = str(message)
    return Riwayat.objects.create(
        kasus=kasus,
        kind=kind,
        visibility=visibility,
        message=message,
        params=params,
        by_reporter=by_reporter,
        actor=_user_or_none(actor),
        data=data or {},
    )


# Notifications ------------------------------------------------------------------------------------


class OpdSafeKasus:
    """A case as staff emails see it: everything except who reported it and the reporter's tracking link."""

    HIDDEN = frozenset(
        {
            "reporter",
            "reporter_id",
            "reporter_name",
            "reporter_email",
            "reporter_phone",
            "reporter_language",
            "reporter_display",
            "contact_email",
            "tracking_token",
        }
    )

    def __init__(self, kasus: Kasus):
        self._kasus = kasus

    def __getattr__(self, name: str) -> Any:
        if name in self.HIDDEN:
            raise AttributeError(name)
        return getattr(self._kasus, name)


def tracking_url(kasus: Kasus) -> str:
    return settings.SITE_URL + reverse("kasus:track_detail", args=[kasus.tracking_token])


def notify_reporter(
    kasus: Kasus, *, template: str, context: dict | None = None, attachments: list[Attachment] | None = None
) -> None:
    """Email this case's reporter only (user or guest), in their language: for messages meant for them alone."""
    to = kasus.contact_email()
    if not to:
        return
    language = kasus.reporter.language if kasus.reporter_id else kasus.reporter_language
    outbox_enqueue(
        to=to,
        template=template,
        context={"kasus": kasus, **(context or {})},
        language=language,
        kasus=kasus,
        attachments=attachments,
    )


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    # A follower who is not this case's reporter gets the tracking page of the case they reported
    # (which links here), never this case's own link: that link lets its holder act as the reporter.
    is_follower: bool
    track_url: str = ""


def follower_recipients(kasus: Kasus) -> list[Recipient]:
    """Everyone who gets this case's public updates, each address once: its reporter first, then its followers."""
    recipients: dict[str, Recipient] = {}
    reporter_email = kasus.contact_email().lower()
    if reporter_email:
        language = kasus.reporter.language if kasus.reporter_id else kasus.reporter_language
        recipients[reporter_email] = Recipient(reporter_email, language, is_follower=False)
    for row in kasus.pengikut.select_related("user", "reported_kasus"):
        if row.user_id and not row.user.is_active:
            continue
        email = (row.user.email if row.user_id else row.email).lower()
        if not email or email in recipients:
            continue
        language = row.user.language if row.user_id else row.language
        url = tracking_url(row.reported_kasus) if row.reported_kasus is not None else ""
        recipients[email] = Recipient(email, language, is_follower=True, track_url=url)
    return list(recipients.values())


def notify_followers(
    kasus: Kasus, *, template: str, context: dict | None = None, attachments: list[Attachment] | None = None
) -> None:
    """Email a public update to every follower of the case, each once and in their own language."""
    for recipient in follower_recipients(kasus):
        outbox_enqueue(
            to=recipient.email,
            template=template,
            context={
                "kasus": kasus,
                "is_follower": recipient.is_follower,
                "track_url": recipient.track_url,
                **(context or {}),
            },
            language=recipient.language,
            kasus=kasus,
            attachments=attachments,
        )


def _opd_recipients(opd: Opd) -> dict[str, str]:
    """Email address -> language of an OPD's shared address and its active officers."""
    recipients = {opd.email.lower(): settings.LANGUAGE_CODE} if opd.email else {}
    officers = get_user_model().objects.filter(opd=opd, is_active=True, groups__name="opd")
    recipients.update({email.lower(): language for email, language in officers.values_list("email", "language")})
    return recipients


def _role_recipients(roles: list[str]) -> dict[str, str]:
    users = get_user_model().objects.filter(groups__name__in=roles, is_active=True).distinct()
    return {email.lower(): language for email, language in users.values_list("email", "language")}


def _notify_staff(kasus: Kasus, recipients: dict[str, str], *, template: str, context: dict) -> None:
    """Email staff; templates never see the reporter's identity, anonymous case or not."""
    safe = {"kasus": OpdSafeKasus(kasus), **context}
    for to in sorted(recipients):
        outbox_enqueue(to=to, template=template, context=safe, language=recipients[to], kasus=kasus)


def staff_actor(entry: Riwayat) -> Promise:
    """Who acted, as staff emails name them (in each recipient's language): never the reporter by name,
    as those emails carry no reporter identity."""
    return lazy(actor_label, str)(entry, entry.kasus, sees_identity=False, staff_view=True)


def notify_opd(kasus: Kasus, opd: Opd, *, template: str, context: dict | None = None) -> None:
    """Email an OPD's address and its officers. Templates get no reporter identity, anonymous or not."""
    _notify_staff(kasus, _opd_recipients(opd), template=template, context={"opd": opd, **(context or {})})


# Followers --------------------------------------------------------------------------------------


def _pengikut_get_or_create(
    *,
    kasus: Kasus,
    user: User | None,
    email: str,
    language: str,
    reason: str,
    reported_kasus: Kasus | None,
) -> tuple[Pengikut | None, bool]:
    email = "" if user is not None else (email or "").strip().lower()
    if user is None and not email:
        return None, False
    rows = Pengikut.objects.filter(kasus=kasus)
    existing = (rows.filter(user=user) if user is not None else rows.filter(user__isnull=True, email=email)).first()
    if existing is not None:
        return existing, False
    row = Pengikut.objects.create(
        kasus=kasus, user=user, email=email, language=language, reason=reason, reported_kasus=reported_kasus
    )
    return row, True


def pengikut_add(
    *,
    kasus: Kasus,
    user: User | None = None,
    email: str = "",
    language: str = "id",
    reason: str = Pengikut.Reason.FOLLOW,
    reported_kasus: Kasus | None = None,
) -> Pengikut | None:
    """Let a user (or a guest's email) follow a case; an address already following it keeps its row.

    Runs inside the caller's transaction, which holds the case's lock. None when there is no one to add.
    """
    row, _created = _pengikut_get_or_create(
        kasus=kasus,
        user=_user_or_none(user),
        email=email,
        language=language,
        reason=reason,
        reported_kasus=reported_kasus,
    )
    return row


# Opening ------------------------------------------------------------------------------------------


def _kecamatan_of(wilayah: Wilayah | None) -> Wilayah | None:
    return wilayah.kecamatan if wilayah is not None else None


@transaction.atomic
def kasus_open(
    *,
    title: str,
    summary: str = "",
    channel: str = Channel.WEB,
    actor: User | None = None,
    reporter: User | None = None,
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    reporter_language: str = "id",
    kategori: Kategori | None = None,
    wilayah: Wilayah | None = None,
    priority: str = Priority.SEDANG,
    is_anonymous: bool = False,
    is_confidential: bool = False,
    confirmed: bool = True,
    kind: str = "kasus.opened",
    message: str | Promise = "",
    params: dict | None = None,
    by_reporter: bool = False,
    data: dict | None = None,
    notify: bool = True,
    lapor_tracking_id: str = "",
) -> Kasus:
    """Open a case with its first timeline entry. Unconfirmed cases stay out of the queue.

    The entry is `kind` with `params` (the channel is always among them), or a `message` without params."""
    now = timezone.now()
    lapor_tracking_id = _clean_lapor_tracking_id(lapor_tracking_id)
    kasus = Kasus.objects.create(
        reference=_next_reference(timezone.localdate(now).year),
        title=title,
        summary=summary,
        channel=channel,
        reporter=reporter,
        reporter_name=reporter_name,
        reporter_email=(reporter_email or "").lower(),
        reporter_phone=reporter_phone,
        reporter_language=reporter_language,
        kategori=kategori,
        wilayah=wilayah,
        kecamatan=_kecamatan_of(wilayah),
        priority=priority,
        is_anonymous=is_anonymous,
        is_confidential=is_confidential,
        confirmed_at=now if confirmed else None,
        due_at=add_working_days(now, sla_days("verify_days")) if confirmed else None,
        created_at=now,
    )
    if lapor_tracking_id:
        kasus.lapor_tracking_id = lapor_tracking_id
        with _lapor_unique(lapor_tracking_id, kasus_pk=kasus.pk):
            kasus.save(update_fields=["lapor_tracking_id"])
    pengikut_add(
        kasus=kasus,
        user=reporter,
        email="" if reporter else kasus.reporter_email,
        language=reporter_language,
        reason=Pengikut.Reason.REPORTER,
        reported_kasus=kasus,
    )
    kasus_log(
        kasus=kasus,
        kind=kind,
        visibility=Visibility.PUBLIK,
        message=message,
        params=None if message and params is None else {"channel": ref("channel", channel), **(params or {})},
        by_reporter=by_reporter,
        actor=actor,
        data={"channel": channel, **(data or {})},
    )
    if confirmed and notify:
        notify_reporter(kasus, template="kasus_opened")
    return kasus


CONFIRMED_BY_EMAIL = "email"


@transaction.atomic
def kasus_confirm(*, kasus_id: int, actor: User | None = None, via: str = "") -> Kasus:
    """A guest confirmed their case, or staff met them at the door: the case enters the queue, its clock starts.

    `via=CONFIRMED_BY_EMAIL` when they pressed the link emailed to them: the address is then proven theirs.
    """
    kasus = _lock(kasus_id)
    if kasus.confirmed_at is not None:
        return kasus
    now = timezone.now()
    kasus.confirmed_at = now
    kasus.due_at = add_working_days(now, sla_days("verify_days"))
    kasus.save(update_fields=["confirmed_at", "due_at", "updated_at"])
    kasus_log(
        kasus=kasus,
        kind="kasus.confirmed",
        visibility=Visibility.PUBLIK,
        params={},
        actor=actor,
        by_reporter=actor is None,
        data={"via": via} if via else None,
    )
    notify_reporter(kasus, template="kasus_opened")
    return kasus


def _verified_on_account(user: User, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def kasus_link_guest_cases(*, user: User, email: str) -> list[Kasus]:
    """Cases sent as a guest from `email` join the account that has just verified it. Idempotent.

    Only when the address is proven on both sides: verified on the account, and confirmed by the guest
    through the link emailed for the case. A case recorded by staff, or confirmed at a sarasehan door,
    proves nothing about the address and stays a guest's case.
    """
    email = (email or "").strip().lower()
    if not email or not user.is_active or not _verified_on_account(user, email):
        return []
    candidates = list(
        Kasus.objects.filter(
            reporter__isnull=True,
            reporter_email=email,
            riwayat__kind="kasus.confirmed",
            riwayat__data__via=CONFIRMED_BY_EMAIL,
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    return [kasus for kasus in (_link_guest_case(pk, user, email) for pk in candidates) if kasus is not None]


def kasus_link_guest_cases_of_address(*, email: str) -> list[Kasus]:
    """A guest has just proved `email` through the emailed link: if an account verified it, the cases are its."""
    address = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
    if address is None:
        return []
    return kasus_link_guest_cases(user=address.user, email=email)


@transaction.atomic
def _link_guest_case(kasus_id: int, user: User, email: str) -> Kasus | None:
    kasus = _lock(kasus_id)
    if kasus.reporter_id is not None or kasus.reporter_email != email:
        return None  # linked meanwhile
    kasus.reporter = user
    kasus.save(update_fields=["reporter", "updated_at"])
    # The guest followed this case (and the cases it was merged into) by address; now they follow by account.
    for row in Pengikut.objects.select_for_update().filter(user__isnull=True, email=email, reported_kasus=kasus):
        if Pengikut.objects.filter(kasus_id=row.kasus_id, user=user).exists():
            row.delete()
        else:
            row.user, row.email = user, ""
            row.save(update_fields=["user", "email"])
    kasus_log(
        kasus=kasus,
        kind="kasus.linked_account",
        visibility=Visibility.PELAPOR,
        params={},
        actor=user,
        by_reporter=True,
        data={"user": user.pk},
    )
    return kasus


# Transitions --------------------------------------------------------------------------------------


def _transition(kasus: Kasus, action: str, **kwargs: Any) -> Kasus:
    return _transition_logged(kasus, action, **kwargs)[0]


def _transition_logged(
    kasus: Kasus,
    action: str,
    *,
    actor: User | None,
    kind: str,
    message: str = "",
    params: dict | None = None,
    by_reporter: bool = False,
    visibility: str = Visibility.PUBLIK,
    data: dict | None = None,
    target: str | None = None,
    extra_fields: dict[str, Any] | None = None,
    notify_template: str | None = "kasus_status",
    notify_context: dict | None = None,
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
    reason = reason.strip()
    if not reason:
        raise KasusError(_("Alasan penolakan wajib diisi."))
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
    question = question.strip()
    if not question:
        raise KasusError(_("Tuliskan informasi yang diminta dari pelapor."))
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
def kasus_info_received(*, kasus_id: int, actor: User | None, message: str, data: dict | None = None) -> Kasus:
    """The reporter answered: the case returns to where it was and the clock runs on with the days left."""
    message = message.strip()
    if not message:
        raise KasusError(_("Informasi tambahan tidak boleh kosong."))
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
def kasus_answer(*, kasus_id: int, actor: User | None, answer: str, data: dict | None = None) -> Kasus:
    """The OPD answers; the reporter has `autoclose_days` working days to accept or dispute."""
    answer = answer.strip()
    if not answer:
        raise KasusError(_("Jawaban tidak boleh kosong."))
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
    reason = reason.strip()
    if not reason:
        raise KasusError(_("Jelaskan mengapa jawaban belum menyelesaikan masalah."))
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
    if kasus.opd_id:
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


# Notes and details --------------------------------------------------------------------------------


@transaction.atomic
def kasus_note_add(*, kasus_id: int, actor: User | None, message: str) -> Riwayat:
    message = message.strip()
    if not message:
        raise KasusError(_("Catatan tidak boleh kosong."))
    kasus = _lock(kasus_id)
    return kasus_log(kasus=kasus, kind="note.internal", visibility=Visibility.INTERNAL, message=message, actor=actor)


@transaction.atomic
def kasus_update_details(
    *, kasus_id: int, actor: User | None, kategori: Kategori | None, wilayah: Wilayah | None, priority: str
) -> Kasus:
    """Correct the case's classification; the change is logged internally."""
    kasus = _lock(kasus_id)
    before = {"kategori": kasus.kategori_id, "wilayah": kasus.wilayah_id, "priority": kasus.priority}
    kasus.kategori = kategori
    kasus.wilayah = wilayah
    kasus.kecamatan = _kecamatan_of(wilayah)
    kasus.priority = priority
    kasus.save(update_fields=["kategori", "wilayah", "kecamatan", "priority", "updated_at"])
    kasus_log(
        kasus=kasus,
        kind="kasus.updated",
        visibility=Visibility.INTERNAL,
        params={},
        actor=actor,
        data={
            "before": before,
            "after": {"kategori": kasus.kategori_id, "wilayah": kasus.wilayah_id, "priority": priority},
        },
    )
    return kasus


# One-time codes for confidential cases -----------------------------------------------------------

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


# SP4N-LAPOR! --------------------------------------------------------------------------------------


def _clean_lapor_tracking_id(value: str) -> str:
    value = normalize_lapor_tracking_id(value)
    try:
        validate_lapor_tracking_id(value)
    except ValidationError as exc:
        raise KasusError(exc.messages[0]) from exc
    return value


def _lapor_taken(lapor_tracking_id: str, *, kasus_pk: int | None) -> KasusError | None:
    if not lapor_tracking_id:
        return None
    holder = Kasus.objects.filter(lapor_tracking_id=lapor_tracking_id).exclude(pk=kasus_pk).first()
    if holder is None:
        return None
    return KasusError(
        _("Nomor SP4N-LAPOR! %(id)s sudah tercatat pada kasus %(ref)s.")
        % {"id": lapor_tracking_id, "ref": holder.reference}
    )


@contextmanager
def _lapor_unique(lapor_tracking_id: str, *, kasus_pk: int | None = None) -> Iterator[None]:
    """Refuse a number another case holds: checked first for a clear message, and by the database
    constraint when two people record the same number at the same moment."""
    taken = _lapor_taken(lapor_tracking_id, kasus_pk=kasus_pk)
    if taken is not None:
        raise taken
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        taken = _lapor_taken(lapor_tracking_id, kasus_pk=kasus_pk)
        if taken is None:
            raise
        raise taken from None


@transaction.atomic
def kasus_link_lapor(*, kasus_id: int, actor: User | None, lapor_tracking_id: str) -> Kasus:
    """Attach or change the case's SP4N-LAPOR! tracking number; an empty one removes the link."""
    value = _clean_lapor_tracking_id(lapor_tracking_id)
    kasus = _lock(kasus_id)
    if kasus.status == Status.DIGABUNG:
        raise KasusError(
            _("Kasus %(ref)s sudah digabung; catat nomor SP4N-LAPOR! pada kasus tujuannya.") % {"ref": kasus.reference}
        )
    previous = kasus.lapor_tracking_id
    if value == previous:
        return kasus
    kasus.lapor_tracking_id = value
    with _lapor_unique(value, kasus_pk=kasus.pk):
        kasus.save(update_fields=["lapor_tracking_id", "updated_at"])
    # The reporter sees it: they may follow the same report on lapor.go.id.
    kasus_log(
        kasus=kasus,
        kind="kasus.lapor_linked",
        visibility=Visibility.PELAPOR,
        params={"id": value},
        actor=actor,
        data={"from": previous, "to": value},
    )
    return kasus


# Merging ------------------------------------------------------------------------------------------

# Followers are copied, not moved: the merged case keeps its own list (see _copy_followers).
# Codes are bound to the case they were sent for (their hash includes its id): they stay behind.
NOT_MOVED_ON_MERGE = frozenset(
    {"kasus.riwayat", "kasus.outboxemail", "kasus.kasus", "kasus.pengikut", "kasus.kodeakses"}
)


def _child_relations() -> list:
    """Relations to Kasus whose rows move to the surviving case on merge (aspirasi, audiensi, ...)."""
    return [
        rel
        for rel in Kasus._meta.related_objects
        if rel.one_to_many and rel.related_model._meta.label_lower not in NOT_MOVED_ON_MERGE
    ]


def _move_children(source: Kasus, target: Kasus) -> dict[str, int]:
    moved = {}
    for rel in _child_relations():
        rows = rel.related_model._base_manager.filter(**{rel.field.name: source})
        count = rows.update(**{rel.field.name: target})
        if count:
            moved[rel.related_model._meta.label_lower] = count
    # Cases merged into the source earlier now point straight at the survivor.
    Kasus.objects.filter(merged_into=source).update(merged_into=target)
    return moved


def _copy_followers(source: Kasus, target: Kasus) -> int:
    """The merged case's followers follow the survivor; its reporters there as merged reporters."""
    added = 0
    for row in source.pengikut.all():
        reason = Pengikut.Reason.FOLLOW if row.reason == Pengikut.Reason.FOLLOW else Pengikut.Reason.MERGED_REPORTER
        _row, created = _pengikut_get_or_create(
            kasus=target,
            user=row.user,
            email=row.email,
            language=row.language,
            reason=reason,
            reported_kasus=row.reported_kasus,
        )
        added += created
    return added


@transaction.atomic
def kasus_merge(*, kasus_id: int, into_id: int, actor: User | None, reason: str = "") -> Kasus:
    """Merge a case into another: its children move, both timelines record it. Returns the survivor."""
    if kasus_id == into_id:
        raise KasusError(_("Kasus tidak dapat digabung dengan dirinya sendiri."))
    # Lock both in id order so two opposite merges cannot deadlock.
    locked = {k.pk: k for k in Kasus.objects.select_for_update().filter(pk__in=[kasus_id, into_id]).order_by("pk")}
    if len(locked) < 2:
        raise Kasus.DoesNotExist(f"kasus {kasus_id} or {into_id} does not exist")
    source, target = locked[kasus_id], locked[into_id]
    _check(source, "merge")
    if not target.is_open:
        raise KasusError(_("Kasus tujuan %(ref)s sudah tidak aktif.") % {"ref": target.reference})
    reason = reason.strip()
    moved = _move_children(source, target)
    followers_added = _copy_followers(source, target)
    # The survivor now holds the source's files, audiensi and points: it keeps the stricter privacy of the two.
    stricter = [
        name for name in ("is_anonymous", "is_confidential") if getattr(source, name) and not getattr(target, name)
    ]
    if stricter:
        for name in stricter:
            setattr(target, name, True)
        target.save(update_fields=[*stricter, "updated_at"])
    _transition(
        source,
        "merge",
        actor=actor,
        kind="kasus.merged",
        params={"ref": target.reference},
        data={"into": target.pk, "into_reference": target.reference, "reason": reason, "moved": moved},
        extra_fields={"merged_into": target},
        notify_context={"target": target},
    )
    kasus_log(
        kasus=target,
        kind="kasus.merge_received",
        visibility=Visibility.PUBLIK,
        params={"ref": source.reference},
        actor=actor,
        data={
            "from": source.pk,
            "from_reference": source.reference,
            "reason": reason,
            "moved": moved,
            "followers_added": followers_added,
            "privacy_raised": stricter,
        },
    )
    return target


# Follow-up commitments ----------------------------------------------------------------------------


@transaction.atomic
def tindak_lanjut_add(
    *,
    kasus_id: int,
    actor: User | None,
    description: str,
    opd: Opd,
    due_date: dt.date,
    source: str = "",
    source_kind: str = "",
    source_id: int | None = None,
) -> TindakLanjut:
    description = description.strip()
    if not description:
        raise KasusError(_("Uraian tindak lanjut wajib diisi."))
    kasus = _lock(kasus_id)
    if kasus.status == Status.DIGABUNG:
        raise KasusError(
            _("Kasus %(ref)s sudah digabung; catat tindak lanjut pada kasus tujuannya.") % {"ref": kasus.reference}
        )
    item = TindakLanjut.objects.create(
        kasus=kasus,
        description=description,
        opd=opd,
        due_date=due_date,
        source=source,
        source_kind=source_kind,
        source_id=source_id,
        created_by=_user_or_none(actor),
    )
    kasus_log(
        kasus=kasus,
        kind="tindak_lanjut.added",
        visibility=Visibility.PUBLIK,
        params={"desc": description, "opd": ref("opd", opd.pk, opd.nama), "due": day(due_date)},
        actor=actor,
        data={"tindak_lanjut": item.pk, "opd": opd.pk, "due_date": due_date.isoformat(), "source": source},
    )
    notify_opd(kasus, opd, template="tindak_lanjut_added", context={"item": item})
    return item


def _lock_tindak_lanjut(tindak_lanjut_id: int) -> TindakLanjut:
    """Lock the case, then the commitment: the order every writer uses, so none deadlocks with a merge."""
    while True:
        kasus_id = TindakLanjut.objects.values_list("kasus_id", flat=True).get(pk=tindak_lanjut_id)
        kasus = _lock(kasus_id)
        item = TindakLanjut.objects.select_for_update().get(pk=tindak_lanjut_id)
        if item.kasus_id == kasus.pk:  # else a merge moved it meanwhile: lock its new case
            item.kasus = kasus
            return item


@transaction.atomic
def tindak_lanjut_complete(*, tindak_lanjut_id: int, actor: User | None, evidence: str) -> TindakLanjut:
    evidence = evidence.strip()
    item = _lock_tindak_lanjut(tindak_lanjut_id)
    if item.status == TindakLanjut.Status.SELESAI:
        raise KasusError(_("Tindak lanjut ini sudah selesai."))
    if not evidence:
        raise KasusError(_("Jelaskan bukti penyelesaian tindak lanjut."))
    item.status = TindakLanjut.Status.SELESAI
    item.done_at = timezone.now()
    item.evidence = evidence
    item.save(update_fields=["status", "done_at", "evidence"])
    kasus_log(
        kasus=item.kasus,
        kind="tindak_lanjut.done",
        visibility=Visibility.PUBLIK,
        params={"desc": item.description, "evidence": evidence},
        actor=actor,
        data={"tindak_lanjut": item.pk},
    )
    notify_followers(item.kasus, template="tindak_lanjut_done", context={"item": item})
    return item


# SLA sweep (periodic task) ------------------------------------------------------------------------


def _escalation_q(now: dt.datetime) -> Q:
    """Late cases due for their next escalation step: the first when late, the next when its time came."""
    return late_q(now) & (
        Q(escalation_level=0) | Q(escalation_level__lt=MAX_ESCALATION_LEVEL, next_escalation_at__lt=now)
    )


@transaction.atomic
def _escalate(kasus_id: int, now: dt.datetime) -> bool:
    """Escalate one late case by one level: petugas and the OPD first, then pimpinan too.

    The promised deadline (due_at) stays where it is, so the case stays late everywhere until answered;
    the escalation keeps its own clock in next_escalation_at.
    """
    kasus = _lock(kasus_id)
    if not Kasus.objects.filter(_escalation_q(now), pk=kasus_id).exists():
        return False  # answered, paused or escalated by a concurrent sweep since the candidates were read
    kasus.escalation_level += 1
    kasus.escalated_at = now
    if kasus.escalation_level < MAX_ESCALATION_LEVEL:
        # If the case is still late this many working days later, the next level is told.
        kasus.next_escalation_at = add_working_days(now, sla_days("escalate_after_days"))
        roles = ["petugas"]
    else:
        kasus.next_escalation_at = None
        roles = ["petugas", "pimpinan"]
    kasus.save(update_fields=["escalation_level", "escalated_at", "next_escalation_at", "updated_at"])
    entry = kasus_log(
        kasus=kasus,
        kind="kasus.overdue",
        visibility=Visibility.INTERNAL,
        params={"level": kasus.escalation_level},
        data={"level": kasus.escalation_level},
    )
    message = riwayat_text_lazy(entry)
    recipients = _role_recipients(roles)
    if kasus.opd_id:
        recipients.update(_opd_recipients(kasus.opd))
    _notify_staff(kasus, recipients, template="kasus_overdue", context={"message": message, "opd": kasus.opd})
    return True


def kasus_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Escalate each late case one step per sweep, each step once. Idempotent; returns how many moved."""
    now = now or timezone.now()
    candidates = list(Kasus.objects.filter(_escalation_q(now)).values_list("pk", flat=True))
    return sum(_escalate(kasus_id, now) for kasus_id in candidates)


def kasus_autoclose_answered(*, now: dt.datetime | None = None) -> int:
    """Close answered cases whose dispute window has passed. Idempotent; returns how many closed."""
    now = now or timezone.now()
    closed = 0
    for kasus_id in list(Kasus.objects.filter(status=Status.DIJAWAB, due_at__lt=now).values_list("pk", flat=True)):
        try:
            kasus_autoclose(kasus_id=kasus_id, now=now)
        except KasusError:
            continue  # disputed or re-answered since the query
        closed += 1
    return closed


__all__ = [
    "Attachment",
    "KasusError",
    "OpdSafeKasus",
    "TransitionNotAllowed",
    "allowed_actions",
    "kasus_accept",
    "kasus_answer",
    "kasus_autoclose",
    "kasus_autoclose_answered",
    "kasus_confirm",
    "kasus_dispose",
    "kasus_dispute",
    "kasus_escalate_overdue",
    "kasus_info_received",
    "kasus_link_lapor",
    "kasus_link_guest_cases",
    "kasus_link_guest_cases_of_address",
    "kasus_log",
    "kasus_merge",
    "kasus_note_add",
    "kasus_open",
    "kasus_reject",
    "kasus_request_info",
    "kasus_start",
    "kasus_update_details",
    "kasus_verify",
    "follower_recipients",
    "notify_followers",
    "notify_opd",
    "notify_reporter",
    "pengikut_add",
    "tindak_lanjut_add",
    "tindak_lanjut_complete",
]
