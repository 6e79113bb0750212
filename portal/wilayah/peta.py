"""The kecamatan map: the GeoJSON outlines projected to SVG path data, once per process.

An equirectangular projection scaled by cos(latitude) is exact enough for a regency
about 60 km across and needs no GIS library.
"""

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GEOJSON = Path(__file__).resolve().parent / "data" / "wonogiri-kecamatan.geojson"
WIDTH = 600


@dataclass(frozen=True)
class Shape:
    kode: str
    nama: str
    path: str  # SVG path data in the map's coordinates
    polygons: tuple[tuple[tuple[float, float], ...], ...]  # the same rings as points, for ReportLab
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Peta:
    width: int
    height: int
    shapes: tuple[Shape, ...]


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry["coordinates"]]  # MultiPolygon: outer rings only


@lru_cache(maxsize=1)
def kecamatan_map(width: int = WIDTH) -> Peta:
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    points = [pt for f in features for ring in _rings(f["geometry"]) for pt in ring]
    min_lon, max_lon = min(p[0] for p in points), max(p[0] for p in points)
    min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
    x_scale = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = width / ((max_lon - min_lon) * x_scale)
    height = round((max_lat - min_lat) * scale)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - min_lon) * x_scale * scale, 1), round((max_lat - lat) * scale, 1)

    shapes = []
    for feature in sorted(features, key=lambda f: f["properties"]["kode"]):
        props = feature["properties"]
        polygons = tuple(tuple(project(lon, lat) for lon, lat in ring) for ring in _rings(feature["geometry"]))
        path = " ".join("M" + " L".join(f"{x},{y}" for x, y in ring) + " Z" for ring in polygons)
        label_x, label_y = project(*props["centroid"])
        shapes.append(Shape(props["kode"], props["nama"], path, polygons, label_x, label_y))
    return Peta(width=width, height=height, shapes=tuple(shapes))
