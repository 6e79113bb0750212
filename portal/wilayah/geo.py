"""Plain-Python geometry over the shipped desa boundaries (data/wonogiri-desa.geojson).

No PostGIS: 294 simplified polygons fit in memory, a bounding-box prefilter leaves one to three candidates
for a point, and ray casting over those takes microseconds; the case's point is two indexed numbers.
"""

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DESA_GEOJSON = DATA_DIR / "wonogiri-desa.geojson"
EARTH_RADIUS_M = 6_371_008.8

Ring = tuple[tuple[float, float], ...]  # (lng, lat) pairs, GeoJSON order


@dataclass(frozen=True)
class Desa:
    kode: str
    nama: str
    centroid: tuple[float, float]  # (lat, lng), always inside the desa (see _inside_point)
    bbox: tuple[float, float, float, float]  # min_lng, min_lat, max_lng, max_lat
    polygons: tuple[tuple[Ring, ...], ...]  # each polygon: outer ring, then holes

    def contains(self, lat: float, lng: float) -> bool:
        min_lng, min_lat, max_lng, max_lat = self.bbox
        if not (min_lng <= lng <= max_lng and min_lat <= lat <= max_lat):
            return False
        for outer, *holes in self.polygons:
            if _in_ring(outer, lng, lat) and not any(_in_ring(hole, lng, lat) for hole in holes):
                return True
        return False


def _in_ring(ring: Ring, x: float, y: float) -> bool:
    """Ray casting: a ray to the east crosses the ring's edges an odd number of times from inside."""
    inside = False
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y2 > y) != (y1 > y) and x < (x1 - x2) * (y - y2) / (y1 - y2) + x2:
            inside = not inside
        x1, y1 = x2, y2
    return inside


def _inside_point(polygons: tuple[tuple[Ring, ...], ...], lat: float) -> tuple[float, float]:
    """A point inside a concave desa whose geometric centroid falls in its neighbour (two in the shipped data):
    the middle of the widest stretch of the outer ring along the centroid's latitude. Maps draw a desa's cases
    there, and the pin test expects a desa's own point to land in it."""
    best = (0.0, lat, 0.0)
    for outer, *_holes in polygons:
        crossings = []
        x1, y1 = outer[-1]
        for x2, y2 in outer:
            if (y2 > lat) != (y1 > lat):
                crossings.append((x1 - x2) * (lat - y2) / (y1 - y2) + x2)
            x1, y1 = x2, y2
        crossings.sort()
        for left, right in zip(crossings[::2], crossings[1::2], strict=False):
            if right - left > best[0]:
                best = (right - left, lat, (left + right) / 2)
    return best[1], best[2]


def _polygons(geometry: dict) -> tuple[tuple[Ring, ...], ...]:
    parts = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return tuple(tuple(tuple((float(p[0]), float(p[1])) for p in ring) for ring in part) for part in parts)


@cache
def desa_list() -> tuple[Desa, ...]:
    """Loaded once per process."""
    with DESA_GEOJSON.open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    result = []
    for feature in features:
        props = feature["properties"]
        polygons = _polygons(feature["geometry"])
        points = [p for polygon in polygons for p in polygon[0]]
        bbox = (
            min(p[0] for p in points),
            min(p[1] for p in points),
            max(p[0] for p in points),
            max(p[1] for p in points),
        )
        lng, lat = props["centroid"]
        desa = Desa(props["kode"], props["nama"], (float(lat), float(lng)), bbox, polygons)
        if not desa.contains(float(lat), float(lng)):
            desa = Desa(desa.kode, desa.nama, _inside_point(polygons, float(lat)), bbox, polygons)
        result.append(desa)
    return tuple(result)


@cache
def desa_by_kode() -> dict[str, Desa]:
    return {d.kode: d for d in desa_list()}


@cache
def regency_bbox() -> tuple[float, float, float, float]:
    boxes = [d.bbox for d in desa_list()]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def desa_at(lat: float, lng: float) -> Desa | None:
    """The desa/kelurahan the point falls in, or None outside the regency (near a border: either neighbour)."""
    return next((d for d in desa_list() if d.contains(lat, lng)), None)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Haversine distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bbox_around(lat: float, lng: float, metres: float) -> tuple[float, float, float, float]:
    """min_lat, max_lat, min_lng, max_lng of a square that holds the circle: the index prefilter."""
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    dlng = math.degrees(metres / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


@cache
def kecamatan_centroids() -> dict[str, tuple[float, float]]:
    """(lat, lng) of each kecamatan's centroid, by code: where a case placed only in a kecamatan is drawn."""
    with (DATA_DIR / "wonogiri-kecamatan.geojson").open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    return {f["properties"]["kode"]: (f["properties"]["centroid"][1], f["properties"]["centroid"][0]) for f in features}


def centroid_of(kode: str) -> tuple[float, float] | None:
    """(lat, lng) of a desa's or kecamatan's centroid."""
    desa = desa_by_kode().get(kode)
    return desa.centroid if desa is not None else kecamatan_centroids().get(kode)
