"""Every write of the aspirasi channel. Case transitions go through portal.kasus.services."""

import datetime as dt
import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import ratelimit
from portal.akun import roles
from portal.akun.models import User
from portal.kasus import services as kasus_services
from portal.kasus import titik as kasus_titik
from portal.kasus.kinds import ref
from portal.kasus.models import Channel, Kasus, Riwayat, Status
from portal.kasus.services import KasusError, required_text
from portal.wilayah.models import Kategori, Opd, Wilayah

from .files import CleanFile
from .models import CONSENT_VERSION, Aspirasi, Jenis, Lampiran
from .nearby import shown_cases

logger = logging.getLogger(__name__)

Visibility = Riwayat.Visibility

CONFIRM_SALT = "aspirasi.confirm"
CONFIRM_MAX_AGE = dt.timedelta(days=7)
STAFF_CHANNELS = (
    Channel.MEDIA_SOSIAL,
    Channel.WHATSAPP,
    Channel.TELEPON,
    Channel.SURAT,
    Channel.LANGSUNG,
    Channel.LAPOR,
)


class RateLimited(KasusError):
    pass


class ConfirmLinkInvalid(KasusError):
    pass


@dataclass(frozen=True)
class Submitted:
    aspirasi: Aspirasi
    kasus: Kasus
    created: bool  # False when the idempotency key found an earlier submission


# Rate limiting ------------------------------------------------------------------------------------------------------


