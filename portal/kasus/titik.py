"""The case's pin: set when a case opens, moved by petugas. Checked against the shipped boundaries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.wilayah import geo

from .kinds import Kind
from .models import Kasus, Riwayat
from .services import KasusError, kasus_log

if TYPE_CHECKING:
    from portal.akun.models import User

OUTSIDE_REGENCY = _("Titik itu berada di luar Kabupaten Wonogiri. Pilih titik di dalam wilayah kabupaten.")

KINDS = {
    "kasus.titik_moved": Kind(_("Titik lokasi diubah"), _("Titik lokasi kasus dipindahkan petugas.")),
}


def titik_check(lat: float, lng: float) -> geo.Desa:
    """The desa the point falls in; a point outside the regency is refused."""
    desa = geo.desa_at(lat, lng)
    if desa is None:
        raise KasusError(OUTSIDE_REGENCY)
    return desa


def titik_set(*, kasus: Kasus, lat: float, lng: float) -> None:
    """Store the pin of a case being opened, inside the opening transaction (no entry: the opening says it)."""
    titik_check(lat, lng)
    kasus.titik_lat, kasus.titik_lng = round(lat, 6), round(lng, 6)
    kasus.save(update_fields=["titik_lat", "titik_lng", "updated_at"])


def titik_move(*, kasus_id: int, lat: float | None, lng: float | None, actor: User) -> Kasus:
    """A petugas sets, moves or clears the pin of an existing case; the change goes on the internal timeline."""
    with transaction.atomic():
        kasus = Kasus.objects.select_for_update().get(pk=kasus_id)
        if lat is not None and lng is not None:
            titik_check(lat, lng)
            lat, lng = round(lat, 6), round(lng, 6)
        else:
            lat = lng = None
        before = (kasus.titik_lat, kasus.titik_lng)
        if before == (lat, lng):
            return kasus
        kasus.titik_lat, kasus.titik_lng = lat, lng
        kasus.save(update_fields=["titik_lat", "titik_lng", "updated_at"])
        kasus_log(
            kasus=kasus,
            kind="kasus.titik_moved",
            visibility=Riwayat.Visibility.INTERNAL,
            actor=actor,
            data={"from": list(before), "to": [lat, lng]},
        )
    return kasus
