"""Server time of "already reported nearby" and of the staff map view, on PostgreSQL.

Migrates the database in DATABASE_URL (created if missing), tops it up to --cases bulk demo cases once and gives
them pins near their desa (aspirasi.demo.pin_cases), runs ANALYZE, then requests in-process through
django.test.Client, after 20 warm-up requests, --requests times each:

- the nearby fragment /aspirasi/kirim/sekitar/ with a pin and a title, the pin moving over 200 desa centroids
  (the bounding-box query on the pin index, then trigram similarity in the desa);
- the nearby query alone (aspirasi.nearby.nearby_cases), timed around the call;
- the staff map /petugas/peta/ unfiltered (open cases), and filtered by kecamatan and by status=ditutup,
  as a signed-in petugas with TOTP. The map's aggregate is cached for a minute; the first (cold) request's
  time is printed apart.

Server time runs from Django's request_started to request_finished signal. Prints median and p95 in ms and the
queries per request. See benchmarks/README.md for the command.
"""

import argparse
import os
import statistics
import sys
import time

import _support


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class ServerClock:
    def __init__(self):
        from django.core.signals import request_finished, request_started

        self.started = self.elapsed = 0.0
        request_started.connect(self._start, weak=False)
        request_finished.connect(self._finish, weak=False)

    def _start(self, **kwargs):
        self.started = time.perf_counter()

    def _finish(self, **kwargs):
        self.elapsed = (time.perf_counter() - self.started) * 1000


def prepare(cases: int):
    from django.db import connection

    from aspirasi.demo import pin_cases
    from portal.demo import bulk
    from portal.demo import data as demo_data
    from portal.kasus.models import Kasus

    accounts = demo_data.ensure_accounts(embedded=False)
    existing = Kasus.objects.count()
    if existing < cases:
        started = time.monotonic()
        bulk.bulk_cases(cases - existing, seed=2026, progress=lambda done: print(f"  {done} cases", end="\r"))
        print(f"seeded {cases - existing} cases in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    pinned = pin_cases(Kasus.objects.all())
    if pinned:
        print(f"pinned {pinned} cases in {time.monotonic() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE kasus_kasus")
    return accounts["petugas@wonogirikab.go.id"].user


def check(response, url: str) -> None:
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code} (expected 200)")


def query_count(client, url: str) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        check(client.get(url), url)
    return len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases to have in the database")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page (default 200)")
    args = parser.parse_args()
    _support.configure(
        "bench_map",
        hint=" (SQLite is not benchmarked)",
        allowed_hosts="testserver,localhost,127.0.0.1",
        override=False,
        eager_tasks=False,
    )
    _support.setup_django()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from aspirasi.nearby import nearby_cases
    from portal.kasus.models import Kasus
    from portal.wilayah import geo
    from portal.wilayah.models import DESA_LEVELS, Wilayah

    petugas = prepare(args.cases)
    desa_ids = dict(Wilayah.objects.filter(tingkat__in=DESA_LEVELS).values_list("kode", "pk"))
    spots = [(d.centroid, desa_ids[d.kode]) for d in geo.desa_list()[:200]]
    titles = ["Jalan rusak berlubang", "Lampu PJU padam", "Saluran irigasi tersumbat", "Jembatan retak"]
    client = Client()
    clock = ServerClock()

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(
        f"PostgreSQL {version}; {Kasus.objects.count()} cases, {Kasus.objects.filter(titik_lat__isnull=False).count()}"
        f" with a pin; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {args.requests} requests each"
    )
    print(f"{'what':<52} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")

    def nearby_url(i: int) -> str:
        (lat, lng), desa_pk = spots[i % len(spots)]
        return f"/aspirasi/kirim/sekitar/?titik_lat={lat}&titik_lng={lng}&desa={desa_pk}&title={titles[i % 4]}"

    for i in range(20):
        check(client.get(nearby_url(i)), nearby_url(i))
    samples = []
    for i in range(args.requests):
        check(client.get(nearby_url(i)), nearby_url(i))
        samples.append(clock.elapsed)
    report("nearby fragment (pin + title)", samples, query_count(client, nearby_url(0)))

    samples = []
    for i in range(args.requests):
        (lat, lng), desa_pk = spots[i % len(spots)]
        started = time.perf_counter()
        nearby_cases(lat=lat, lng=lng, wilayah_id=desa_pk, title=titles[i % 4])
        samples.append((time.perf_counter() - started) * 1000)
    report("nearby query alone", samples, None)

    client.force_login(petugas)
    kecamatan = Wilayah.objects.get(tingkat=Wilayah.Tingkat.KECAMATAN, nama="Wonogiri")
    for label, url in [
        ("staff map, no filter (open cases)", "/petugas/peta/"),
        (f"staff map kecamatan={kecamatan.nama}", f"/petugas/peta/?kecamatan={kecamatan.pk}"),
        ("staff map status=ditutup", "/petugas/peta/?status=ditutup"),
    ]:
        cache.clear()
        check(client.get(url), url)
        cold = clock.elapsed
        for _ in range(20):
            check(client.get(url), url)
        samples = []
        for _ in range(args.requests):
            check(client.get(url), url)
            samples.append(clock.elapsed)
        report(f"{label} (cold {cold:.0f} ms)", samples, query_count(client, url))


def report(label: str, samples: list[float], queries: int | None) -> None:
    median, p95 = statistics.median(samples), percentile(samples, 95)
    print(f"{label:<52} {median:>10.1f} {p95:>8.1f} {queries if queries is not None else '-':>8}")


if __name__ == "__main__":
    main()
