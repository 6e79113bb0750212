"""The bulk seeder: many cases inserted at once for load tests, each with a short timeline.

Timeline rows are built by the same function kasus_log uses (riwayat_fields), so a bulk row reads
exactly like one a service wrote.
"""

import bisect
import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from portal.akun import roles
from portal.akun.models import User
from portal.kasus import services
from portal.kasus.calendar import WorkingCalendar
from portal.kasus.kinds import ref
from portal.kasus.models import (
    CLOSED_STATUSES,
    Channel,
    Kasus,
    ReferenceSequence,
    Riwayat,
    Status,
    new_tracking_token,
)
from portal.wilayah.models import Kategori, Opd, Wilayah

from .data import ANSWERS, DEFAULT_ANSWER, TEMPLATES

Visibility = Riwayat.Visibility

BATCH_SIZE = 5000
KATEGORI_WEIGHTS = {
    "infrastruktur-jalan": 25,
    "air-bersih": 10,
    "kesehatan": 10,
    "administrasi-kependudukan": 12,
    "bantuan-sosial": 12,
    "bencana": 5,
    "lingkungan": 5,
    "transportasi": 4,
    "pendidikan": 6,
    "pertanian": 4,
    "perizinan": 2,
    "ketenagakerjaan-umkm": 2,
    "ketertiban": 1,
    "pajak-daerah": 1,
    "lainnya": 1,
}
CHANNEL_WEIGHTS: dict[str, int] = {
    Channel.WEB: 45,
    Channel.WHATSAPP: 15,
    Channel.MEDIA_SOSIAL: 10,
    Channel.TELEPON: 8,
    Channel.SURAT: 6,
    Channel.LANGSUNG: 6,
    Channel.LAPOR: 8,
    Channel.AUDIENSI: 1,
    Channel.SARASEHAN: 1,
}
# Status by the case's age in days: recent cases are still in progress, old ones mostly closed.
STATUS_BY_AGE = [
    (
        3,
        {
            Status.BARU: 60,
            Status.DIVERIFIKASI: 20,
            Status.MENUNGGU_INFORMASI: 5,
            Status.DITOLAK: 5,
            Status.DIDISPOSISIKAN: 10,
        },
    ),
    (
        14,
        {
            Status.BARU: 5,
            Status.DIVERIFIKASI: 8,
            Status.MENUNGGU_INFORMASI: 5,
            Status.DITOLAK: 8,
            Status.DIDISPOSISIKAN: 25,
            Status.DITINDAKLANJUTI: 30,
            Status.DIJAWAB: 15,
            Status.DITUTUP: 4,
        },
    ),
    (
        45,
        {
            Status.MENUNGGU_INFORMASI: 2,
            Status.DITOLAK: 10,
            Status.DIDISPOSISIKAN: 5,
            Status.DITINDAKLANJUTI: 15,
            Status.DIJAWAB: 10,
            Status.DITUTUP: 55,
            Status.DIBUKA_KEMBALI: 3,
        },
    ),
    (
        10**6,
        {
            Status.MENUNGGU_INFORMASI: 5,
            Status.DITOLAK: 100,
            Status.DIDISPOSISIKAN: 4,
            Status.DITINDAKLANJUTI: 8,
            Status.DITUTUP: 880,
            Status.DIBUKA_KEMBALI: 3,
        },
    ),
]
FIRST_NAMES = "Agus Budi Dwi Eko Endang Heru Joko Kartini Lestari Nur Puji Ratna Sri Sugeng Tri Wahyu Yuli".split()
LAST_NAMES = "Hartono Kurniawan Lestari Nugroho Prasetyo Purnomo Rahayu Santoso Saputra Setiawan Susanti Wibowo".split()
# The bulk timeline, shaped as kasus_log() writes it: kind -> (visibility, params, the words a person wrote).
# "{answer}" is the kategori's answer; params "opd" and "channel" are filled per case.
# Per kind: its visibility, its template's params (some filled per case) and the text a person wrote.
BULK_ENTRY: dict[str, tuple[str, dict[str, Any], str]] = {
    "kasus.opened": (Visibility.PUBLIK, {}, ""),
    "kasus.verified": (Visibility.PUBLIK, {}, ""),
    "kasus.rejected": (Visibility.PUBLIK, {"reason": "di luar kewenangan pemerintah kabupaten."}, ""),
    "kasus.info_requested": (Visibility.PELAPOR, {}, "Mohon lengkapi lokasi dan kirimkan foto kondisi terkini."),
    "kasus.disposed": (Visibility.PUBLIK, {}, ""),
    "kasus.started": (Visibility.PUBLIK, {}, ""),
    "kasus.answered": (Visibility.PUBLIK, {}, "{answer}"),
    "kasus.accepted": (Visibility.PUBLIK, {}, ""),
    "kasus.autoclosed": (Visibility.PUBLIK, {}, ""),
    "kasus.disputed": (Visibility.PUBLIK, {}, "Perbaikan belum tuntas; masalah yang sama masih terjadi."),
}
REPORTER_KINDS = {"kasus.accepted", "kasus.disputed"}
# The kind each action of services.WALKS logs; "close" is drawn per case as accepted or autoclosed.
WALK_KINDS = {
    "verify": "kasus.verified",
    "reject": "kasus.rejected",
    "request_info": "kasus.info_requested",
    "dispose": "kasus.disposed",
    "start": "kasus.started",
    "answer": "kasus.answered",
    "accept": "close",
    "dispute": "kasus.disputed",
}
STAFF_KINDS = {"kasus.verified", "kasus.rejected", "kasus.info_requested", "kasus.disposed"}


