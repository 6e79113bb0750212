"""Reads for the dashboard, the report and /transparansi/: stored figures, with labels for the reader."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aspirasi.models import Jenis
from portal.kasus.models import OPEN_STATUSES, Channel, Kasus, Status, TindakLanjut
from portal.wilayah.models import Kategori, Opd, Pejabat, Wilayah
from portal.wilayah.peta import kecamatan_map

from .figures import AGE_BUCKETS, Period, compute_scopes, month_period
from .models import Angka

# Figures older than this are recomputed on the next read; the hourly task keeps the common ones younger.
MAX_AGE = dt.timedelta(minutes=90)


@dataclass(frozen=True)
class Figures:
    data: dict[str, Any]
    computed_at: dt.datetime


def figures(period: Period, *, opd_id: int | None = None, now: dt.datetime | None = None) -> Figures:
    """The stored figures of a scope and period, recomputed when missing or older than MAX_AGE."""
    now = now or timezone.now()
    key = f"{opd_id or 'all'}:{period.key}"
    row = Angka.objects.filter(key=key).first()
    if row is not None and row.computed_at >= now - MAX_AGE:
        return Figures(row.payload, row.computed_at)
    return refresh(period, opd_id=opd_id, now=now)


def refresh(period: Period, *, opd_id: int | None = None, now: dt.datetime | None = None) -> Figures:
    return refresh_scopes(period, [opd_id], now=now)[opd_id]


def refresh_scopes(
    period: Period, scopes: list[int | None], *, now: dt.datetime | None = None
) -> dict[int | None, Figures]:
    """Recompute and store the figures of several scopes (None: the regency) of one period in one pass."""
    now = now or timezone.now()
    result = {}
    for opd_id, payload in compute_scopes(period, scopes, now=now).items():
        try:
            with transaction.atomic():
                Angka.objects.update_or_create(
                    key=f"{opd_id or 'all'}:{period.key}", defaults={"payload": payload, "computed_at": now}
                )
        except IntegrityError:
            pass  # a concurrent reader stored the same figures first
        result[opd_id] = Figures(payload, now)
    return result


def standard_periods(today: dt.date) -> list[Period]:
    """This month, last month, this year: what the pages open on."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return [
        month_period(today.year, today.month),
        month_period(last.year, last.month),
        Period(dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)),
    ]


