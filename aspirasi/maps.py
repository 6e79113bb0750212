"""Reads behind the staff and public maps: cases aggregated per desa in one query, drawn at its centroid."""

from dataclasses import dataclass
from typing import cast

from django.core.cache import cache
from django.db.models import Count, Min, QuerySet
from django.utils.translation import gettext as _

from portal.kasus.models import Kasus, Status, late_q
from portal.wilayah import geo
from portal.wilayah.models import Wilayah

from .selectors import public_cases

PUBLIC_POINTS = 300


@dataclass(frozen=True)
class Cluster:
    wilayah_id: int
    kecamatan_id: int | None
    nama: str
    lat: float
    lng: float
    count: int
    late: int
    reference: str  # the only case's reference when count is 1: the marker links to the case


def _wilayah_index() -> dict[int, tuple[str, str, int | None, str]]:
    rows = Wilayah.objects.exclude(tingkat=Wilayah.Tingkat.KABUPATEN).values_list(
        "pk", "kode", "nama", "parent_id", "tingkat"
    )
    return {
        pk: (kode, nama, parent if tingkat != Wilayah.Tingkat.KECAMATAN else pk, tingkat)
        for pk, kode, nama, parent, tingkat in rows
    }


def wilayah_index() -> dict[int, tuple[str, str, int | None, str]]:
    """id -> (kode, nama, kecamatan id, tingkat) of every region: one query, then cached for an hour."""
    index = cache.get_or_set("aspirasi:wilayah_index", _wilayah_index, 3600)
    return cast(dict[int, tuple[str, str, int | None, str]], index)


def desa_clusters(cases: QuerySet[Kasus], *, with_late: bool = True) -> list[Cluster]:
    """The cases per desa (or per kecamatan when no desa was given): one query whatever their number."""
    fields = {"n": Count("pk"), "first": Min("reference")}
    if with_late:
        fields["late"] = Count("pk", filter=late_q())
    rows = cases.order_by().filter(wilayah__isnull=False).values("wilayah_id").annotate(**fields)
    index = wilayah_index()
    clusters = []
    for row in rows:
        kode, nama, kecamatan_id, _tingkat = index.get(row["wilayah_id"], ("", "", None, ""))
        centroid = geo.centroid_of(kode)
        if centroid is None:
            continue
        clusters.append(
            Cluster(
                wilayah_id=row["wilayah_id"],
                kecamatan_id=kecamatan_id,
                nama=nama,
                lat=centroid[0],
                lng=centroid[1],
                count=row["n"],
                late=row.get("late", 0),
                reference=row["first"] if row["n"] == 1 else "",
            )
        )
    return sorted(clusters, key=lambda c: (-c.count, c.nama))


def clusters_json(clusters: list[Cluster]) -> list[dict]:
    return [dict(vars(c)) for c in clusters]


def public_points() -> list[dict]:
    """The latest verified non-confidential cases as points, no personal data. An anonymous report, or one
    without a pin, is drawn at its desa's centroid, so the point cannot lead to the reporter's house."""
    rows = (
        public_cases()
        .order_by("-confirmed_at")
        .values("reference", "title", "status", "wilayah_id", "is_anonymous", "titik_lat", "titik_lng")[:PUBLIC_POINTS]
    )
    index = wilayah_index()
    points = []
    for row in rows:
        if row["titik_lat"] is not None and not row["is_anonymous"]:
            lat, lng, exact = row["titik_lat"], row["titik_lng"], True
        else:
            centroid = geo.centroid_of(index.get(row["wilayah_id"], ("",))[0]) if row["wilayah_id"] else None
            if centroid is None:
                continue
            (lat, lng), exact = centroid, False
        points.append(
            {
                "reference": row["reference"],
                "title": row["title"],
                "status": str(Status(row["status"]).label),
                "lat": lat,
                "lng": lng,
                "exact": exact,
                "where": _("titik laporan") if exact else _("pusat desa (lokasi dibulatkan)"),
            }
        )
    return points