def _timeline_rows(
    kasus_id: int, walk: tuple, *, actor: User | None, opd_by_pk: dict[int, Opd], sla: dict[str, int]
) -> list[dict[str, Any]]:
    """One case's timeline as rows to insert, each built by riwayat_fields as kasus_log builds it."""
    kinds, times, opd_id, channel, slug = walk
    rows = []
    for kind, moment in zip(kinds, times, strict=True):
        visibility, params, text = BULK_ENTRY[kind]
        data: dict[str, Any] = {}
        if kind == "kasus.opened":
            data = {"channel": channel, "bulk": True}
            params = {"channel": ref("channel", channel)}
        elif kind == "kasus.disposed":
            opd_nama = opd_by_pk[opd_id].nama
            data = {"opd": opd_id, "opd_nama": opd_nama}
            params = {"opd": ref("opd", opd_id, opd_nama)}
        elif kind == "kasus.autoclosed":
            params = {"days": sla["autoclose"]}
        fields = services.riwayat_fields(
            kind=kind,
            visibility=visibility,
            message=text.format(answer=ANSWERS.get(slug, DEFAULT_ANSWER)),
            actor=actor if kind in STAFF_KINDS else None,
            data=data,
            params=params,
            by_reporter=kind in REPORTER_KINDS,
        )
        author = fields.pop("actor")
        rows.append({**fields, "kasus_id": kasus_id, "actor_id": author.pk if author else None, "created_at": moment})
    return rows


