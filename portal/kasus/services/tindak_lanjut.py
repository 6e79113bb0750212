"""Follow-up commitments (tindak lanjut) of a case and their completion."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.wilayah.models import Opd

from ..kinds import day, ref
from ..models import (
    Status,
    TindakLanjut,
)

if TYPE_CHECKING:
    from portal.akun.models import User

from ._base import KasusError, Visibility, _lock, _user_or_none, kasus_log, required_text
from .notifications import notify_followers, notify_opd


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
    description = required_text(description, _("Uraian tindak lanjut wajib diisi."))
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
