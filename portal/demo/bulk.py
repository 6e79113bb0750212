"""The bulk seeder: many cases inserted at once for load tests, each with a short timeline.

Timeline rows are built by the same function kasus_log uses (riwayat_fields), so a bulk row reads
exactly like one a service wrote.
"""

import bisect
import datetime as dt
import itertools
import json
import random
import struct
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, AnyStr

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
# From this many cases on PostgreSQL (and at least as many as there are), the indexes are rebuilt after.
LARGE_RUN = 200_000
LARGE_BATCH_SIZE = 25_000  # fewer, longer COPY streams; a multiple of seed_demo's progress step
COPY_CHUNK = 2000  # lines per write to COPY
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


class _Timeline:
    """Timeline entries built by riwayat_fields as kasus_log builds them, once per distinct walk and reused.

    An entry differs between cases only by the kind and the case's channel, OPD or kategori, so a million
    cases need a few thousand calls; each entry is kept as fields for the ORM and as binary COPY.
    """

    def __init__(self, *, actor: User | None, opd_by_pk: dict[int, Opd], sla: dict[str, int]) -> None:
        self.actor = actor
        self.opd_by_pk = opd_by_pk
        self.sla = sla
        self._walks: dict[tuple, tuple[tuple[dict[str, Any], bytes], ...]] = {}

    def entries(self, walk: tuple) -> tuple[tuple[dict[str, Any], bytes], ...]:
        """(fields, binary COPY of RIWAYAT_COLUMNS after kasus_id and created_at) per entry of the walk."""
        kinds, _times, opd_id, channel, slug = walk
        key = (kinds, opd_id, channel, slug)
        found = self._walks.get(key)
        if found is None:
            found = self._walks[key] = tuple(self._entry(kind, opd_id, channel, slug) for kind in kinds)
        return found

    def _entry(self, kind: str, opd_id: int | None, channel: str, slug: str) -> tuple[dict[str, Any], bytes]:
        visibility, params, text = BULK_ENTRY[kind]
        data: dict[str, Any] = {}
        if kind == "kasus.opened":
            data = {"channel": channel, "bulk": True}
            params = {"channel": ref("channel", channel)}
        elif kind == "kasus.disposed":
            assert opd_id is not None  # a walk through "dispose" has its OPD
            opd_nama = self.opd_by_pk[opd_id].nama
            data = {"opd": opd_id, "opd_nama": opd_nama}
            params = {"opd": ref("opd", opd_id, opd_nama)}
        elif kind == "kasus.autoclosed":
            params = {"days": self.sla["autoclose"]}
        fields = services.riwayat_fields(
            kind=kind,
            visibility=visibility,
            message=text.format(answer=ANSWERS.get(slug, DEFAULT_ANSWER)),
            actor=self.actor if kind in STAFF_KINDS else None,
            data=data,
            params=params,
            by_reporter=kind in REPORTER_KINDS,
        )
        author = fields.pop("actor")
        fields["actor_id"] = author.pk if author else None
        binary = b"".join(_binary_field(fields[c], jsonb=c in {"params", "data"}) for c in RIWAYAT_COLUMNS[2:])
        return fields, binary


# The order of a timeline row in COPY; the first two differ per row. Timeline rows go in COPY's binary
# format: PostgreSQL reads a timestamp there without parsing text, and Python packs it faster than it
# formats one (five million of each in a million cases).
RIWAYAT_COLUMNS = (
    "kasus_id",
    "created_at",
    "kind",
    "actor_id",
    "visibility",
    "message",
    "params",
    "by_reporter",
    "data",
)


_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_BINARY_TRAILER = struct.pack("!h", -1)
_BINARY_NULL = struct.pack("!i", -1)
_RIWAYAT_START = struct.Struct("!hiqiq").pack  # field count, kasus_id (int8), created_at (int8 µs)
_PG_EPOCH = dt.datetime(2000, 1, 1)
_MICROSECOND = dt.timedelta(microseconds=1)


