"""Residents' rights under UU PDP No. 27/2022: a copy of their data, erasure, and requests staff record and answer.

This app reads and erases rows of every app that holds personal data (cases, reports, audiensi, sarasehan,
follows, survey invitations), so it depends on them; portal.akun, which they all build on, depends on none.
Correction is the profile form (portal.akun.services.user_update_profile).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aspirasi.models import Aspirasi, Lampiran
from audiensi.models import Audiensi
from portal.akun import roles as r
from portal.akun.models import OPEN_PDP_STATUSES, PermintaanDataPribadi, User
from portal.audit.labels import register_action
from portal.audit.services import audit_record
from portal.ikuti.models import LanggananWilayah
from portal.kasus.models import Kasus, Pengikut
from portal.kasus.services import PSEUDONYM, kasus_pseudonymise_reporter
from sarasehan.models import PendaftaranSarasehan
from skm.models import UndanganSurvei

PDP_RECORDED = register_action("pdp.recorded", gettext_lazy("Permintaan data pribadi dicatat"))
PDP_ANSWERED = register_action("pdp.answered", gettext_lazy("Permintaan data pribadi dijawab"))
PDP_EXPORTED = register_action("pdp.exported", gettext_lazy("Salinan data pribadi diunduh"))
PDP_ERASED = register_action("pdp.erased", gettext_lazy("Identitas dihapus atas permintaan"))
PDP_LAMPIRAN_DECIDED = register_action(
    "pdp.lampiran_decided", gettext_lazy("Keputusan atas lampiran permintaan penghapusan")
)

Jenis = PermintaanDataPribadi.Jenis
Status = PermintaanDataPribadi.Status

# Deadlines from the moment a request is received. UU PDP No. 27/2022 Pasal 32 ayat (2): access and a copy
# within 3 x 24 hours; Pasal 30 ayat (2): correction within 3 x 24 hours. Pasal 43 (erasure) names no
# hour limit; we apply the same 3 x 24 hours so one rule covers every request a resident can make.
PDP_DEADLINES: dict[str, dt.timedelta] = {
    Jenis.AKSES: dt.timedelta(hours=72),
    Jenis.KOREKSI: dt.timedelta(hours=72),
    Jenis.PENGHAPUSAN: dt.timedelta(hours=72),
}


class DataRightsError(ValidationError):
    pass


# --- Access: everything the portal holds about one resident, and nothing about anyone else.


def _by_email(field: str, user: User) -> Q:
    """Rows a guest left under an address this account has verified: those are the resident's too."""
    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    q = Q(pk__in=[])
    for email in emails:
        q |= Q(**{f"{field}__iexact": email})
    return q


def _own_cases(user: User) -> QuerySet[Kasus]:
    return Kasus.objects.filter(Q(reporter=user) | Q(reporter__isnull=True) & _by_email("reporter_email", user))


def _own_reports(user: User) -> QuerySet[Aspirasi]:
    """Reports the resident wrote: in their own case, or moved into another by a merge (origin_kasus)."""
    cases = _own_cases(user)
    return Aspirasi.objects.filter(Q(origin_kasus__isnull=True, kasus__in=cases) | Q(origin_kasus__in=cases))


