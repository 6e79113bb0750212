"""Server time of the staff queue and the staff case page with 100,000 cases on PostgreSQL.

Migrates the database in DATABASE_URL (created if missing), seeds the bulk demo cases once,
adds one case with a 50-entry timeline, then requests each page through django.test.Client
in-process as a signed-in petugas with TOTP. Server time runs from Django's request_started
to request_finished signal. Prints median and p95 in ms, the web process's median CPU time
and the queries per page; with --explain (or when a page misses the 100 ms budget) prints
EXPLAIN ANALYZE of its slowest queries.

See benchmarks/README.md for the command.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from urllib.parse import urlencode

import _support

BENCH_MARK = "timeline-50"
BUDGET_MS = 100.0


def prepare(cases: int):
    from django.db import connection

    from portal.demo import bulk
    from portal.demo import data as demo_data
    from portal.kasus.models import Kasus

    accounts = demo_data.ensure_accounts(embedded=False)
    existing = Kasus.objects.count()
    if existing < cases:
        started = time.monotonic()
        bulk.bulk_cases(cases - existing, seed=2026, progress=lambda done: print(f"  {done} cases", end="\r"))
        print(f"seeded {cases - existing} cases in {time.monotonic() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE kasus_kasus, kasus_riwayat")
    return accounts["petugas@wonogirikab.go.id"].user, timeline_case(accounts)


def timeline_case(accounts):
    """A case with 50 timeline entries, walked through the services (created once)."""
    from django.db import transaction

    from portal.kasus import services
    from portal.kasus.models import Kasus, OutboxEmail, Riwayat
    from portal.wilayah.models import Kategori, Opd, Wilayah

    found = Riwayat.objects.filter(kind="kasus.opened", data__bench=BENCH_MARK).values_list("kasus_id", flat=True)
    if found:
        return Kasus.objects.get(pk=found[0])
    petugas = accounts["petugas@wonogirikab.go.id"].user
    officer = accounts["opd.dpupr@wonogirikab.go.id"].user
    reporter = accounts["warga1@example.org"].user
    with transaction.atomic():
        kasus = services.kasus_open(
            title="Jalan provinsi Wonogiri–Pracimantoro amblas di tikungan Desa Gedong",
            summary="Badan jalan amblas sedalam 40 cm di tikungan tajam; sudah tiga kecelakaan dalam sebulan.",
            reporter=reporter,
            actor=reporter,
            kategori=Kategori.objects.get(slug="infrastruktur-jalan"),
            wilayah=Wilayah.objects.filter(tingkat="kelurahan", nama="Gedong").first(),
            data={"bench": BENCH_MARK},
            notify=False,
        )
        services.kasus_verify(kasus_id=kasus.pk, actor=petugas)
        services.kasus_dispose(kasus_id=kasus.pk, actor=petugas, opd=Opd.objects.get(singkatan="DPUPR"))
        services.kasus_start(kasus_id=kasus.pk, actor=officer)
        n = kasus.riwayat.count()
        for i in range(n, 50):
            if i % 3 == 0:
                services.kasus_log(
                    kasus=kasus,
                    kind="kasus.started",
                    visibility=Riwayat.Visibility.PUBLIK,
                    message=f"Laporan kemajuan ke-{i}: pengerukan dan pemadatan ulang.",
                    actor=officer,
                )
            else:
                services.kasus_note_add(kasus_id=kasus.pk, actor=petugas, message=f"Catatan koordinasi ke-{i}.")
        OutboxEmail.objects.filter(kasus=kasus).delete()
    return kasus


class ServerClock:
    """Time from request_started to request_finished, i.e. inside Django, for the last request."""

    def __init__(self):
        from django.core.signals import request_finished, request_started

        self.started = self.cpu_started = self.elapsed = self.cpu = 0.0
        request_started.connect(self._start, weak=False)
        request_finished.connect(self._finish, weak=False)

    def _start(self, **kwargs):
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()

    def _finish(self, **kwargs):
        self.elapsed = (time.perf_counter() - self.started) * 1000
        self.cpu = (time.process_time() - self.cpu_started) * 1000


def measure(client, clock, url: str, n: int) -> tuple[list[float], list[float]]:
    """Server time and the web process's CPU time per request, in ms, after a warm-up."""
    for _ in range(20):
        check(client.get(url), url)
    samples, cpu = [], []
    for _ in range(n):
        check(client.get(url), url)
        samples.append(clock.elapsed)
        cpu.append(clock.cpu)
    return samples, cpu


