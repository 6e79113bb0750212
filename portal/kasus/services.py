"""Every write to a case. Each transition locks the row, checks, saves, logs and notifies on commit."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.wilayah.models import Kategori, Opd, Wilayah

from .calendar import add_working_days, working_days_between
from .models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Channel,
    Kasus,
    Priority,
    ReferenceSequence,
    Riwayat,
    Status,
    TindakLanjut,
)
from .outbox import Attachment, outbox_enqueue

Visibility = Riwayat.Visibility


class KasusError(Exception):
    """A rule of the case record refused the change; the message is translated and safe to show."""


class TransitionNotAllowed(KasusError):
    pass


def sla_days(name: str) -> int:
    return settings.PORTAL_SLA[name]


# Which statuses each action may start from, and where it leads.
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


def _next_reference(year: int) -> str:
    for _attempt in range(3):
        try:
            with transaction.atomic():
                seq, _created = ReferenceSequence.objects.select_for_update().get_or_create(year=year)
                ReferenceSequence.objects.filter(pk=year).update(last=F("last") + 1)
                seq.refresh_from_db(fields=["last"])
                return f"KSS-{year}-{seq.last:06d}"
        except IntegrityError:
            continue  # another transaction created the year's row first; lock it now
    raise KasusError(_("Nomor kasus tidak dapat dibuat. Silakan coba lagi."))


def kasus_log(
    *,
    kasus: Kasus,
    kind: str,
    visibility: str,
    message: str = "",
    actor=None,
    data: dict[str, Any] | None = None,
) -> Riwayat:
    """Append one entry to the case timeline. The only way a Riwayat is written."""
    if "." not in kind:
        raise ValueError("riwayat kind must be namespaced, like 'kasus.disposed'")
    if visibility not in Visibility.values:
        raise ValueError(f"unknown visibility {visibility!r}")
    return Riwayat.objects.create(
        kasus=kasus,
        kind=kind,
        visibility=visibility,
        message=message,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        data=data or {},
    )


def notify_reporter(kasus: Kasus, *, template: str, context: dict | None = None, attachments=None) -> None:
    """Email the reporter (user or guest) about a change that matters to them."""
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


def notify_opd(kasus: Kasus, opd: Opd, *, template: str, context: dict | None = None) -> None:
    """Email an OPD's address and its officers. Templates get no reporter identity, anonymous or not."""
    from portal.akun.models import User

    recipients = {opd.email} if opd.email else set()
    recipients |= set(User.objects.filter(opd=opd, is_active=True, groups__name="opd").values_list("email", flat=True))
    for to in sorted(recipients):
        outbox_enqueue(to=to, template=template, context={"kasus": kasus, "opd": opd, **(context or {})}, kasus=kasus)


def _kecamatan_of(wilayah: Wilayah | None) -> Wilayah | None:
    return wilayah.kecamatan if wilayah is not None else None


