"""Cases with a pin, for the nearby and map tests."""

from portal.kasus.models import Kasus
from portal.wilayah import geo
from portal.wilayah.models import Wilayah
from tests.factories import kasus_at

GIRITIRTO = "33.12.12.1003"
METRE_LAT = 1 / 111_195  # degrees of latitude per metre


def giritirto() -> Wilayah:
    return Wilayah.objects.select_related("parent").get(kode=GIRITIRTO)


def centre() -> tuple[float, float]:
    return geo.desa_by_kode()[GIRITIRTO].centroid


def north_of_centre(metres: float) -> tuple[float, float]:
    lat, lng = centre()
    return lat + metres * METRE_LAT, lng


def pinned(status: str = "diverifikasi", *, at: tuple[float, float] | None = None, **kwargs) -> Kasus:
    kwargs.setdefault("wilayah", giritirto())
    kasus = kasus_at(status, **kwargs)
    lat, lng = at or centre()
    Kasus.objects.filter(pk=kasus.pk).update(titik_lat=lat, titik_lng=lng)
    kasus.refresh_from_db()
    return kasus
