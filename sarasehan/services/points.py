"""Points raised at a sarasehan, each on a case's timeline."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.akun.models import User
from portal.kasus.kinds import day, ref
from portal.kasus.models import Channel, Kasus, Riwayat
from portal.kasus.services import (
    kasus_confirm,
    kasus_log,
    kasus_open,
    tindak_lanjut_add,
)
from portal.wilayah.models import Kategori, Opd

from ..models import PendaftaranSarasehan, PoinSarasehan
from ._base import SarasehanError, _lock, _portal_language
from .door import _check_door

# Points raised and notulen


def _point_case(*, kasus_reference: str, reg: PendaftaranSarasehan | None) -> Kasus | None:
    """The existing case a point goes on, locked first (LOCK_ORDER) and checked after the lock; None for a new one.

    A case named by reference is followed into the case it was merged into; the registrant's own case is
    used while it is open.
    """
    if kasus_reference.strip():
        kasus = Kasus.objects.select_for_update().filter(reference=kasus_reference.strip().upper()).first()
        if kasus is None:
            raise SarasehanError(_("Kasus %(ref)s tidak ditemukan.") % {"ref": kasus_reference.strip()})
        if kasus.merged_into_id:
            kasus = Kasus.objects.select_for_update().get(pk=kasus.merged_into_id)
        if not kasus.is_open:
            raise SarasehanError(_("Kasus %(ref)s sudah tidak aktif.") % {"ref": kasus.reference})
        return kasus
    if reg is not None and reg.kasus_id:
        kasus = Kasus.objects.select_for_update().get(pk=reg.kasus_id)
        return kasus if kasus.is_open else None
    return None


@transaction.atomic
def poin_record(
    *,
    sarasehan_id: int,
    actor: User | None,
    content: str,
    speaker_name: str = "",
    pendaftaran_id: int | None = None,
    kasus_reference: str = "",
    kategori: Kategori | None = None,
    opd_answered: Opd | None = None,
    answer: str = "",
    followup: str = "",
    followup_opd: Opd | None = None,
    followup_due: dt.date | None = None,
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> PoinSarasehan:
    """Record a point raised: a new case (channel sarasehan) or an entry on an existing one.

    Long on purpose: one transaction that reads top to bottom as the steps at the table (case lookup and
    lock, sarasehan lock and check, the case entry, the answer given on the spot, the promised follow-up).

    `now` is the moment of recording (default: the clock); the door must be open then.
    """
    content = content.strip()
    if not content:
        raise SarasehanError(_("Tuliskan persoalan yang disampaikan."))
    if idempotency_key:
        done = PoinSarasehan.objects.filter(idempotency_key=idempotency_key).first()
        if done is not None:
            return done
    if followup.strip() and (followup_opd is None or followup_due is None):
        raise SarasehanError(_("Tindak lanjut yang dijanjikan perlu OPD dan tenggat."))
    reg = None
    if pendaftaran_id:
        reg = (
            PendaftaranSarasehan.objects.select_related("user")
            .filter(pk=pendaftaran_id, sarasehan_id=sarasehan_id)
            .first()
        )
        if reg is None:
            raise SarasehanError(_("Peserta tidak terdaftar di sarasehan ini."))
    speaker = speaker_name.strip() or (reg.name if reg else "")
    if not speaker:
        raise SarasehanError(_("Tuliskan siapa yang menyampaikan."))
    kasus = _point_case(kasus_reference=kasus_reference, reg=reg)
    sarasehan = _lock(sarasehan_id, "record_point")
    _check_door(sarasehan, now or timezone.now())
    # Dated by the event, whenever staff type it in.
    raised_on = timezone.localtime(sarasehan.starts_at).date()
    when = raised_on.strftime("%d-%m-%Y")
    params = {"title": sarasehan.title, "when": day(raised_on), "content": content}
    with _portal_language():
        source = _("Sarasehan %(title)s, %(when)s") % {"title": sarasehan.title, "when": when}
    data = {
        "sarasehan": sarasehan.pk,
        "sarasehan_slug": sarasehan.slug,
        "sarasehan_title": sarasehan.title,
        "raised_on": raised_on.isoformat(),
    }
    if kasus is not None:
        if kasus.confirmed_at is None:
            kasus = kasus_confirm(kasus_id=kasus.pk, actor=actor)
        kasus_log(
            kasus=kasus,
            kind="sarasehan.raised",
            visibility=Riwayat.Visibility.PUBLIK,
            params=params,
            actor=actor,
            data=data,
        )
    else:
        user = reg.user if reg and reg.user_id else None
        kasus = kasus_open(
            title=content[:200],
            summary=content,
            channel=Channel.SARASEHAN,
            actor=actor,
            reporter=user,
            reporter_name="" if user else speaker,
            reporter_email="" if user or reg is None else reg.email,
            reporter_phone="" if user or reg is None else reg.phone,
            reporter_language=reg.language if reg else "id",
            kategori=kategori,
            wilayah=(reg.desa if reg and reg.desa_id else None) or sarasehan.kecamatan,
            kind="sarasehan.raised",
            params=params,
            data=data,
        )
    poin = PoinSarasehan.objects.create(
        sarasehan=sarasehan,
        pendaftaran=reg,
        speaker_name=speaker,
        content=content,
        kasus=kasus,
        opd_answered=opd_answered,
        answer=answer.strip(),
        idempotency_key=idempotency_key or None,
        created_by=actor,
        created_at=now or timezone.now(),
    )
    if opd_answered is not None or answer.strip():
        kasus_log(
            kasus=kasus,
            kind="sarasehan.answered",
            visibility=Riwayat.Visibility.PUBLIK,
            params={
                "opd": ref("opd", opd_answered.pk, opd_answered.nama) if opd_answered else "",
                "answer": answer.strip() or "-",
            },
            actor=actor,
            data={**data, "poin": poin.pk, "opd": opd_answered.pk if opd_answered else None},
        )
    # Checked above: a follow-up always comes with its OPD and due date.
    if followup.strip() and followup_opd is not None and followup_due is not None:
        poin.tindak_lanjut = tindak_lanjut_add(
            kasus_id=kasus.pk,
            actor=actor,
            description=followup,
            opd=followup_opd,
            due_date=followup_due,
            source=source,
            source_kind="sarasehan",
            source_id=sarasehan.pk,
        )
        poin.save(update_fields=["tindak_lanjut"])
    return poin
