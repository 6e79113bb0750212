"""A resident's request for an audiensi."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.akun.models import User
from portal.akun.selectors import email_verified
from portal.kasus import services as kasus_services
from portal.kasus.kinds import moment
from portal.kasus.models import Channel
from portal.kasus.services import required_text
from portal.wilayah.models import Pejabat

from ..models import (
    OPEN_STATUSES,
    Audiensi,
)
from ..selectors import settings_for
from ._base import AudiensiError, _log, _notify, _pejabat, _save_slot
from .slots import _hold_until, _lock_pejabat, kasus_reference_check, slot_check

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