def _own_attachments(user: User) -> QuerySet[Lampiran]:
    cases = _own_cases(user)
    mine = Q(origin_kasus__isnull=True, kasus__in=cases) | Q(origin_kasus__in=cases)
    return Lampiran.objects.filter(
        Q(uploaded_by=user) | (mine & Q(role__in=[Lampiran.Role.SUBMISSION, Lampiran.Role.INFO]))
    ).select_related("kasus")


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _cases(user: User) -> list[dict[str, Any]]:
    reports: dict[int, list[dict[str, Any]]] = {}
    for a in _own_reports(user).order_by("created_at", "pk"):
        reports.setdefault(a.origin_kasus_id or a.kasus_id, []).append(
            {
                "jenis": a.jenis,
                "uraian": a.description,
                "detail_alamat": a.address_detail,
                "kanal": a.channel,
                "tautan": a.source_url,
                "persetujuan": _when(a.consent_at),
                "versi_persetujuan": a.consent_version,
                "dibuat": _when(a.created_at),
            }
        )
    return [
        {
            "nomor": k.reference,
            "judul": k.title,
            "status": k.status,
            "nama_pelapor": k.reporter_name or user.full_name,
            "email_pelapor": k.reporter_email or user.email,
            "telepon_pelapor": k.reporter_phone or user.phone,
            "anonim": k.is_anonymous,
            "rahasia": k.is_confidential,
            "dibuat": _when(k.created_at),
            "ditutup": _when(k.closed_at),
            "laporan": reports.get(k.pk, []),
        }
        for k in _own_cases(user).order_by("created_at", "pk")
    ]


def _account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "nama_lengkap": user.full_name,
        "telepon": user.phone,
        "desa": str(user.wilayah) if user.wilayah_id else None,
        "bahasa": user.language,
        "terdaftar": _when(user.date_joined),
        "terakhir_masuk": _when(user.last_login),
    }


def _audiensi(user: User) -> list[dict[str, Any]]:
    return [
        {
            "kasus": a.kasus.reference,
            "topik": a.topic,
            "status": a.status,
            "mulai": _when(a.starts_at),
            "jumlah_peserta": a.jumlah_peserta,
            "anggota": a.anggota,
            "notulen": a.notulen,
            "diajukan": _when(a.created_at),
        }
        for a in Audiensi.objects.filter(pemohon=user).select_related("kasus").order_by("pk")
    ]


def _sarasehan(user: User) -> list[dict[str, Any]]:
    return [
        {
            "sarasehan": str(p.sarasehan),
            "nama": p.name,
            "email": p.email,
            "telepon": p.phone,
            "status": p.status,
            "persoalan": p.topic,
            "hadir": _when(p.checked_in_at),
        }
        for p in PendaftaranSarasehan.objects.filter(Q(user=user) | _by_email("email", user))
        .select_related("sarasehan")
        .order_by("pk")
    ]


def _follows(user: User) -> dict[str, list[dict[str, Any]]]:
    mine = Q(user=user) | Q(user__isnull=True) & _by_email("email", user)
    return {
        "mengikuti_kasus": [
            {"kasus": p.kasus.reference, "alasan": p.reason, "sejak": _when(p.created_at)}
            for p in Pengikut.objects.filter(mine).select_related("kasus").order_by("pk")
        ],
        "mengikuti_wilayah": [
            {
                "wilayah": str(w.wilayah),
                "kategori": str(w.kategori) if w.kategori_id else None,
                "frekuensi": w.frekuensi,
            }
            for w in LanggananWilayah.objects.filter(mine).select_related("wilayah", "kategori").order_by("pk")
        ],
    }