class _FastCalendar:
    """add_working_days for many dates with one query: a sorted list of working days."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        cal = WorkingCalendar(start, end)
        self.days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
        self.days = [d for d in self.days if cal.is_working_day(d)]

    def add(self, moment: dt.datetime, n: int) -> dt.datetime:
        day = timezone.localtime(moment).date()
        target = self.days[bisect.bisect_right(self.days, day) + n - 1]
        return timezone.make_aware(dt.datetime.combine(target, dt.time(23, 59, 59)))


def _pick(rng: random.Random, weights: dict[str, int], n: int) -> list[str]:
    return rng.choices(list(weights), weights=list(weights.values()), k=n)


def _status_for_age(rng: random.Random, age_days: float) -> str:
    for limit, weights in STATUS_BY_AGE:
        if age_days < limit:
            return rng.choices(list(weights), weights=list(weights.values()))[0]
    raise AssertionError("unreachable")


def _reserve_references(years: Counter) -> dict[int, int]:
    """Take a block of numbers per year at once, so concurrent kasus_open calls continue after it."""
    first = {}
    with transaction.atomic():
        for year in sorted(years):
            seq, _ = ReferenceSequence.objects.select_for_update().get_or_create(year=year)
            first[year] = seq.last + 1
            seq.last += years[year]
            seq.save(update_fields=["last"])
    return first


def _insert_rows(model: type[Model], rows: list[dict], *, returning_ids: bool = False) -> list[int]:
    """Insert rows given as {attname: value}: COPY on PostgreSQL, bulk_create elsewhere. Returns new ids if asked.

    COPY skips the ORM's per-row work, which is most of the time at 100,000 cases. Columns a
    row leaves out get the field's default, so both paths store the same.
    """
    missing = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in rows[0]]
    if missing:
        rows = [{**row, **{f.attname: f.get_default() for f in missing}} for row in rows]
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE)
        return [o.pk for o in objs]
    table = model._meta.db_table
    columns = list(rows[0])
    ids: list[int] = []
    with connection.cursor() as cursor:
        if returning_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(rows)]
            )
            ids = [r[0] for r in cursor.fetchall()]
            columns = ["id", *columns]
        json_columns = {f.attname for f in model._meta.concrete_fields if f.get_internal_type() == "JSONField"}
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
            for n, row in enumerate(rows):
                values = [json.dumps(v) if k in json_columns else v for k, v in row.items()]
                copy.write_row([ids[n], *values] if returning_ids else values)
    return ids


@dataclass
class _Bulk:
    """What every bulk case is drawn from, read once per run."""

    rng: random.Random
    now: dt.datetime
    desa: list[Wilayah]
    kategori: dict[str, Kategori]
    opds: list[Opd]
    templates_by_kategori: dict[str, list[tuple]]
    calendar: _FastCalendar
    sla: dict[str, int]


def _bulk_context(rng: random.Random, now: dt.datetime, days: int) -> _Bulk:
    templates_by_kategori: dict[str, list[tuple]] = {}
    for t in TEMPLATES:
        templates_by_kategori.setdefault(t[0], []).append(t)
    return _Bulk(
        rng=rng,
        now=now,
        desa=list(
            Wilayah.objects.filter(tingkat__in=[Wilayah.Tingkat.DESA, Wilayah.Tingkat.KELURAHAN]).select_related(
                "parent"
            )
        ),
        kategori={k.slug: k for k in Kategori.objects.all()},
        opds=list(Opd.objects.filter(is_active=True)),
        templates_by_kategori=templates_by_kategori,
        calendar=_FastCalendar(
            timezone.localdate(now) - dt.timedelta(days=days + 1), timezone.localdate(now) + dt.timedelta(days=90)
        ),
        sla={
            "verify": services.sla_days("verify_days"),
            "followup": services.sla_days("followup_days"),
            "autoclose": services.sla_days("autoclose_days"),
        },
    )


def _walk(ctx: _Bulk, status: str, created_at: dt.datetime) -> tuple[list[str], list[dt.datetime]]:
    """The kinds of the case's timeline and their moments, spaced over the first part of its life."""
    walk = ["kasus.opened", *(WALK_KINDS[action] for action in services.WALKS[status])]
    if walk[-1] == "close":
        walk = [*walk[:-1], "kasus.accepted" if ctx.rng.random() < 0.6 else "kasus.autoclosed"]
    life = max(ctx.now - created_at, dt.timedelta(minutes=len(walk)))
    step = min(life * 0.6 / len(walk), dt.timedelta(days=3))
    return walk, [created_at + step * k for k in range(len(walk))]


def _due_at(ctx: _Bulk, status: str, last: dt.datetime) -> dt.datetime | None:
    """The deadline the last entry set, as the services would have."""
    if status in {Status.BARU, Status.DIVERIFIKASI}:
        return ctx.calendar.add(last, ctx.sla["verify"])
    if status in {Status.DIDISPOSISIKAN, Status.DITINDAKLANJUTI, Status.DIBUKA_KEMBALI}:
        return ctx.calendar.add(last, ctx.sla["followup"])
    if status == Status.DIJAWAB:
        return ctx.calendar.add(last, ctx.sla["autoclose"])
    return None


