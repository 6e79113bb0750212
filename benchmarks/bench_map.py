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

import statistics
import time

import _support


def prepare(cases: int):
    from aspirasi.demo import pin_cases
    from portal.kasus.models import Kasus

    accounts = _support.seed_cases(cases)
    started = time.monotonic()
    pinned = pin_cases(Kasus.objects.all())
    if pinned:
        print(f"pinned {pinned} cases in {time.monotonic() - started:.1f} s")
    _support.analyze()
    return accounts["petugas@wonogirikab.go.id"].user


def query_count(client, url: str) -> int:
    """Queries of one request to `url` with the map's aggregate not cached."""
    from django.core.cache import cache

    cache.clear()
    return len(_support.capture(client, url))


def main() -> None:
    args = _support.page_arguments(__doc__, cases=1_000_000).parse_args()
    _support.in_process("bench_map")
    from django.core.cache import cache
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
    clock = _support.ServerClock()

    version = _support.server_version()
    print(
        f"PostgreSQL {version}; {Kasus.objects.count()} cases, {Kasus.objects.filter(titik_lat__isnull=False).count()}"
        f" with a pin; {_support.load_average()}; {args.requests} requests each"
    )
    print(f"{'what':<52} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")

    def nearby_url(i: int) -> str:
        (lat, lng), desa_pk = spots[i % len(spots)]
        return f"/aspirasi/kirim/sekitar/?titik_lat={lat}&titik_lng={lng}&desa={desa_pk}&title={titles[i % 4]}"

    for i in range(20):
        _support.check(client.get(nearby_url(i)), nearby_url(i))
    samples = []
    for i in range(args.requests):
        _support.check(client.get(nearby_url(i)), nearby_url(i))
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
        _support.check(client.get(url), url)
        cold = clock.elapsed
        samples, _cpu = _support.measure(client, clock, url, args.requests)
        report(f"{label} (cold {cold:.0f} ms)", samples, query_count(client, url))


def report(label: str, samples: list[float], queries: int | None) -> None:
    median, p95 = statistics.median(samples), _support.percentile(samples, 95)
    print(f"{label:<52} {median:>10.1f} {p95:>8.1f} {queries if queries is not None else '-':>8}")


if __name__ == "__main__":
    main()
