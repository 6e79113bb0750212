"""The one builder of the grouped kecamatan -> desa/kelurahan <select> every form uses."""

from typing import cast

from django.core.cache import cache

from .models import DESA_LEVELS, Wilayah

OPTIONS_TTL = 10 * 60
ORDERS = {"nama": ("nama",), "kode": ("kode",)}


def wilayah_groups(*, order: str = "nama") -> list[tuple[Wilayah, list[Wilayah]]]:
    """Every kecamatan with its desa/kelurahan, by name or by Kemendagri code: one query, then cached.

    Forms validate against the live table, so an option at most ten minutes stale is refused, not saved.
    """
    groups = cache.get_or_set(f"wilayah:groups:{order}", lambda: _build(ORDERS[order]), OPTIONS_TTL)
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