def _binary_field(value: Any, *, jsonb: bool = False) -> bytes:
    """One field in COPY's binary format: its length, then int as int8, bool, str as text, or jsonb."""
    if value is None:
        return _BINARY_NULL
    if jsonb:
        data = b"\x01" + json.dumps(value).encode()  # jsonb's binary form: version 1, then the JSON text
    elif type(value) is bool:
        data = b"\x01" if value else b"\x00"
    elif type(value) is int:
        data = struct.pack("!q", value)
    else:
        data = str(value).encode()
    return struct.pack("!i", len(data)) + data


def _copy_value(value: Any) -> str:
    """One value in COPY's text format; a datetime is naive UTC (_utc)."""
    kind = type(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is dt.datetime:
        return f"{value.isoformat()}+00"
    text = value if kind is str else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy_text(values: Iterable[Any]) -> str:
    return "\t".join(map(_copy_value, values))


def _utc(moment: dt.datetime) -> dt.datetime:
    """The naive UTC form bulk rows are drawn in: its arithmetic and formatting skip the time zone's work."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


class _FastCalendar:
    """add_working_days for many dates with one query: a sorted list of working days.

    Moments are naive UTC; their local date is found among the local midnights by bisection,
    which is many times faster than converting each one to the local time zone.
    """

    def __init__(self, start: dt.date, end: dt.date) -> None:
        cal = WorkingCalendar(start, end)
        self.dates = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
        self.midnights = [_utc(timezone.make_aware(dt.datetime.combine(d, dt.time()))) for d in self.dates]
        self.days = [d for d in self.dates if cal.is_working_day(d)]
        self._ends: dict[dt.date, dt.datetime] = {}

    def local_date(self, moment: dt.datetime) -> dt.date:
        return self.dates[bisect.bisect_right(self.midnights, moment) - 1]

    def add(self, moment: dt.datetime, n: int) -> dt.datetime:
        target = self.days[bisect.bisect_right(self.days, self.local_date(moment)) + n - 1]
        end = self._ends.get(target)
        if end is None:
            end = self._ends[target] = _utc(timezone.make_aware(dt.datetime.combine(target, dt.time(23, 59, 59))))
        return end


def _pick(rng: random.Random, weights: dict[str, int], n: int) -> list[str]:
    return rng.choices([str(k) for k in weights], cum_weights=list(itertools.accumulate(weights.values())), k=n)


# STATUS_BY_AGE as (age limit, statuses, cumulative weights, total) for a draw by bisection.
_STATUS_DRAWS = [
    (limit, [str(s) for s in weights], list(itertools.accumulate(weights.values())), sum(weights.values()))
    for limit, weights in STATUS_BY_AGE
]


def _status_for_age(rng: random.Random, age_days: float) -> str:
    for limit, statuses, cum_weights, total in _STATUS_DRAWS:
        if age_days < limit:
            return statuses[bisect.bisect(cum_weights, rng.random() * total)]
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


@dataclass
class _Bulk:
    """What every bulk case is drawn from, read once per run."""

    rng: random.Random
    now: dt.datetime  # naive UTC, as every moment drawn (_utc)
    desa: list[Wilayah]
    kategori: dict[str, Kategori]
    opds: list[Opd]
    templates_by_kategori: dict[str, list[tuple]]
    calendar: _FastCalendar
    sla: dict[str, int]
    _texts: dict[tuple, tuple[str, str, str]] = field(default_factory=dict)

    def texts(self, template: tuple, desa: Wilayah) -> tuple[str, str, str]:
        """Title, summary and priority of a template told of a desa, formatted once per pair."""
        key = (template, desa.pk)
        found = self._texts.get(key)
        if found is None:
            _kategori, title, summary, priority = template
            assert desa.parent is not None  # every desa and kelurahan is in a kecamatan
            names = {"desa": desa.nama, "kec": desa.parent.nama}
            found = self._texts[key] = (title.format(**names)[:200], summary.format(**names), priority)
        return found


def _bulk_context(rng: random.Random, now: dt.datetime, days: int) -> _Bulk:
    templates_by_kategori: dict[str, list[tuple]] = {}
    for t in TEMPLATES:
        templates_by_kategori.setdefault(t[0], []).append(t)
    return _Bulk(
        rng=rng,
        now=_utc(now),
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


# Plain strings: the statuses drawn are looked up for every case, and str hashes faster than an enum.
_WALKS = {str(status): ("kasus.opened", *(WALK_KINDS[a] for a in walk)) for status, walk in services.WALKS.items()}
# The SLA whose deadline each status runs against, as the services set due_at.
_DUE_AFTER: dict[str, str] = {
    **dict.fromkeys([str(Status.BARU), str(Status.DIVERIFIKASI)], "verify"),
    **dict.fromkeys([str(Status.DIDISPOSISIKAN), str(Status.DITINDAKLANJUTI), str(Status.DIBUKA_KEMBALI)], "followup"),
    str(Status.DIJAWAB): "autoclose",
}
_CLOSED = {str(status) for status in CLOSED_STATUSES}
_ANSWERED = {str(Status.DIJAWAB), str(Status.DITUTUP)}
_PAUSED = str(Status.MENUNGGU_INFORMASI)
_NEW = str(Status.BARU)
_MINUTE = dt.timedelta(minutes=1)
_LONGEST_STEP = dt.timedelta(days=3)


def _walk(ctx: _Bulk, status: str, created_at: dt.datetime) -> tuple[tuple[str, ...], list[dt.datetime]]:
    """The kinds of the case's timeline and their moments, spaced over the first part of its life."""
    walk = _WALKS[status]
    if walk[-1] == "close":
        walk = (*walk[:-1], "kasus.accepted" if ctx.rng.random() < 0.6 else "kasus.autoclosed")
    life = ctx.now - created_at
    if life < _MINUTE * len(walk):
        life = _MINUTE * len(walk)
    step = life * 0.6 / len(walk)
    if step > _LONGEST_STEP:
        step = _LONGEST_STEP
    return walk, [created_at + step * k for k in range(len(walk))]


def _due_at(ctx: _Bulk, status: str, last: dt.datetime) -> dt.datetime | None:
    """The deadline the last entry set, as the services would have."""
    sla = _DUE_AFTER.get(status)
    return ctx.calendar.add(last, ctx.sla[sla]) if sla else None


def _case_row(
    ctx: _Bulk,
    *,
    created_at: dt.datetime,
    age: float,
    slug: str,
    channel: str,
    reference: str,
    token: str,
    serial: int,
) -> tuple[dict[str, Any], tuple]:
    """One case as a row to insert, and its walk (kinds, moments, OPD, channel, kategori) for the timeline.

    Draws pick by index from rng.random() (same distribution as rng.choice, several times faster).
    """
    rnd = ctx.rng.random
    status = _status_for_age(ctx.rng, age)
    slug = slug if slug in ctx.kategori else "lainnya"
    kat = ctx.kategori.get(slug)
    w = ctx.desa[int(rnd() * len(ctx.desa))]
    templates = ctx.templates_by_kategori.get(slug) or TEMPLATES
    title, summary, priority = ctx.texts(templates[int(rnd() * len(templates))], w)
    walk, times = _walk(ctx, status, created_at)
    last = times[-1]
    opd_id = None
    if "kasus.disposed" in walk:
        opd_id = kat.default_opd_id if kat and kat.default_opd_id else ctx.opds[int(rnd() * len(ctx.opds))].pk
    due_at = _due_at(ctx, status, last)
    first_name, last_name = FIRST_NAMES[int(rnd() * len(FIRST_NAMES))], LAST_NAMES[int(rnd() * len(LAST_NAMES))]
    paused = status == _PAUSED
    row = {
        "reference": reference,
        "tracking_token": token,
        "title": title,
        "summary": summary,
        "kategori_id": kat.id if kat else None,
        "wilayah_id": w.id,
        "kecamatan_id": w.parent_id,
        "opd_id": opd_id,
        "status": status,
        "status_before_pause": _NEW if paused else "",
        "sla_remaining_days": 2 if paused else None,
        "priority": priority,
        "channel": channel,
        "reporter_name": f"{first_name} {last_name}",
        "reporter_email": f"{first_name.lower()}.{last_name.lower()}.{serial}@example.org" if rnd() < 0.7 else "",
        "reporter_phone": f"08{11 + int(rnd() * 89)}{10**7 + int(rnd() * 9 * 10**7)}",
        "is_anonymous": rnd() < 0.08,
        "is_confidential": rnd() < 0.04,
        "due_at": due_at,
        "rating": 3 + int(rnd() * 3) if walk[-1] == "kasus.accepted" else None,
        "confirmed_at": created_at,
        "answered_at": times[walk.index("kasus.answered")] if status in _ANSWERED else None,
        "closed_at": last if status in _CLOSED else None,
        "created_at": created_at,
        "updated_at": last,
    }
    return row, (walk, times, opd_id, channel, slug)


class _Writer:
    """Inserts batches of cases with their timelines: COPY on PostgreSQL, bulk_create elsewhere.

    COPY skips the ORM's per-row work, which is most of the time at 100,000 cases. Columns a row
    leaves out get the field's default, so both paths store the same. The rows of a batch reach COPY
    as they are drawn, so PostgreSQL stores them while Python draws the next (the machine's other CPU).
    """

    def __init__(self, timeline: _Timeline) -> None:
        self.timeline = timeline
        self.defaults: dict[str, Any] | None = None

    def write(self, cases: Iterator[tuple[dict[str, Any], tuple]], size: int) -> None:
        first = next(cases)
        if self.defaults is None:
            self.defaults = {
                f.attname: f.get_default()
                for f in Kasus._meta.concrete_fields
                if not f.primary_key and f.attname not in first[0]
            }
        cases = itertools.chain([first], cases)
        if connection.vendor == "postgresql":
            self._copy(cases, size, columns=[*first[0], *self.defaults])
        else:
            self._create(cases)

    def _create(self, cases: Iterable[tuple[dict[str, Any], tuple]]) -> None:
        assert self.defaults is not None
        rows, walks = zip(*cases, strict=True)
        objs = Kasus.objects.bulk_create(
            [Kasus(**{k: _aware(v) for k, v in row.items()}, **self.defaults) for row in rows], batch_size=BATCH_SIZE
        )
        entries = [
            Riwayat(kasus_id=kasus.pk, created_at=_aware(moment), **fields)
            for kasus, walk in zip(objs, walks, strict=True)
            for (fields, _binary), moment in zip(self.timeline.entries(walk), walk[1], strict=True)
        ]
        Riwayat.objects.bulk_create(entries, batch_size=BATCH_SIZE)

    def _copy(self, cases: Iterable[tuple[dict[str, Any], tuple]], size: int, columns: list[str]) -> None:
        assert self.defaults is not None
        defaults = _copy_text(self.defaults.values())
        walks: list[tuple[int, tuple]] = []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Kasus._meta.db_table, size],
            )
            ids = [r[0] for r in cursor.fetchall()]

            def kasus_lines() -> Iterator[str]:
                for kasus_id, (row, walk) in zip(ids, cases, strict=True):
                    walks.append((kasus_id, walk))
                    yield f"{kasus_id}\t{_copy_text(row.values())}\t{defaults}\n"

            def riwayat_rows() -> Iterator[bytes]:
                yield _BINARY_HEADER
                fields = len(RIWAYAT_COLUMNS)
                for kasus_id, walk in walks:
                    for (_fields, rest), moment in zip(self.timeline.entries(walk), walk[1], strict=True):
                        yield _RIWAYAT_START(fields, 8, kasus_id, 8, (moment - _PG_EPOCH) // _MICROSECOND) + rest
                yield _BINARY_TRAILER

            _copy_rows(cursor, Kasus, ["id", *columns], kasus_lines(), "", "")
            _copy_rows(cursor, Riwayat, RIWAYAT_COLUMNS, riwayat_rows(), b"", " (FORMAT BINARY)")


def _aware(value: Any) -> Any:
    """A naive UTC datetime (_utc) made aware for the ORM; any other value as it is."""
    return value.replace(tzinfo=dt.UTC) if type(value) is dt.datetime else value


def _copy_rows(
    cursor: Any, model: type[Model], columns: Iterable[str], rows: Iterator[AnyStr], empty: AnyStr, options: str
) -> None:
    """COPY rows (text lines, or binary with its header and trailer) into the model's table, in chunks as made."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN{options}") as copy:
        while chunk := empty.join(itertools.islice(rows, COPY_CHUNK)):
            copy.write(chunk)


@contextmanager
def _bulk_load(n: int) -> Iterator[int]:
    """The batch size to insert n cases in; for a large run on PostgreSQL, also one transaction around them
    in which the secondary indexes and the foreign keys of both tables are dropped, then rebuilt at the end.

    Building an index once from a million rows is many times cheaper than updating 27 of them row by
    row, and a foreign key added back is checked by one join instead of a trigger per row at commit
    (where a deferred check also forbids CREATE INDEX). Unique indexes stay and keep checking. DDL is
    transactional: a failure leaves the tables, their indexes and constraints as they were. Tables
    already bigger than the run keep everything (rebuilding would cost more than it saves).
    """
    tables = [Kasus._meta.db_table, Riwayat._meta.db_table]
    if connection.vendor != "postgresql" or n < LARGE_RUN or n < Kasus.objects.count():
        yield BATCH_SIZE
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        # Unique indexes and those behind a constraint stay: they keep checking what is inserted.
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype = 'f'
            """,
            [tables],
        )
        foreign_keys = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        yield LARGE_BATCH_SIZE
        # pg_indexes then prints an `IN (...)` predicate with its casts spelled out: the same condition.
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute(f"ANALYZE {', '.join(tables)}")


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
    writer = _Writer(_Timeline(actor=petugas, opd_by_pk={o.pk: o for o in ctx.opds}, sla=ctx.sla))

    # Older cases are fewer: use of the portal grows over time, so ages are skewed toward today.
    ages = sorted((days * (1 - rng.random() ** 0.7) for _ in range(n)), reverse=True)
    created = [ctx.now - dt.timedelta(days=a, seconds=rng.randint(0, 3600)) for a in ages]
    years = [ctx.calendar.local_date(c).year for c in created]
    next_number = _reserve_references(Counter(years))

    def cases(offset: int, size: int) -> Iterator[tuple[dict[str, Any], tuple]]:
        slugs = _pick(rng, KATEGORI_WEIGHTS, size)
        channels = _pick(rng, CHANNEL_WEIGHTS, size)
        tokens = [new_tracking_token() for _ in range(size)]
        for i in range(size):
            year = years[offset + i]
            number = next_number[year]
            next_number[year] += 1
            yield _case_row(
                ctx,
                created_at=created[offset + i],
                age=ages[offset + i],
                slug=slugs[i],
                channel=channels[i],
                reference=f"KSS-{year}-{number:06d}",
                token=tokens[i],
                serial=offset + i,
            )

    with _bulk_load(n) as batch_size:
        for offset in range(0, n, batch_size):
            size = min(batch_size, n - offset)
            with transaction.atomic(savepoint=False):  # in a large run, the one transaction around all
                writer.write(cases(offset, size), size)
            if progress:
                progress(offset + size)
    return n
