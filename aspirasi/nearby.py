"""Reads behind "already reported nearby" and the maps: cases near a pin or with a similar title in its desa."""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import QuerySet

from portal.kasus.models import OPEN_STATUSES, Kasus, Status
from portal.kasus.selectors import public_cases
from portal.wilayah import geo

NEARBY_METRES = 250
# pg_trgm similarity of two titles from which they count as "similar" (PostgreSQL).
TITLE_SIMILARITY = 0.3
# SQLite fallback: the share of the query's words (3 letters or more) found in the other title.
WORD_OVERLAP = 0.5
NEARBY_LIMIT = 8
# Verified means confirmed and past the petugas' check: a case still "baru" (or paused, rejected, merged) is never
# shown, so an unverified report cannot be used to learn what neighbours sent.
NEARBY_STATUSES = sorted(OPEN_STATUSES - {Status.BARU, Status.MENUNGGU_INFORMASI})
_FIELDS = ("pk", "reference", "title", "status", "titik_lat", "titik_lng", "wilayah_id")
_WORD = re.compile(r"\w{3,}")


@dataclass(frozen=True)
class Nearby:
    pk: int
    reference: str
    title: str
    status: str
    distance_m: int | None  # None: found by title in the same desa, without a pin

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


def shown_cases() -> QuerySet[Kasus]:
    """Open, verified, non-confidential: the only cases a resident may be shown before sending."""
    return public_cases().filter(status__in=NEARBY_STATUSES)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _similar_in_desa(wilayah_id: int, title: str, exclude_id: int | None) -> list[dict]:
    cases = shown_cases().filter(wilayah_id=wilayah_id)
    if exclude_id is not None:
        cases = cases.exclude(pk=exclude_id)
    if connection.vendor == "postgresql":
        cases = cases.annotate(similarity=TrigramSimilarity("title", title)).filter(similarity__gte=TITLE_SIMILARITY)
        return list(cases.order_by("-similarity").values(*_FIELDS)[:NEARBY_LIMIT])
    wanted = _words(title)
    if not wanted:
        return []
    rows = cases.order_by("-created_at").values(*_FIELDS)[:500]
    return [r for r in rows if len(wanted & _words(r["title"])) / len(wanted) >= WORD_OVERLAP][:NEARBY_LIMIT]


def in_box(lat: float, lng: float) -> QuerySet[Kasus]:
    """The shown cases pinned inside the square around the point that holds the NEARBY_METRES circle.

    Read from the partial index of open public pins (kasus_open_titik): its size follows the open cases,
    not the years of closed ones."""
    min_lat, max_lat, min_lng, max_lng = geo.bbox_around(lat, lng, NEARBY_METRES)
    return shown_cases().filter(titik_lat__range=(min_lat, max_lat), titik_lng__range=(min_lng, max_lng))


def nearby_cases(
    *,
    lat: float | None = None,
    lng: float | None = None,
    wilayah_id: int | None = None,
    title: str = "",
    exclude_id: int | None = None,
) -> list[Nearby]:
    """Within NEARBY_METRES of the pin (nearest first), then similar titles in the same desa. Two queries at most."""
    found: dict[int, Nearby] = {}
    if lat is not None and lng is not None:
        box = in_box(lat, lng)
        if exclude_id is not None:
            box = box.exclude(pk=exclude_id)
        close = []
        for row in box.values(*_FIELDS)[:200]:
            metres = geo.distance_m(lat, lng, row["titik_lat"], row["titik_lng"])
            if metres <= NEARBY_METRES:
                close.append((metres, row))
        for metres, row in sorted(close, key=lambda item: item[0])[:NEARBY_LIMIT]:
            found[row["pk"]] = _nearby(row, round(metres))
    if wilayah_id is not None and title.strip():
        for row in _similar_in_desa(wilayah_id, title.strip(), exclude_id):
            if row["pk"] not in found and len(found) < NEARBY_LIMIT * 2:
                distance = None
                if lat is not None and lng is not None and row["titik_lat"] is not None:
                    distance = round(geo.distance_m(lat, lng, row["titik_lat"], row["titik_lng"]))
                found[row["pk"]] = _nearby(row, distance)
    return list(found.values())


def _nearby(row: dict, distance: int | None) -> Nearby:
    return Nearby(row["pk"], row["reference"], row["title"], row["status"], distance)
