"""Every write of the audiensi app. Each step locks, checks, saves, writes the case timeline and notifies.

No double booking: a request or a move locks the pejabat row (select_for_update), checks
that no held audiensi overlaps, then writes. On PostgreSQL the exclusion constraint
`audiensi_no_overlap` refuses what slipped through; its IntegrityError becomes SlotTaken.
On SQLite every write transaction takes the database lock first (transaction_mode IMMEDIATE).

Lock order (LOCK_ORDER) for audiensi and sarasehan, the same as portal.kasus's `_lock_tindak_lanjut`:
the resident's own user row (a request serialises their submissions), then the case rows (sorted by id),
then the audiensi or sarasehan row, then the pejabat rows (sorted by id) or the sarasehan's registrations.
`_lock` takes the case and the audiensi and only then checks the status against TRANSITIONS, so every
check sees what no other writer can change before the commit.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, cast

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.akun.models import User
from portal.akun.selectors import email_verified
from portal.kasus import services as kasus_services
from portal.kasus.calendar import WorkingCalendar, add_working_days
from portal.kasus.kinds import moment, ref, riwayat_text_lazy
from portal.kasus.models import Channel, Kasus, Riwayat, TindakLanjut
from portal.kasus.outbox import Attachment, outbox_enqueue
from portal.kasus.services import KasusError, OpdSafeKasus, kasus_log, notify_opd, required_text
from portal.kasus.statemachine import allowed_in, allows, moved_fields
from portal.wilayah.models import Opd, Pejabat

from . import ics
from .models import (
    OPEN_STATUSES,
    AturanMingguan,
    Audiensi,
    PengaturanAudiensi,
    Pengecualian,
    Status,
)
from .selectors import _blocked_by_exception, _day_slots, booking_window, settings_for

PELAPOR = Riwayat.Visibility.PELAPOR
PUBLIK = Riwayat.Visibility.PUBLIK
INTERNAL = Riwayat.Visibility.INTERNAL

LINK_SALT = "audiensi.tautan"
LINK_MAX_AGE = 60 * 24 * 3600
CUTOFF = dt.timedelta(hours=24)
LINK_ACTIONS = ("batal", "jadwal-ulang", "terima", "tolak")


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


# Signed links -------------------------------------------------------------------------------


def link_token(audiensi: Audiensi, action: str) -> str:
    if action not in LINK_ACTIONS:
        raise ValueError(action)
    return signing.dumps({"a": audiensi.pk, "act": action}, salt=LINK_SALT, compress=True)


def link_url(audiensi: Audiensi, action: str) -> str:
    site_url: str = settings.SITE_URL
    return site_url + reverse("audiensi:link", args=[link_token(audiensi, action)])


def link_read(token: str) -> tuple[int, str]:
    """The audiensi id and action of a signed link. Raises signing.BadSignature when tampered or expired."""
    payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    if not isinstance(payload, dict) or payload.get("act") not in LINK_ACTIONS or not isinstance(payload.get("a"), int):
        raise signing.BadSignature("unexpected payload")
    return payload["a"], payload["act"]


# Slot checks ----------------------------------------------------------------------------------


def slot_check(
    *, pejabat: Pejabat, start: dt.datetime, now: dt.datetime | None = None, exclude_id: int | None = None
) -> dt.datetime:
    """Check that `start` is a free slot of the pejabat; return its end. Raises AudiensiError saying why not."""
    now = now or timezone.now()
    if start <= now:
        raise AudiensiError(_("Slot itu sudah lewat. Silakan pilih slot yang akan datang."))
    window = booking_window(settings_for(pejabat), now)
    day = timezone.localtime(start).date()
    if not window.first_day <= day <= window.last_day:
        raise AudiensiError(
            _("Slot itu di luar jangka waktu pemesanan: antara %(first)s dan %(last)s.")
            % {"first": date_format(window.first_day, "j F Y"), "last": date_format(window.last_day, "j F Y")}
        )
    if not WorkingCalendar(day, day).is_working_day(day):
        raise AudiensiError(_("Tanggal itu hari libur. Audiensi hanya pada hari kerja."))
    rules = list(AturanMingguan.objects.filter(pejabat=pejabat, weekday=day.weekday()))
    slot = next((s for s in _day_slots(pejabat, day, rules) if s.start == start), None)
    if slot is None:
        raise AudiensiError(_("Waktu itu bukan slot audiensi %(pejabat)s.") % {"pejabat": pejabat.display_jabatan})
    blocking = _blocked_by_exception(slot, list(Pengecualian.objects.filter(pejabat=pejabat, date=day)))
    if blocking is not None:
        raise AudiensiError(
            _("%(pejabat)s berhalangan pada waktu itu (%(reason)s).")
            % {"pejabat": pejabat.display_jabatan, "reason": blocking.reason}
        )
    _check_free(pejabat.pk, slot.start, slot.end, exclude_id=exclude_id)
    return slot.end


def kasus_reference_check(*, user: User, reference: str, lock: bool = False) -> Kasus:
    """The resident's own open case named by `reference`. Raises AudiensiError saying why not.

    `lock` takes the case row (inside the caller's transaction) before its status is checked.
    """
    cases = Kasus.objects.select_for_update() if lock else Kasus.objects.all()
    kasus = cases.filter(reference=reference.strip().upper(), reporter=user).first()
    if kasus is None:
        raise AudiensiError(_("Kasus %(ref)s tidak ditemukan di antara kasus Anda.") % {"ref": reference.strip()})
    if not kasus.is_open:
        raise AudiensiError(_("Kasus %(ref)s sudah tidak aktif.") % {"ref": kasus.reference})
    return kasus


def _check_free(pejabat_id: int, start: dt.datetime, end: dt.datetime, *, exclude_id: int | None = None) -> None:
    qs = Audiensi.objects.held().overlapping(start, end).filter(pejabat_id=pejabat_id)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    if qs.exists():
        raise _slot_taken()


def _lock_pejabat(*pejabat_ids: int) -> None:
    # Serialises every booking of these pejabat; ordered to avoid deadlocks.
    list(Pejabat.objects.select_for_update().filter(pk__in=sorted(pejabat_ids)).order_by("pk").values_list("pk"))


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


def _hold_until(pengaturan: PengaturanAudiensi, start: dt.datetime, now: dt.datetime) -> dt.datetime:
    return min(add_working_days(now, pengaturan.masa_tahan_hari_kerja), start)


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


def _require_other_slot(audiensi: Audiensi, start: dt.datetime) -> None:
    if start == audiensi.starts_at:
        raise AudiensiError(_("Pilih waktu yang berbeda dari jadwal sekarang."))


def _move_to_slot(
    audiensi: Audiensi,
    action: str,
    *,
    actor: User | None,
    kind: str,
    start: dt.datetime,
    reason: str,
    now: dt.datetime,
    by_reporter: bool = False,
) -> Promise:
    """Move a locked audiensi to another free slot of its pejabat, held for the other side's answer; logs both times."""
    _require_other_slot(audiensi, start)
    _lock_pejabat(audiensi.pejabat_id)
    end = slot_check(pejabat=audiensi.pejabat, start=start, now=now, exclude_id=audiensi.pk)
    previous = audiensi.starts_at
    return _transition(
        audiensi,
        action,
        actor=actor,
        kind=kind,
        params={"when": moment(start), "before": moment(previous), "reason": reason.strip()},
        changes={
            "starts_at": start,
            "ends_at": end,
            "expires_at": _hold_until(settings_for(audiensi.pejabat), start, now),
        },
        takes_slot=True,
        by_reporter=by_reporter,
        data={"from": previous.isoformat(), "to": start.isoformat(), "reason": reason.strip()},
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


# The request ----------------------------------------------------------------------------------


@transaction.atomic
def audiensi_request(
    *,
    user: User,
    pejabat: Pejabat,
    start: dt.datetime,
    topic: str,
    jumlah_peserta: int,
    anggota: str = "",
    kasus_reference: str = "",
    ringkasan: str = "",
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> Audiensi:
    """A resident requests a slot. The request holds the slot until protokol decides or it expires.

    Over 60 lines: the checks, locks (in LOCK_ORDER) and writes of one booking, kept in one readable sequence.
    """
    now = now or timezone.now()
    if not email_verified(user):
        raise AudiensiError(_("Verifikasi alamat email Anda terlebih dahulu sebelum mengajukan audiensi."))
    if not pejabat.is_active:
        raise AudiensiError(_("%(pejabat)s tidak menerima audiensi saat ini.") % {"pejabat": pejabat.display_jabatan})
    required_text(topic, _("Topik audiensi wajib diisi."), error=AudiensiError)
    if not 1 <= jumlah_peserta <= 10:
        raise AudiensiError(_("Jumlah peserta antara 1 dan 10 orang."))
    # The resident's row serialises their own submissions: a double submit finds the first one.
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk").get()
    if idempotency_key:
        existing = Audiensi.objects.filter(idempotency_key=idempotency_key, pemohon=user).first()
        if existing is not None:
            return existing
    # The chosen case is locked before the pejabat (LOCK_ORDER above).
    kasus = kasus_reference_check(user=user, reference=kasus_reference, lock=True) if kasus_reference.strip() else None
    _lock_pejabat(pejabat.pk)
    end = slot_check(pejabat=pejabat, start=start, now=now)
    pengaturan = settings_for(pejabat)
    open_count = Audiensi.objects.filter(pemohon=user, pejabat=pejabat, status__in=OPEN_STATUSES).count()
    if open_count >= pengaturan.batas_permohonan_terbuka:
        raise AudiensiError(
            _("Anda masih memiliki %(n)s permohonan audiensi terbuka dengan %(pejabat)s. Tunggu keputusannya dulu.")
            % {"n": open_count, "pejabat": pejabat.display_jabatan}
        )
    if kasus is None:
        kasus = kasus_services.kasus_open(
            title=topic.strip()[:200],
            summary=ringkasan.strip() or topic.strip(),
            channel=Channel.AUDIENSI,
            actor=user,
            reporter=user,
            reporter_language=user.language,
            wilayah=user.wilayah,
            notify=False,
        )
    audiensi = Audiensi(
        kasus=kasus,
        pejabat=pejabat,
        pemohon=user,
        starts_at=start,
        ends_at=end,
        topic=topic.strip(),
        jumlah_peserta=jumlah_peserta,
        anggota=anggota.strip(),
        expires_at=_hold_until(pengaturan, start, now),
        idempotency_key=idempotency_key or None,
        created_at=now,
    )
    _save_slot(audiensi, [])
    # The timeline param keeps its stored name "topik": rows already written carry it (README "Glossary decisions").
    _log(
        audiensi,
        "audiensi.requested",
        {"pejabat": _pejabat(pejabat), "when": moment(start), "topik": audiensi.topic},
        actor=user,
        by_reporter=True,
        data={"pejabat": pejabat.slug, "start": start.isoformat(), "jumlah_peserta": jumlah_peserta},
    )
    _notify(audiensi, "received", links=("batal", "jadwal-ulang"))
    return audiensi


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


# The resident's own changes -------------------------------------------------------------------


def _before_cutoff(audiensi: Audiensi, now: dt.datetime) -> None:
    if audiensi.starts_at - CUTOFF <= now:
        raise AudiensiError(
            _("Perubahan hanya dapat dilakukan paling lambat 24 jam sebelum audiensi. Hubungi protokol.")
        )


@transaction.atomic
def audiensi_cancel(
    *, audiensi_id: int, actor: User | None, reason: str = "", now: dt.datetime | None = None
) -> Audiensi:
    now = now or timezone.now()
    audiensi = _lock(audiensi_id, "cancel")
    _before_cutoff(audiensi, now)
    message = _transition(
        audiensi,
        "cancel",
        actor=actor,
        kind="audiensi.cancelled",
        params={"when": moment(audiensi.starts_at), "reason": reason.strip()},
        changes={"expires_at": None},
        by_reporter=True,
        data={"reason": reason.strip()},
    )
    _notify_cancelled(audiensi, message)
    return audiensi


@transaction.atomic
def audiensi_reschedule(
    *, audiensi_id: int, actor: User | None, start: dt.datetime, reason: str = "", now: dt.datetime | None = None
) -> Audiensi:
    """The resident moves the request to another free slot of the same pejabat; protokol decides again."""
    now = now or timezone.now()
    audiensi = _lock(audiensi_id, "reschedule")
    _before_cutoff(audiensi, now)
    message = _move_to_slot(
        audiensi,
        "reschedule",
        actor=actor,
        kind="audiensi.reschedule_requested",
        start=start,
        reason=reason,
        now=now,
        by_reporter=True,
    )
    _notify(audiensi, "changed", message=message, links=("batal", "jadwal-ulang"))
    return audiensi


# Periodic -------------------------------------------------------------------------------------


def audiensi_expire_pending(*, actor: User | None, now: dt.datetime | None = None) -> int:
    """Release the slots of requests protokol did not decide in time. Idempotent."""
    now = now or timezone.now()
    count = 0
    ids = Audiensi.objects.filter(status__in=TRANSITIONS["expire"][0], expires_at__lte=now).values_list("pk", flat=True)
    for audiensi_id in list(ids):
        with transaction.atomic():
            try:
                audiensi = _lock(audiensi_id, "expire")
            except TransitionNotAllowed:
                continue  # decided meanwhile
            if audiensi.expires_at is None or audiensi.expires_at > now:
                continue
            message = _transition(audiensi, "expire", actor=actor, kind="audiensi.expired")
            _notify_cancelled(audiensi, message)
            count += 1
    return count


def audiensi_send_reminders(*, actor: User | None, now: dt.datetime | None = None) -> int:
    """Remind residents of confirmed audiensi tomorrow, once each."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    end = start + dt.timedelta(days=1)
    ids = Audiensi.objects.filter(
        status=Status.DIKONFIRMASI, reminder_sent_at__isnull=True, starts_at__gte=start, starts_at__lt=end
    ).values_list("pk", flat=True)
    count = 0
    for audiensi_id in list(ids):
        with transaction.atomic():
            try:
                audiensi = _lock(audiensi_id, "remind")
            except TransitionNotAllowed:
                continue  # cancelled meanwhile
            if audiensi.reminder_sent_at is not None:
                continue
            _transition(
                audiensi,
                "remind",
                actor=actor,
                kind="audiensi.reminded",
                changes={"reminder_sent_at": now},
                visibility=INTERNAL,
            )
            _notify(audiensi, "reminder")
            count += 1
    return count


# The day itself -------------------------------------------------------------------------------


def check_in_open(audiensi: Audiensi) -> bool:
    """Attendance is recorded from the day of the audiensi on."""
    return timezone.localtime(audiensi.starts_at).date() <= timezone.localdate()


@transaction.atomic
def audiensi_check_in(*, audiensi_id: int, actor: User | None, hadir: bool, note: str = "") -> Audiensi:
    action = "attend" if hadir else "no_show"
    audiensi = _lock(audiensi_id, action)
    if not check_in_open(audiensi):
        raise AudiensiError(_("Kehadiran baru dapat dicatat pada hari audiensi."))
    if hadir:
        kind, params = "audiensi.attended", {"pejabat": _pejabat(audiensi.pejabat)}
    else:
        kind, params = "audiensi.no_show", {"when": moment(audiensi.starts_at)}
    _transition(
        audiensi,
        action,
        actor=actor,
        kind=kind,
        params=params,
        changes={"checked_in_at": timezone.now()},
        message=note.strip(),
    )
    return audiensi


@transaction.atomic
def audiensi_notulen_save(
    *, audiensi_id: int, actor: User | None, notulen: str, notulen_internal: str = ""
) -> Audiensi:
    """Write the minutes: the public part goes on the case timeline, the internal part stays with staff."""
    required_text(notulen, _("Notulen wajib diisi."), error=AudiensiError)
    audiensi = _lock(audiensi_id, "minutes")
    _transition(
        audiensi,
        "minutes",
        actor=actor,
        kind="audiensi.minutes",
        params={"pejabat": _pejabat(audiensi.pejabat), "notulen": notulen.strip()},
        changes={"notulen": notulen.strip(), "notulen_internal": notulen_internal.strip()},
        visibility=PELAPOR if audiensi.kasus.is_confidential else PUBLIK,
    )
    if audiensi.notulen_internal:
        _log(audiensi, "audiensi.minutes_internal", actor=actor, message=audiensi.notulen_internal, visibility=INTERNAL)
    return audiensi


@transaction.atomic
def audiensi_tindak_lanjut_add(
    *, audiensi_id: int, actor: User | None, description: str, opd: Opd, due_date: dt.date
) -> TindakLanjut:
    """A follow-up the pejabat promised in the audiensi, recorded on the case."""
    audiensi = _lock(audiensi_id, "tindak_lanjut")
    if due_date < timezone.localdate():
        raise AudiensiError(_("Tenggat tindak lanjut tidak boleh di masa lalu."))
    # The source is stored and shown to everyone, so it is written in the portal's language.
    with translation.override(settings.LANGUAGE_CODE):
        source = _("Audiensi %(pejabat)s, %(date)s") % {
            "pejabat": audiensi.pejabat.jabatan,
            "date": date_format(timezone.localtime(audiensi.starts_at), "j F Y"),
        }
    return kasus_services.tindak_lanjut_add(
        kasus_id=audiensi.kasus_id,
        actor=actor,
        description=description,
        opd=opd,
        due_date=due_date,
        source=source,
        source_kind="audiensi",
        source_id=audiensi.pk,
    )