def personal_data(user: User) -> dict[str, Any]:
    """The resident's data as plain JSON-ready values. Staff names and internal notes are never included."""
    return {
        "akun": _account(user),
        "email": [
            {"email": e.email, "terverifikasi": e.verified, "utama": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "kasus": _cases(user),
        "lampiran": [
            {
                "kasus": lp.kasus.reference,
                "nama_berkas": lp.original_name,
                "berkas": _zip_name(lp),
                "dibuat": _when(lp.created_at),
            }
            for lp in _own_attachments(user).order_by("pk")
        ],
        "audiensi": _audiensi(user),
        "sarasehan": _sarasehan(user),
        **_follows(user),
        "undangan_survei": [
            {"unit": u.unit, "email": u.email, "dikirim": _when(u.created_at), "dipakai": _when(u.used_at)}
            for u in UndanganSurvei.objects.filter(_by_email("email", user)).order_by("pk")
        ],
        "permintaan_data_pribadi": [
            {"jenis": p.jenis, "kanal": p.kanal, "status": p.status, "diterima": _when(p.received_at)}
            for p in PermintaanDataPribadi.objects.filter(user=user).order_by("pk")
        ],
    }


def _zip_name(lampiran: Lampiran) -> str:
    return f"lampiran/{lampiran.pk}-{lampiran.original_name.replace('/', '_')}"


def personal_data_zip(user: User) -> bytes:
    """A ZIP with data.json and the resident's own attachment files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(personal_data(user), ensure_ascii=False, indent=2))
        for lampiran in _own_attachments(user).order_by("pk"):
            try:
                with lampiran.file.open("rb") as fh:
                    archive.writestr(_zip_name(lampiran), fh.read())
            except FileNotFoundError:
                continue
    return buffer.getvalue()


# --- Requests: recorded, due, answered; each step audited.


def _due(jenis: str, received_at: dt.datetime) -> dt.datetime:
    return received_at + PDP_DEADLINES[jenis]


@transaction.atomic
def permintaan_record(
    *,
    actor: User | None,
    jenis: str,
    kanal: str,
    user: User | None = None,
    detail: str = "",
    received_at: dt.datetime | None = None,
) -> PermintaanDataPribadi:
    """Record a request (on the portal, or by letter or in person through staff); the deadline runs from receipt."""
    received_at = received_at or timezone.now()
    permintaan = PermintaanDataPribadi.objects.create(
        jenis=jenis, kanal=kanal, user=user, detail=detail, received_at=received_at, due_at=_due(jenis, received_at)
    )
    audit_record(actor=actor, action=PDP_RECORDED, obj=permintaan, changes={"jenis": jenis, "kanal": kanal})
    return permintaan


def _lock(permintaan_id: int) -> PermintaanDataPribadi:
    return PermintaanDataPribadi.objects.select_for_update().get(pk=permintaan_id)


@transaction.atomic
def permintaan_answer(*, permintaan_id: int, actor: User, answer: str, refused: bool = False) -> PermintaanDataPribadi:
    """Close a request with staff's answer (or refusal, with its reason)."""
    permintaan = _lock(permintaan_id)
    if permintaan.status not in OPEN_PDP_STATUSES:
        raise DataRightsError(_("Permintaan ini sudah selesai."))
    if permintaan.pending_lampiran:
        raise DataRightsError(_("Putuskan dulu lampiran yang masih menunggu keputusan."))
    if refused and not answer.strip():
        raise DataRightsError(_("Alasan penolakan wajib diisi."))
    permintaan.status = Status.DITOLAK if refused else Status.SELESAI
    permintaan.answer = answer.strip()
    permintaan.handled_by = actor
    permintaan.done_at = timezone.now()
    permintaan.save(update_fields=["status", "answer", "handled_by", "done_at"])
    audit_record(actor=actor, action=PDP_ANSWERED, obj=permintaan, changes={"status": permintaan.status})
    return permintaan


@transaction.atomic
def user_export_requested(*, user: User) -> PermintaanDataPribadi:
    """A resident's own download: recorded as an access request answered at once."""
    permintaan = permintaan_record(actor=user, jenis=Jenis.AKSES, kanal=PermintaanDataPribadi.Kanal.PORTAL, user=user)
    permintaan.status = Status.SELESAI
    permintaan.done_at = timezone.now()
    permintaan.save(update_fields=["status", "done_at"])
    return permintaan


def _delete_lampiran(lampiran: Lampiran) -> None:
    # The file goes only once the row's deletion is committed, so a rollback leaves both.
    storage, name = lampiran.file.storage, lampiran.file.name
    lampiran.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def user_erase(
    *, user: User, actor: User | None, permintaan: PermintaanDataPribadi | None = None
) -> PermintaanDataPribadi:
    """Erase a resident: pseudonymise their cases, close the account, delete their attachments.

    Attachments of a case that is still open may be what the case is being handled on: those wait for
    staff's decision (permintaan_decide_lampiran). Statistics stay: no case or report is deleted.
    """
    if r.user_roles(user):
        raise DataRightsError(_("Akun petugas ditutup oleh admin, bukan lewat penghapusan data."))
    if permintaan is None:
        permintaan = permintaan_record(
            actor=actor, jenis=Jenis.PENGHAPUSAN, kanal=PermintaanDataPribadi.Kanal.PORTAL, user=user
        )
    permintaan = _lock(permintaan.pk)
    attachments = list(_own_attachments(user))
    case_ids = list(_own_cases(user).values_list("pk", flat=True))
    deleted, pending = 0, []
    for lampiran in attachments:
        if lampiran.kasus.is_open:
            pending.append(lampiran.pk)
        else:
            _delete_lampiran(lampiran)
            deleted += 1
    for kasus_id in case_ids:
        kasus_pseudonymise_reporter(kasus_id=kasus_id, actor=actor, reason="erasure")

    Pengikut.objects.filter(Q(user=user) | Q(user__isnull=True) & _by_email("email", user)).delete()
    LanggananWilayah.objects.filter(Q(user=user) | Q(user__isnull=True) & _by_email("email", user)).delete()
    PendaftaranSarasehan.objects.filter(Q(user=user) | _by_email("email", user)).update(
        user=None, name=PSEUDONYM, email="", phone=""
    )
    for invitation in UndanganSurvei.objects.filter(_by_email("email", user)):
        invitation.email = f"dihapus-{invitation.pk}@pdp.invalid"
        invitation.save(update_fields=["email"])
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()

    user.email = f"dihapus-{user.pk}@pdp.invalid"
    user.full_name = PSEUDONYM
    user.phone = ""
    user.wilayah = None
    user.is_active = False
    # A new password hash changes the session hash, which ends every session the resident had open.
    user.set_unusable_password()
    user.save(update_fields=["email", "full_name", "phone", "wilayah", "is_active", "password"])

    permintaan.user = user
    permintaan.pending_lampiran = pending
    permintaan.status = Status.MENUNGGU_KEPUTUSAN if pending else Status.SELESAI
    permintaan.done_at = None if pending else timezone.now()
    permintaan.handled_by = actor if actor is not None and actor.pk != user.pk else None
    permintaan.save(update_fields=["user", "pending_lampiran", "status", "done_at", "handled_by"])
    audit_record(
        actor=actor,
        action=PDP_ERASED,
        obj=permintaan,
        changes={"cases": len(case_ids), "attachments_deleted": deleted, "attachments_pending": pending},
    )
    return permintaan


@transaction.atomic
def permintaan_decide_lampiran(
    *, permintaan_id: int, actor: User, lampiran_id: int, keep: bool, reason: str = ""
) -> PermintaanDataPribadi:
    """Staff decide whether an erased resident's attachment stays with its case (with a reason) or goes."""
    permintaan = _lock(permintaan_id)
    if lampiran_id not in permintaan.pending_lampiran:
        raise DataRightsError(_("Lampiran ini tidak menunggu keputusan."))
    if keep and not reason.strip():
        raise DataRightsError(_("Alasan menyimpan lampiran wajib diisi."))
    lampiran = Lampiran.objects.filter(pk=lampiran_id).first()
    if lampiran is not None and not keep:
        _delete_lampiran(lampiran)
    permintaan.pending_lampiran = [pk for pk in permintaan.pending_lampiran if pk != lampiran_id]
    permintaan.handled_by = actor
    fields = ["pending_lampiran", "handled_by"]
    if not permintaan.pending_lampiran:
        permintaan.status = Status.SELESAI
        permintaan.done_at = timezone.now()
        fields += ["status", "done_at"]
    permintaan.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=PDP_LAMPIRAN_DECIDED,
        obj=permintaan,
        changes={"lampiran": lampiran_id, "keep": keep, "reason": reason.strip()},
    )
    return permintaan