def last_months(today: dt.date, count: int) -> list[Period]:
    """This month and the ones before it, newest first."""
    months, year, month = [], today.year, today.month
    for _index in range(count):
        months.append(month_period(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def labelled(data: dict[str, Any]) -> dict[str, Any]:
    """The figures with names in the reader's language, as rows the templates and the report show.

    Long because its row builders share the name lookups loaded once at the top (one query per table).
    """
    opds = {str(o.pk): o for o in Opd.objects.all()}
    kategori = {str(k.pk): k.display_name for k in Kategori.objects.all()}
    kecamatan = {str(w.pk): w for w in Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN)}
    channels = dict(Channel.choices)
    jenis = dict(Jenis.choices)
    statuses = dict(Status.choices)

    def level_row(key: str, row: dict[str, Any], name: str) -> dict[str, Any]:
        return {"key": key, "name": name, **row, "on_time_label": _pct(row.get("on_time_pct"))}

    per_opd = [
        level_row(key, row, opds[key].display_name if key in opds else _("Belum didisposisikan"))
        for key, row in data["per_opd"].items()
    ]
    per_kec = []
    for key, row in data["per_kecamatan"].items():
        wilayah = kecamatan.get(key)
        per_kec.append(
            {
                **level_row(key, row, wilayah.nama if wilayah else _("Tanpa lokasi")),
                "kode": wilayah.kode if wilayah else "",
                "per_10k": round(row["received"] * 10000 / wilayah.penduduk, 2)
                if wilayah and wilayah.penduduk
                else None,
            }
        )
    tindak_lanjut = [
        {"key": key, "name": opds[key].display_name if key in opds else "—", **row}
        for key, row in data["tindak_lanjut"].items()
    ]
    # Figures stored before the per-pejabat count existed lack it until the next refresh.
    by_pejabat = data.get("tindak_lanjut_pejabat", {})
    pejabat, order = {}, {}
    for p in Pejabat.objects.filter(pk__in=[k for k in by_pejabat if k]):
        pejabat[str(p.pk)], order[str(p.pk)] = p.display_jabatan, p.urutan
    tindak_lanjut_pejabat = [
        {"key": key, "name": pejabat.get(key, _("Tanpa pejabat (dicatat petugas)")), **row}
        for key, row in by_pejabat.items()
    ]
    return {
        **data,
        "channels": [{"key": c, "name": label, "count": data["by_channel"].get(c, 0)} for c, label in channels.items()],
        "jenis": [
            {"key": k, "name": jenis.get(k, _("Tanpa jenis (audiensi, sarasehan)")), "count": n}
            for k, n in sorted(data["by_jenis"].items())
        ],
        "statuses": [
            {"key": s, "name": statuses[s], "count": n} for s, n in data["backlog_by_status"].items() if s in statuses
        ],
        "ages": [
            {"label": f"{low}–{high}" if high else f"> {low - 1}", "count": data["backlog"][f"age_{low}-{high or ''}"]}
            for low, high in AGE_BUCKETS
        ],
        "opd_rows": sorted(per_opd, key=lambda r: -r["received"]),
        "kategori_rows": sorted(
            (
                {"key": k, "name": kategori.get(k, _("Belum dikategorikan")), **row}
                for k, row in data["per_kategori"].items()
            ),
            key=lambda r: -r["received"],
        ),
        "kecamatan_rows": sorted(per_kec, key=lambda r: r["name"]),
        "tindak_lanjut_rows": sorted(tindak_lanjut, key=lambda r: r["name"]),
        # The pejabat in their display order; the promises recorded without one last.
        "tindak_lanjut_pejabat_rows": sorted(
            tindak_lanjut_pejabat, key=lambda r: (not r["key"], order.get(r["key"], 0), r["name"])
        ),
        "levels_label": {
            "on_time": _pct(data["levels"]["on_time_pct"]),
            "verified": _pct(data["levels"]["verified_in_time_pct"]),
            "reopened": _pct(data["levels"]["reopened_pct"]),
        },
    }


def map_shapes(rows: list[dict[str, Any]], measure: str = "") -> dict[str, Any]:
    """The kecamatan map with each shape's value of `measure` ("per_10k" or "on_time_pct") and a shade 0–4.

    Without a measure: cases per 10,000 residents once populations are entered, until then the on-time share.
    One query (the kecamatan, their populations' sources)."""
    peta = kecamatan_map()
    by_kode = {r["kode"]: r for r in rows if r["kode"]}
    kecamatan_ids, sources, has_population = {}, set(), False
    for kode, pk, penduduk, source in Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KECAMATAN).values_list(
        "kode", "pk", "penduduk", "penduduk_sumber"
    ):
        kecamatan_ids[kode] = pk
        has_population = has_population or penduduk is not None
        if source:
            sources.add(source)
    measure = measure or ("per_10k" if has_population else "on_time_pct")
    measured = [by_kode[s.kode].get(measure) for s in peta.shapes if s.kode in by_kode]
    values: list[Any] = [v for v in measured if v is not None]
    top = max(values) if values else 0
    shapes = []
    for shape in peta.shapes:
        value = by_kode.get(shape.kode, {}).get(measure)
        shade = None if value is None else (min(4, int(4 * value / top)) if top else 0)
        shapes.append({"shape": shape, "value": value, "shade": shade, "pk": kecamatan_ids.get(shape.kode)})
    # Where the residents' numbers come from, said under the map whenever it is shaded by them.
    population_sources = sorted(sources) if measure == "per_10k" else []
    return {
        "width": peta.width,
        "height": peta.height,
        "shapes": shapes,
        "top": top,
        "population_sources": population_sources,
        "measure": measure,
    }


def oldest_open(*, opd_id: int | None = None, limit: int = 10) -> list[dict[str, Any]]:
    """The oldest open cases: reference, title only when not confidential, no reporter."""
    qs = Kasus.objects.confirmed().filter(status__in=OPEN_STATUSES)
    if opd_id:
        qs = qs.filter(opd_id=opd_id)
    rows = qs.order_by("confirmed_at").values(
        "reference", "title", "is_confidential", "status", "confirmed_at", "opd__singkatan", "opd__nama"
    )[:limit]
    return [{**r, "title": "" if r["is_confidential"] else r["title"]} for r in rows]


def promises_due(period: Period, *, opd_id: int | None = None) -> list[TindakLanjut]:
    qs = TindakLanjut.objects.filter(
        due_date__range=(period.start, period.end), status=TindakLanjut.Status.TERBUKA
    ).select_related("opd", "kasus")
    if opd_id:
        qs = qs.filter(opd_id=opd_id)
    return list(qs.order_by("due_date", "pk"))
