"""Internal notes and corrections of a case's classification."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from portal.wilayah.models import Kategori, Wilayah

from ..models import (
    Kasus,
    Riwayat,
)

if TYPE_CHECKING:
    from portal.akun.models import User

from ._base import Visibility, _lock, kasus_log, required_text
from .opening import _kecamatan_of


@transaction.atomic
def kasus_note_add(*, kasus_id: int, actor: User | None, message: str) -> Riwayat:
    message = required_text(message, _("Catatan tidak boleh kosong."))
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