def _case_row(
    ctx: _Bulk, *, created_at: dt.datetime, age: float, slug: str, channel: str, reference: str, serial: int
) -> tuple[dict[str, Any], tuple]:
    """One case as a row to insert, and its walk (kinds, moments, OPD, channel, kategori) for the timeline."""
    rng = ctx.rng
    status = _status_for_age(rng, age)
    slug = slug if slug in ctx.kategori else "lainnya"
    kat = ctx.kategori.get(slug)
    w = rng.choice(ctx.desa)
    _k, title, summary, priority = rng.choice(ctx.templates_by_kategori.get(slug) or TEMPLATES)
    assert w.parent is not None  # every desa and kelurahan is in a kecamatan
    names = {"desa": w.nama, "kec": w.parent.nama}
    walk, times = _walk(ctx, status, created_at)
    last = times[-1]
    opd_id = None
    if "kasus.disposed" in walk:
        opd_id = kat.default_opd_id if kat and kat.default_opd_id else rng.choice(ctx.opds).pk
    due_at = _due_at(ctx, status, last)
    guest = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    answered_at = times[walk.index("kasus.answered")] if status in {Status.DIJAWAB, Status.DITUTUP} else None
    row = {
        "reference": reference,
        "tracking_token": new_tracking_token(),
        "title": title.format(**names)[:200],
        "summary": summary.format(**names),
        "kategori_id": kat.pk if kat else None,
        "wilayah_id": w.pk,
        "kecamatan_id": w.parent_id,
        "opd_id": opd_id,
        "status": status,
        "status_before_pause": Status.BARU if status == Status.MENUNGGU_INFORMASI else "",
        "sla_remaining_days": 2 if status == Status.MENUNGGU_INFORMASI else None,
        "priority": priority,
        "channel": channel,
        "reporter_name": guest,
        "reporter_email": f"{guest.lower().replace(' ', '.')}.{serial}@example.org" if rng.random() < 0.7 else "",
        "reporter_phone": f"08{rng.randint(11, 99)}{rng.randint(10**7, 10**8 - 1)}",
        "is_anonymous": rng.random() < 0.08,
        "is_confidential": rng.random() < 0.04,
        "due_at": due_at,
        "rating": rng.randint(3, 5) if walk[-1] == "kasus.accepted" else None,
        "confirmed_at": created_at,
        "answered_at": answered_at,
        "closed_at": last if status in CLOSED_STATUSES else None,
        "created_at": created_at,
        "updated_at": last,
    }
    return row, (walk, times, opd_id, channel, slug)


def bulk_cases(
    n: int, *, seed: int | None = None, days: int = 730, progress: Callable[[int], None] | None = None
) -> int:
    """Insert n cases spread over the last `days` days, each with a short timeline. Returns n.

    References KSS-YYYY-NNNNNN follow the year of creation and continue the ReferenceSequence.
    """
    if n <= 0:
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    petugas = User.objects.filter(groups__name=roles.PETUGAS).order_by("pk").first()
    ctx = _bulk_context(rng, now, days)
    opd_by_pk = {o.pk: o for o in ctx.opds}

    # Older cases are fewer: use of the portal grows over time, so ages are skewed toward today.
    ages = sorted((days * (1 - rng.random() ** 0.7) for _ in range(n)), reverse=True)
    created = [now - dt.timedelta(days=a, seconds=rng.randint(0, 3600)) for a in ages]
    years = Counter(timezone.localtime(c).year for c in created)
    next_number = _reserve_references(years)

    done = 0
    for offset in range(0, n, BATCH_SIZE):
        batch_created = created[offset : offset + BATCH_SIZE]
        size = len(batch_created)
        slugs = _pick(rng, KATEGORI_WEIGHTS, size)
        channels = _pick(rng, CHANNEL_WEIGHTS, size)
        cases, walks = [], []
        for i, created_at in enumerate(batch_created):
            year = timezone.localtime(created_at).year
            number = next_number[year]
            next_number[year] += 1
            row, walk = _case_row(
                ctx,
                created_at=created_at,
                age=ages[offset + i],
                slug=slugs[i],
                channel=channels[i],
                reference=f"KSS-{year}-{number:06d}",
                serial=offset + i,
            )
            cases.append(row)
            walks.append(walk)
        with transaction.atomic():
            ids = _insert_rows(Kasus, cases, returning_ids=True)
            entries = []
            for kasus_id, walk in zip(ids, walks, strict=True):
                entries += _timeline_rows(kasus_id, walk, actor=petugas, opd_by_pk=opd_by_pk, sla=ctx.sla)
            _insert_rows(Riwayat, entries)
        done += size
        if progress:
            progress(done)
    return n