def aspirasi_rate_limit_hit(*, ip: str, email: str = "") -> None:
    """Count one submission for the address (IPv6 per /64) and the mailbox; raise RateLimited when over the limit."""
    limit = ratelimit.configured("ASPIRASI_RATE_LIMIT", "5/3600")
    if limit is None:
        return
    count, seconds = limit
    within = ratelimit.hit("aspirasi:ip", ratelimit.address_bucket(ip), count, seconds)
    if email:
        within = ratelimit.hit("aspirasi:email", ratelimit.normalise_email(email), count, seconds) and within
    if not within:
        raise RateLimited(
            _("Terlalu banyak kiriman dalam waktu singkat. Silakan coba lagi dalam %(minutes)s menit.")
            % {"minutes": max(seconds // 60, 1)}
        )


# Files --------------------------------------------------------------------------------------------------------------


def lampiran_store(
    *, kasus: Kasus, aspirasi: Aspirasi | None, files: list[CleanFile], role: str, actor: User | None
) -> list[Lampiran]:
    """Store checked files for a case. Runs inside the caller's transaction; the caller deletes on rollback."""
    stored = []
    for f in files:
        item = Lampiran(
            kasus=kasus,
            origin_kasus=kasus,
            aspirasi=aspirasi,
            role=role,
            original_name=f.name,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        stored.append(item)
        # The name is random (lampiran_upload_to), so a partly written file under it is ours to remove:
        # the file system storage leaves one behind when the disk fills or turns read-only mid-write.
        storage, name = item.file.storage, item.file.field.generate_filename(item, f.name)
        try:
            item.file = storage.save(name, ContentFile(f.content), max_length=item.file.field.max_length)
            if f.thumbnail:
                storage.save(item.thumbnail_name, ContentFile(f.thumbnail))
        except OSError:
            _delete_files(stored)
            _delete_quietly(storage, name)
            logger.exception("attachment storage failed")
            raise KasusError(
                _(
                    "Lampiran tidak dapat disimpan karena gangguan penyimpanan di server. Laporan Anda belum "
                    "terkirim; silakan coba lagi nanti."
                )
            )
        except BaseException:
            _delete_files(stored)
            raise
    Lampiran.objects.bulk_create(stored)
    return stored


def _delete_quietly(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.warning("could not remove a partly written attachment", exc_info=True)


def _delete_files(items: list[Lampiran]) -> None:
    for item in items:
        if item.file.name:
            item.file.storage.delete(item.file.name)
            item.file.storage.delete(item.thumbnail_name)


# Submitting ---------------------------------------------------------------------------------------------------------


def confirm_token(aspirasi: Aspirasi) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(aspirasi.pk))


def confirm_url(aspirasi: Aspirasi) -> str:
    site_url: str = settings.SITE_URL
    return site_url + reverse("aspirasi:confirm", args=[confirm_token(aspirasi)])


def aspirasi_submit(
    *,
    jenis: str,
    title: str,
    description: str,
    kategori: Kategori | None = None,
    wilayah: Wilayah | None = None,
    address_detail: str = "",
    is_anonymous: bool = False,
    is_confidential: bool = False,
    reporter: User | None = None,
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    reporter_language: str = "id",
    files: list[CleanFile] | None = None,
    idempotency_key: str = "",
    channel: str = Channel.WEB,
    source_url: str = "",
    lapor_tracking_id: str = "",
    recorded_by: User | None = None,
    consent: bool = True,
    client_ip: str | None = None,
    titik: tuple[float, float] | None = None,
) -> Submitted:
    """Create the case, the aspirasi, its files and the first timeline entry in one transaction.

    A signed-in resident's case (or one recorded by staff) is confirmed at once; a guest who gave an email
    confirms through a signed link first; a guest with no contact at all is confirmed at once and keeps
    only the tracking link. The same idempotency key returns the first submission. With `client_ip` the
    submission counts against the rate limit per IP address and per email. `titik` is the pin (lat, lng).

    Long because every field of a report is a keyword here and the body is one transaction read top to
    bottom (check, open the case, pin, report, files, staff's entry, email); its files go if it rolls back.
    """
    if not consent:
        raise KasusError(_("Persetujuan pemrosesan data pribadi diperlukan."))
    if not title.strip() or not description.strip():
        raise KasusError(_("Judul dan uraian wajib diisi."))
    if jenis not in Jenis.values:
        raise KasusError(_("Jenis laporan tidak dikenal."))
    if channel != Channel.WEB and recorded_by is None:
        raise KasusError(_("Hanya petugas yang dapat mencatat laporan dari kanal lain."))
    if channel == Channel.LAPOR and not lapor_tracking_id.strip():
        raise KasusError(_("Laporan dari SP4N-LAPOR! wajib disertai nomor pelacakannya."))
    if idempotency_key:
        earlier = _earlier(idempotency_key)
        if earlier is not None:
            return earlier
    if client_ip is not None:
        aspirasi_rate_limit_hit(ip=client_ip, email=reporter.email if reporter else reporter_email)
    guest = reporter is None and recorded_by is None
    needs_confirmation = guest and bool(reporter_email)
    stored: list[Lampiran] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            kasus = kasus_services.kasus_open(
                title=title.strip(),
                summary=description.strip(),
                channel=channel,
                actor=recorded_by or reporter,
                reporter=reporter,
                reporter_name="" if reporter else reporter_name.strip(),
                reporter_email="" if reporter else reporter_email.strip(),
                reporter_phone="" if reporter else reporter_phone.strip(),
                reporter_language=reporter_language,
                kategori=kategori,
                wilayah=wilayah,
                is_anonymous=is_anonymous,
                is_confidential=is_confidential,
                confirmed=not needs_confirmation,
                kind="aspirasi.submitted",
                params={"jenis": ref("jenis", jenis)},
                by_reporter=recorded_by is None,
                data={"jenis": jenis, "recorded_by_staff": recorded_by is not None},
                notify=False,
                lapor_tracking_id=lapor_tracking_id,
            )
            if titik is not None:
                kasus_titik.titik_set(kasus=kasus, lat=titik[0], lng=titik[1])
            aspirasi = Aspirasi.objects.create(
                kasus=kasus,
                origin_kasus=kasus,
                jenis=jenis,
                description=description.strip(),
                address_detail=address_detail.strip(),
                channel=channel,
                source_url=source_url.strip(),
                consent_at=now,
                consent_version=CONSENT_VERSION,
                idempotency_key=idempotency_key or None,
                created_by=recorded_by,
                confirm_expires_at=now + CONFIRM_MAX_AGE if needs_confirmation else None,
                created_at=now,
            )
            stored = lampiran_store(
                kasus=kasus, aspirasi=aspirasi, files=files or [], role=Lampiran.Role.SUBMISSION, actor=reporter
            )
            if recorded_by is not None:
                kasus_services.kasus_log(
                    kasus=kasus,
                    kind="aspirasi.recorded",
                    visibility=Visibility.INTERNAL,
                    actor=recorded_by,
                    params={"channel": ref("channel", channel)},
                    data={
                        "channel": channel,
                        "source_url": source_url,
                        "lapor_tracking_id": kasus.lapor_tracking_id,
                        "consent_version": CONSENT_VERSION,
                    },
                )
            if needs_confirmation:
                kasus_services.notify_reporter(
                    kasus,
                    template="aspirasi_confirm",
                    context={"confirm_url": confirm_url(aspirasi), "expires_at": aspirasi.confirm_expires_at},
                )
            else:
                kasus_services.notify_reporter(kasus, template="kasus_opened")
    except IntegrityError:
        _delete_files(stored)
        earlier = _earlier(idempotency_key) if idempotency_key else None
        if earlier is None:
            raise
        return earlier
    except BaseException:
        _delete_files(stored)
        raise
    return Submitted(aspirasi=aspirasi, kasus=kasus, created=True)


def _earlier(key: str) -> Submitted | None:
    # Nearly every key is new: ask for its id alone first, since building the query of both rows with every
    # column cost more than running it.
    pk = Aspirasi.objects.filter(idempotency_key=key).values_list("pk", flat=True).first()
    if pk is None:
        return None
    aspirasi = Aspirasi.objects.select_related("kasus").get(pk=pk)
    return Submitted(aspirasi=aspirasi, kasus=aspirasi.kasus, created=False)


def confirm_link_kasus(*, token: str) -> Kasus:
    """The case a confirmation link points at, without confirming it; ConfirmLinkInvalid if the link is not valid."""
    try:
        raw = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise ConfirmLinkInvalid(
            _("Tautan konfirmasi sudah kedaluwarsa (berlaku 7 hari). Silakan kirim ulang laporan Anda.")
        )
    except signing.BadSignature:
        raise ConfirmLinkInvalid(_("Tautan konfirmasi tidak sah. Periksa kembali tautan di email Anda."))
    aspirasi = Aspirasi.objects.select_related("kasus").filter(pk=int(raw)).first()
    if aspirasi is None:
        raise ConfirmLinkInvalid(_("Laporan untuk tautan ini tidak ditemukan."))
    return aspirasi.kasus


def aspirasi_confirm(*, token: str) -> Kasus:
    """The guest pressed the button behind the link in the email: the case enters the queue. Twice is harmless.

    The address is now proven: if an account has verified it too, the case joins that account's cases.
    """
    kasus = kasus_services.kasus_confirm(
        # A guest has no account to name: the entry reads as the reporter's own step.
        kasus_id=confirm_link_kasus(token=token).pk,
        actor=None,
        via=kasus_services.CONFIRMED_BY_EMAIL,
    )
    linked = kasus_services.kasus_link_guest_cases_of_address(email=kasus.reporter_email)
    return next((k for k in linked if k.pk == kasus.pk), kasus)


def aspirasi_purge_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Delete guest submissions whose confirmation link expired unused (data minimisation, UU PDP). Idempotent."""
    now = now or timezone.now()
    ids = list(
        Kasus.objects.filter(
            confirmed_at__isnull=True,
            aspirasi__confirm_expires_at__lt=now,
            aspirasi__channel=Channel.WEB,
        ).values_list("pk", flat=True)
    )
    count = 0
    for kasus_id in ids:
        with transaction.atomic():
            kasus = Kasus.objects.select_for_update().filter(pk=kasus_id, confirmed_at__isnull=True).first()
            if kasus is None:
                continue
            files = list(Lampiran.objects.filter(kasus=kasus))
            kasus.delete()
            transaction.on_commit(partial(_delete_files, files))
            count += 1
    return count


# Resident actions ---------------------------------------------------------------------------------------------------


def aspirasi_add_info(
    *, kasus_id: int, actor: User | None, message: str, files: list[CleanFile] | None = None
) -> Kasus:
    """The reporter answers a request for information, optionally with files; the SLA clock runs again."""
    stored: list[Lampiran] = []
    try:
        with transaction.atomic():
            kasus = Kasus.objects.select_for_update().get(pk=kasus_id)
            stored = lampiran_store(kasus=kasus, aspirasi=None, files=files or [], role=Lampiran.Role.INFO, actor=actor)
            kasus = kasus_services.kasus_info_received(
                kasus_id=kasus_id, actor=actor, message=message, data={"lampiran": [f.pk for f in stored]}
            )
            kasus_services.notify_reporter(kasus, template="aspirasi_info_received")
            if kasus.opd is not None and kasus.status not in (Status.BARU, Status.DIVERIFIKASI):
                entry = kasus.riwayat.filter(kind="kasus.info_received").latest("created_at", "id")
                kasus_services.notify_opd(
                    kasus,
                    kasus.opd,
                    template="aspirasi_info_received_opd",
                    context={"actor": kasus_services.staff_actor(entry)},
                )
    except BaseException:
        _delete_files(stored)
        raise
    return kasus


@transaction.atomic
def aspirasi_accept(*, kasus_id: int, actor: User | None, rating: int, comment: str = "") -> Kasus:
    kasus = kasus_services.kasus_accept(kasus_id=kasus_id, actor=actor, rating=rating, comment=comment)
    kasus_services.notify_reporter(kasus, template="aspirasi_accepted", context={"rating": rating})
    return kasus


@transaction.atomic
def aspirasi_dispute(*, kasus_id: int, actor: User | None, reason: str) -> Kasus:
    kasus = kasus_services.kasus_dispute(kasus_id=kasus_id, actor=actor, reason=reason)
    kasus_services.notify_reporter(kasus, template="aspirasi_disputed", context={"reason": reason})
    return kasus


# OPD actions --------------------------------------------------------------------------------------------------------


def aspirasi_answer(*, kasus_id: int, actor: User, answer: str, files: list[CleanFile] | None = None) -> Kasus:
    """The OPD's public answer with its files, one timeline entry; the reporter is emailed."""
    stored: list[Lampiran] = []
    try:
        with transaction.atomic():
            kasus = Kasus.objects.select_for_update().get(pk=kasus_id)
            _check_opd(kasus, actor)
            stored = lampiran_store(
                kasus=kasus, aspirasi=None, files=files or [], role=Lampiran.Role.ANSWER, actor=actor
            )
            return kasus_services.kasus_answer(
                kasus_id=kasus_id, actor=actor, answer=answer, data={"lampiran": [f.pk for f in stored]}
            )
    except BaseException:
        _delete_files(stored)
        raise


@transaction.atomic
def aspirasi_request_reroute(*, kasus_id: int, actor: User, reason: str, suggested_opd: Opd | None = None) -> Riwayat:
    """The OPD says the case belongs elsewhere; the petugas decides and re-disposes."""
    required_text(reason, _("Jelaskan mengapa kasus ini bukan kewenangan OPD Anda."))
    kasus = Kasus.objects.select_for_update(of=("self",)).select_related("opd").get(pk=kasus_id)
    _check_opd(kasus, actor)
    if kasus.status not in (Status.DIDISPOSISIKAN, Status.DITINDAKLANJUTI, Status.DIBUKA_KEMBALI):
        raise KasusError(_("Pengalihan hanya dapat diminta selama kasus ditangani OPD."))
    entry = kasus_services.kasus_log(
        kasus=kasus,
        kind="aspirasi.reroute_requested",
        visibility=Visibility.INTERNAL,
        actor=actor,
        params={
            "opd": ref("opd", kasus.opd_id, str(kasus.opd)),
            "suggested_opd": ref("opd", suggested_opd.pk, suggested_opd.nama) if suggested_opd else "",
            "reason": reason.strip(),
        },
        data={"opd": kasus.opd_id, "suggested_opd": suggested_opd.pk if suggested_opd else None},
    )
    from portal.kasus.outbox import outbox_enqueue

    for email, language in sorted(roles.role_recipients(roles.PETUGAS).items()):
        outbox_enqueue(
            to=email,
            language=language,
            template="aspirasi_reroute_requested",
            context={
                "kasus": kasus_services.OpdSafeKasus(kasus),
                "reason": reason.strip(),
                "suggested_opd": suggested_opd,
            },
            kasus=kasus,
        )
    return entry


def _check_opd(kasus: Kasus, actor: User) -> None:
    if actor.opd_id is None or kasus.opd_id != actor.opd_id:
        raise KasusError(_("Kasus ini tidak didisposisikan ke OPD Anda."))


def aspirasi_follow_instead(*, kasus_id: int, user: User) -> Kasus:
    """A resident about to send a duplicate follows the case already reported instead (its public updates)."""
    with transaction.atomic():
        kasus = shown_cases().select_for_update().filter(pk=kasus_id).first()
        if kasus is None:
            raise KasusError(_("Kasus ini tidak dapat diikuti."))
        kasus_services.pengikut_add(kasus=kasus, user=user, language=getattr(user, "language", "") or "id")
    return kasus
