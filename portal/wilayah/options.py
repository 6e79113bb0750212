"""The one builder of the grouped kecamatan -> desa/kelurahan <select> every form uses."""

import uuid
from typing import Any, cast

from django.core.cache import cache

from .models import DESA_LEVELS, Wilayah

OPTIONS_TTL = 10 * 60
# order -> (stamp, groups) as this process last read them.
_HELD: dict[str, tuple[str, Any]] = {}
ORDERS = {"nama": ("nama",), "kode": ("kode",)}


def wilayah_groups(*, order: str = "nama") -> list[tuple[Wilayah, list[Wilayah]]]:
    """Every kecamatan with its desa/kelurahan, by name or by Kemendagri code: one query, then cached.

    Forms validate against the live table, so an option at most ten minutes stale is refused, not saved.
    Unpickling some 330 rows from the shared cache on every form page cost more than the form's other reads,
    so each process keeps the list it read and only checks a short stamp that changes when the list is rebuilt.
    """
    key = f"wilayah:groups:{order}"
    stamp = cache.get(f"{key}:stamp")
    held = _HELD.get(order)
    if stamp is not None and held is not None and held[0] == stamp:
        return held[1]
    groups = cache.get(key) if stamp is not None else None
    if groups is None:
        groups, stamp = _build(ORDERS[order]), uuid.uuid4().hex
        cache.set_many({key: groups, f"{key}:stamp": stamp}, OPTIONS_TTL)
    _HELD[order] = (stamp, groups)
    return cast(list[tuple[Wilayah, list[Wilayah]]], groups)


def _build(order_by: tuple[str, ...]) -> list[tuple[Wilayah, list[Wilayah]]]:
    rows = list(Wilayah.objects.filter(tingkat__in=[Wilayah.Tingkat.KECAMATAN, *DESA_LEVELS]).order_by(*order_by))
    groups: dict[int, tuple[Wilayah, list[Wilayah]]] = {
        w.pk: (w, []) for w in rows if w.tingkat == Wilayah.Tingkat.KECAMATAN
    }
    for w in rows:
        if w.parent_id in groups:
            groups[w.parent_id][1].append(w)
    return list(groups.values())