def queue_filters(kecamatan) -> list[tuple[str, str]]:
    """(label, url) of the queue under each of its single filters, with values the bulk cases use."""
    from portal.wilayah.models import Kategori, Opd

    kategori = Kategori.objects.get(slug="infrastruktur-jalan")
    opd = Opd.objects.get(singkatan="DPUPR")
    return [
        ("queue status=didisposisikan", "/petugas/?status=didisposisikan"),
        ("queue status=ditutup", "/petugas/?status=ditutup"),
        (f"queue kategori={kategori.slug}", f"/petugas/?kategori={kategori.pk}"),
        (f"queue kecamatan={kecamatan.nama}", f"/petugas/?kecamatan={kecamatan.pk}"),
        (f"queue opd={opd.singkatan}", f"/petugas/?opd={opd.pk}"),
        ("queue overdue only", "/petugas/?overdue=on"),
        ("queue assigned to me", "/petugas/?mine=on"),
    ]


def check(response, url: str) -> None:
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code} (expected 200); is the petugas signed in with TOTP?")


def capture(client, url: str):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return ctx.captured_queries


def explain(queries, top: int = 3) -> None:
    from django.db import connection

    slowest = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:top]
    for q in slowest:
        if not q["sql"].lstrip().upper().startswith("SELECT"):
            continue
        print(f"\n-- {float(q['time']) * 1000:.1f} ms: {q['sql'][:300]}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            for (line,) in cursor.fetchall():
                print("   ", line)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases to have in the database (default 100000)")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page (default 200)")
    parser.add_argument("--kecamatan", default="Wonogiri", help="kecamatan filter of the queue (default Wonogiri)")
    parser.add_argument(
        "--status",
        action="append",
        help="status filter of the queue; repeat for several (default: didisposisikan and ditutup)",
    )
    parser.add_argument("--text", default="jalan amblas", help="words of the text search (default 'jalan amblas')")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's slowest queries")
    args = parser.parse_args()
    # In-process: keep what the caller's environment sets, and its REDIS_URL (the cache).
    _support.configure(
        "bench_staff_pages",
        hint=" (SQLite is not benchmarked)",
        allowed_hosts="testserver,localhost,127.0.0.1",
        override=False,
        eager_tasks=False,
    )
    _support.setup_django()
    logging.getLogger("portal.request").setLevel(logging.WARNING)  # a line per request would drown the table
    from django.db import connection
    from django.test import Client

    from portal.kasus.models import Kasus, Riwayat
    from portal.wilayah.models import Wilayah

    petugas, kasus = prepare(args.cases)
    kecamatan = Wilayah.objects.get(tingkat="kecamatan", nama=args.kecamatan)
    client = Client()
    client.force_login(petugas)
    clock = ServerClock()

    pages = [("queue, no filter", "/petugas/")]
    pages += queue_filters(kecamatan)
    pages += [
        (f"queue kecamatan={kecamatan.nama} status={status}", f"/petugas/?kecamatan={kecamatan.pk}&status={status}")
        for status in args.status or ["didisposisikan", "ditutup"]
    ]
    pages.append((f"queue search by reference {kasus.reference}", f"/petugas/?q={kasus.reference}"))
    pages.append((f"queue search by text '{args.text}'", "/petugas/?" + urlencode({"q": args.text})))
    pages.append(
        (f"case page {kasus.reference} ({kasus.riwayat.count()} entries)", f"/petugas/kasus/{kasus.reference}/")
    )

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(
        f"PostgreSQL {version}; {Kasus.objects.count()} cases, {Riwayat.objects.count()} timeline entries; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {args.requests} requests per page"
    )
    print(f"{'page':<58} {'median ms':>10} {'p95 ms':>8} {'cpu median':>11} {'queries':>8}")
    for label, url in pages:
        samples, cpu = measure(client, clock, url, args.requests)
        queries = capture(client, url)
        p95 = percentile(samples, 95)
        print(
            f"{label:<58} {statistics.median(samples):>10.1f} {p95:>8.1f} {statistics.median(cpu):>11.1f} "
            f"{len(queries):>8}"
        )
        if args.explain or p95 > BUDGET_MS:
            print(f"   {url}")
            explain(queries)


if __name__ == "__main__":
    main()