@transaction.atomic
def kasus_open(
    *,
    title: str,
    summary: str = "",
    channel: str = Channel.WEB,
    actor=None,
    reporter=None,
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
    message: str = "",
    data: dict | None = None,
    notify: bool = True,
) -> Kasus:
    """Open a case with its first timeline entry. Unconfirmed cases stay out of the queue."""
    now = timezone.now()
    kasus = Kasus.objects.create(
        reference=_next_reference(timezone.localdate(now).year),
        title=title,
        summary=summary,
        channel=channel,
        reporter=reporter,
        reporter_name=reporter_name,
        reporter_email=reporter_email.lower(),
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
    kasus_log(
        kasus=kasus,
        kind=kind,
        visibility=Visibility.PUBLIK,
        message=message or _("Kasus dibuka melalui kanal %(channel)s.") % {"channel": kasus.get_channel_display()},
        actor=actor,
        data={"channel": channel, **(data or {})},
    )
    if confirmed and notify:
        notify_reporter(kasus, template="kasus_opened")
    return kasus


@transaction.atomic
def kasus_confirm(*, kasus_id: int) -> Kasus:
    """A guest confirmed their email: the case enters the queue and its SLA clock starts."""
    kasus = _lock(kasus_id)
    if kasus.confirmed_at is not None:
        return kasus
    now = timezone.now()
    kasus.confirmed_at = now
    kasus.due_at = add_working_days(now, sla_days("verify_days"))
    kasus.save(update_fields=["confirmed_at", "due_at", "updated_at"])
    kasus_log(
        kasus=kasus, kind="kasus.confirmed", visibility=Visibility.PUBLIK, message=_("Email pelapor dikonfirmasi.")
    )
    notify_reporter(kasus, template="kasus_opened")
    return kasus


def _transition(
    kasus_id: int,
    action: str,
    *,
    actor,
    kind: str,
    message: str,
    visibility: str = Visibility.PUBLIK,
    data: dict | None = None,
    target: str | None = None,
    extra_fields: dict[str, Any] | None = None,
    notify_template: str | None = "kasus_status",
    notify_context: dict | None = None,
) -> Kasus:
    kasus = _lock(kasus_id)
    to_status = _check(kasus, action) or target
    previous = kasus.status
    kasus.status = to_status
    fields = ["status", "updated_at"]
    for name, value in (extra_fields or {}).items():
        setattr(kasus, name, value)
        fields.append(name)
    if to_status in CLOSED_STATUSES and "closed_at" not in fields:
        kasus.closed_at = timezone.now()
        kasus.due_at = None
        fields += ["closed_at", "due_at"]
    kasus.save(update_fields=fields)
    kasus_log(
        kasus=kasus,
        kind=kind,
        visibility=visibility,
        message=message,
        actor=actor,
        data={"from": previous, "to": to_status, **(data or {})},
    )
    if notify_template and visibility != Visibility.INTERNAL:
        notify_reporter(kasus, template=notify_template, context={"message": message, **(notify_context or {})})
    return kasus


@transaction.atomic
def kasus_verify(
    *, kasus_id: int, actor, kategori: Kategori | None = None, priority: str | None = None, note: str = ""
) -> Kasus:
    kasus = _lock(kasus_id)
    extra: dict[str, Any] = {"due_at": add_working_days(timezone.now(), sla_days("verify_days"))}
    if kategori is not None:
        extra["kategori"] = kategori
    if priority:
        extra["priority"] = priority
    return _transition(
        kasus.pk,
        "verify",
        actor=actor,
        kind="kasus.verified",
        message=note or _("Kasus telah diverifikasi dan akan diteruskan ke OPD terkait."),
        extra_fields=extra,
    )


@transaction.atomic
def kasus_reject(*, kasus_id: int, actor, reason: str) -> Kasus:
    if not reason.strip():
        raise KasusError(_("Alasan penolakan wajib diisi."))
    return _transition(
        kasus_id,
        "reject",
        actor=actor,
        kind="kasus.rejected",
        message=_("Kasus ditolak. Alasan: %(reason)s") % {"reason": reason.strip()},
        data={"reason": reason.strip()},
    )


@transaction.atomic
def kasus_request_info(*, kasus_id: int, actor, question: str) -> Kasus:
    """Ask the reporter for more information; the SLA clock pauses until they answer."""
    if not question.strip():
        raise KasusError(_("Tuliskan informasi yang diminta dari pelapor."))
    kasus = _lock(kasus_id)
    remaining = working_days_between(timezone.now(), kasus.due_at) if kasus.due_at else sla_days("verify_days")
    return _transition(
        kasus_id,
        "request_info",
        actor=actor,
        kind="kasus.info_requested",
        visibility=Visibility.PELAPOR,
        message=question.strip(),
        extra_fields={"status_before_pause": kasus.status, "sla_remaining_days": max(remaining, 1), "due_at": None},
        notify_template="kasus_info_requested",
    )


@transaction.atomic
def kasus_info_received(*, kasus_id: int, actor, message: str, data: dict | None = None) -> Kasus:
    """The reporter answered: the case returns to where it was and the clock runs again."""
    if not message.strip():
        raise KasusError(_("Informasi tambahan tidak boleh kosong."))
    kasus = _lock(kasus_id)
    _check(kasus, "info_received")
    return _transition(
        kasus_id,
        "info_received",
        actor=actor,
        kind="kasus.info_received",
        visibility=Visibility.PELAPOR,
        message=message.strip(),
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
def kasus_dispose(*, kasus_id: int, actor, opd: Opd, note: str = "") -> Kasus:
    kasus = _lock(kasus_id)
    if kasus.opd_id == opd.pk and kasus.status == Status.DIDISPOSISIKAN:
        raise KasusError(_("Kasus ini sudah didisposisikan ke %(opd)s.") % {"opd": opd})
    kasus = _transition(
        kasus_id,
        "dispose",
        actor=actor,
        kind="kasus.disposed",
        message=_("Kasus diteruskan ke %(opd)s untuk ditindaklanjuti.") % {"opd": opd.nama},
        data={"opd": opd.pk, "opd_nama": opd.nama, "note": note, "previous_opd": kasus.opd_id},
        extra_fields={
            "opd": opd,
            "due_at": add_working_days(timezone.now(), sla_days("followup_days")),
            "escalation_level": 0,
        },
    )
    if note:
        kasus_log(kasus=kasus, kind="note.internal", visibility=Visibility.INTERNAL, message=note, actor=actor)
    notify_opd(kasus, opd, template="kasus_disposed", context={"note": note})
    return kasus


@transaction.atomic
def kasus_start(*, kasus_id: int, actor, note: str = "") -> Kasus:
    return _transition(
        kasus_id,
        "start",
        actor=actor,
        kind="kasus.started",
        message=note or _("OPD mulai menindaklanjuti kasus ini."),
    )


@transaction.atomic
def kasus_answer(*, kasus_id: int, actor, answer: str, data: dict | None = None) -> Kasus:
    if not answer.strip():
        raise KasusError(_("Jawaban tidak boleh kosong."))
    now = timezone.now()
    return _transition(
        kasus_id,
        "answer",
        actor=actor,
        kind="kasus.answered",
        message=answer.strip(),
        data=data,
        extra_fields={"answered_at": now, "due_at": add_working_days(now, sla_days("autoclose_days"))},
        notify_template="kasus_answered",
    )


@transaction.atomic
def kasus_accept(*, kasus_id: int, actor, rating: int, comment: str = "") -> Kasus:
    if not 1 <= int(rating) <= 5:
        raise KasusError(_("Penilaian harus antara 1 dan 5."))
    return _transition(
        kasus_id,
        "accept",
        actor=actor,
        kind="kasus.accepted",
        message=comment.strip() or _("Pelapor menerima jawaban."),
        data={"rating": int(rating)},
        extra_fields={"rating": int(rating)},
        notify_template=None,
    )


@transaction.atomic
def kasus_dispute(*, kasus_id: int, actor, reason: str) -> Kasus:
    if not reason.strip():
        raise KasusError(_("Jelaskan mengapa jawaban belum menyelesaikan masalah."))
    kasus = _lock(kasus_id)
    _check(kasus, "dispute")
    window = sla_days("autoclose_days")
    if kasus.answered_at and working_days_between(kasus.answered_at, timezone.now()) > window:
        raise KasusError(
            _("Batas waktu sanggahan (%(days)s hari kerja setelah jawaban) sudah lewat.") % {"days": window}
        )
    kasus = _transition(
        kasus_id,
        "dispute",
        actor=actor,
        kind="kasus.disputed",
        message=reason.strip(),
        extra_fields={"due_at": add_working_days(timezone.now(), sla_days("followup_days")), "answered_at": None},
        notify_template=None,
    )
    if kasus.opd_id:
        notify_opd(kasus, kasus.opd, template="kasus_disputed", context={"reason": reason.strip()})
    return kasus


@transaction.atomic
def kasus_note_add(*, kasus_id: int, actor, message: str) -> Riwayat:
    if not message.strip():
        raise KasusError(_("Catatan tidak boleh kosong."))
    kasus = _lock(kasus_id)
    return kasus_log(
        kasus=kasus, kind="note.internal", visibility=Visibility.INTERNAL, message=message.strip(), actor=actor
    )


@transaction.atomic
def kasus_update_details(
    *, kasus_id: int, actor, kategori: Kategori | None, wilayah: Wilayah | None, priority: str
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
        message=_("Klasifikasi kasus diperbarui."),
        actor=actor,
        data={
            "before": before,
            "after": {"kategori": kasus.kategori_id, "wilayah": kasus.wilayah_id, "priority": priority},
        },
    )
    return kasus


NOT_MOVED_ON_MERGE = frozenset({"kasus.riwayat", "kasus.outboxemail", "kasus.kasus"})


def _child_relations():
    """Relations to Kasus whose rows move to the surviving case on merge (aspirasi, audiensi, ...)."""
    return [
        rel
        for rel in Kasus._meta.related_objects
        if rel.one_to_many and rel.related_model._meta.label_lower not in NOT_MOVED_ON_MERGE
    ]


@transaction.atomic
def kasus_merge(*, kasus_id: int, into_id: int, actor, reason: str = "") -> Kasus:
    """Merge a case into another: its children move, both timelines record it. Returns the survivor."""
    if kasus_id == into_id:
        raise KasusError(_("Kasus tidak dapat digabung dengan dirinya sendiri."))
    first, second = sorted([kasus_id, into_id])
    locked = {k.pk: k for k in Kasus.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")}
    source, target = locked[kasus_id], locked[into_id]
    if not target.is_open:
        raise KasusError(_("Kasus tujuan %(ref)s sudah tidak aktif.") % {"ref": target.reference})
    moved = {}
    for rel in _child_relations():
        count = rel.related_model._default_manager.filter(**{rel.field.name: source}).update(**{rel.field.name: target})
        if count:
            moved[rel.related_model._meta.label_lower] = count
    _transition(
        source.pk,
        "merge",
        actor=actor,
        kind="kasus.merged",
        message=_("Kasus ini digabung ke %(ref)s.") % {"ref": target.reference},
        data={"into": target.pk, "into_reference": target.reference, "reason": reason, "moved": moved},
        extra_fields={"merged_into": target},
        notify_context={"target": target},
    )
    kasus_log(
        kasus=target,
        kind="kasus.merge_received",
        visibility=Visibility.PUBLIK,
        message=_("Kasus %(ref)s digabung ke kasus ini.") % {"ref": source.reference},
        actor=actor,
        data={"from": source.pk, "from_reference": source.reference, "reason": reason, "moved": moved},
    )
    return target


@transaction.atomic
def tindak_lanjut_add(
    *,
    kasus_id: int,
    actor,
    description: str,
    opd: Opd,
    due_date: dt.date,
    source: str = "",
    source_kind: str = "",
    source_id: int | None = None,
) -> TindakLanjut:
    if not description.strip():
        raise KasusError(_("Uraian tindak lanjut wajib diisi."))
    kasus = _lock(kasus_id)
    item = TindakLanjut.objects.create(
        kasus=kasus,
        description=description.strip(),
        opd=opd,
        due_date=due_date,
        source=source,
        source_kind=source_kind,
        source_id=source_id,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    kasus_log(
        kasus=kasus,
        kind="tindak_lanjut.added",
        visibility=Visibility.PUBLIK,
        message=_("Tindak lanjut: %(desc)s (%(opd)s, tenggat %(due)s).")
        % {"desc": item.description, "opd": opd.nama, "due": due_date.strftime("%d-%m-%Y")},
        actor=actor,
        data={"tindak_lanjut": item.pk, "opd": opd.pk, "due_date": due_date.isoformat(), "source": source},
    )
    notify_opd(kasus, opd, template="tindak_lanjut_added", context={"item": item})
    return item


@transaction.atomic
def tindak_lanjut_complete(*, tindak_lanjut_id: int, actor, evidence: str) -> TindakLanjut:
    item = TindakLanjut.objects.select_for_update().select_related("kasus", "opd").get(pk=tindak_lanjut_id)
    if item.status == TindakLanjut.Status.SELESAI:
        raise KasusError(_("Tindak lanjut ini sudah selesai."))
    if not evidence.strip():
        raise KasusError(_("Jelaskan bukti penyelesaian tindak lanjut."))
    item.status = TindakLanjut.Status.SELESAI
    item.done_at = timezone.now()
    item.evidence = evidence.strip()
    item.save(update_fields=["status", "done_at", "evidence"])
    kasus_log(
        kasus=item.kasus,
        kind="tindak_lanjut.done",
        visibility=Visibility.PUBLIK,
        message=_("Tindak lanjut selesai: %(desc)s. %(evidence)s")
        % {"desc": item.description, "evidence": item.evidence},
        actor=actor,
        data={"tindak_lanjut": item.pk},
    )
    notify_reporter(item.kasus, template="tindak_lanjut_done", context={"item": item})
    return item


def kasus_escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Raise the escalation level of overdue cases once per deadline; notify OPD, petugas, pimpinan."""
    from portal.akun.models import User

    now = now or timezone.now()
    count = 0
    candidates = (
        Kasus.objects.overdue(now)
        .exclude(status=Status.DIJAWAB)
        .filter(escalation_level__lt=2)
        .values_list("pk", flat=True)
    )
    for kasus_id in candidates:
        with transaction.atomic():
            kasus = _lock(kasus_id)
            if not kasus.is_open or kasus.due_at is None or kasus.due_at >= now or kasus.escalation_level >= 2:
                continue
            kasus.escalation_level += 1
            fields = ["escalation_level", "updated_at"]
            if kasus.escalation_level == 1:
                # A second deadline: if still late after it, pimpinan is told.
                kasus.due_at = add_working_days(now, sla_days("escalate_after_days"))
                fields.append("due_at")
                roles = ["petugas"]
                message = _("Kasus melewati batas waktu layanan.")
            else:
                roles = ["petugas", "pimpinan"]
                message = _("Kasus masih terlambat setelah batas kedua; dieskalasi ke pimpinan.")
            kasus.save(update_fields=fields)
            kasus_log(
                kasus=kasus,
                kind="kasus.overdue",
                visibility=Visibility.INTERNAL,
                message=message,
                data={"level": kasus.escalation_level},
            )
            for email in (
                User.objects.filter(groups__name__in=roles, is_active=True).values_list("email", flat=True).distinct()
            ):
                outbox_enqueue(
                    to=email, template="kasus_overdue", context={"kasus": kasus, "message": message}, kasus=kasus
                )
            if kasus.opd_id:
                notify_opd(kasus, kasus.opd, template="kasus_overdue", context={"message": message})
            count += 1
    return count


def kasus_autoclose_answered(*, now: dt.datetime | None = None) -> int:
    """Close answered cases whose dispute window has passed."""
    now = now or timezone.now()
    count = 0
    ids = Kasus.objects.filter(status=Status.DIJAWAB, due_at__lt=now).values_list("pk", flat=True)
    for kasus_id in ids:
        with transaction.atomic():
            kasus = _lock(kasus_id)
            if kasus.status != Status.DIJAWAB or kasus.due_at is None or kasus.due_at >= now:
                continue
            _transition(
                kasus.pk,
                "autoclose",
                actor=None,
                kind="kasus.autoclosed",
                message=_("Kasus ditutup otomatis karena tidak ada tanggapan atas jawaban dalam %(days)s hari kerja.")
                % {"days": sla_days("autoclose_days")},
            )
            count += 1
    return count


__all__ = [
    "Attachment",
    "KasusError",
    "TransitionNotAllowed",
    "allowed_actions",
    "kasus_accept",
    "kasus_answer",
    "kasus_autoclose_answered",
    "kasus_confirm",
    "kasus_dispose",
    "kasus_dispute",
    "kasus_escalate_overdue",
    "kasus_info_received",
    "kasus_log",
    "kasus_merge",
    "kasus_note_add",
    "kasus_open",
    "kasus_reject",
    "kasus_request_info",
    "kasus_start",
    "kasus_update_details",
    "kasus_verify",
    "notify_opd",
    "notify_reporter",
    "tindak_lanjut_add",
    "tindak_lanjut_complete",
]
