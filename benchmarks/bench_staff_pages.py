"""Server time of the staff queue and the staff case page with 100,000 cases on PostgreSQL.

Migrates the database in DATABASE_URL (created if missing), seeds the bulk demo cases once,
adds one case with a 50-entry timeline, then requests each page through django.test.Client
in-process as a signed-in petugas with TOTP. Server time runs from Django's request_started
to request_finished signal. Prints median and p95 in ms, the web process's median CPU time
and the queries per page; with --explain (or when a page misses the 100 ms budget) prints
EXPLAIN ANALYZE of its slowest queries.

See benchmarks/README.md for the command.
"""

import statistics
from urllib.parse import urlencode

import _support

BENCH_MARK = "timeline-50"
BUDGET_MS = 100.0


def prepare(cases: int):
    accounts = _support.seed_cases(cases)
    _support.analyze()
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
            wilayah=Wilayah.objects.filter(tingkat=Wilayah.Tingkat.KELURAHAN, nama="Gedong").first(),
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


SIGNED_IN_HINT = "; is the petugas signed in with TOTP?"


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


def main() -> None:
    parser = _support.page_arguments(__doc__)
    parser.add_argument("--kecamatan", default="Wonogiri", help="kecamatan filter of the queue (default Wonogiri)")
    parser.add_argument(
        "--status",
        action="append",
        help="status filter of the queue; repeat for several (default: didisposisikan and ditutup)",
    )
    parser.add_argument("--text", default="jalan amblas", help="words of the text search (default 'jalan amblas')")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's slowest queries")
    args = parser.parse_args()
    _support.in_process("bench_staff_pages")
    from django.test import Client

    from portal.kasus.models import Kasus, Riwayat, Status
    from portal.wilayah.models import Wilayah

    petugas, kasus = prepare(args.cases)
    kecamatan = Wilayah.objects.get(tingkat=Wilayah.Tingkat.KECAMATAN, nama=args.kecamatan)
    client = Client()
    client.force_login(petugas)
    clock = _support.ServerClock()

    pages = [("queue, no filter", "/petugas/")]
    pages += queue_filters(kecamatan)
    pages += [
        (f"queue kecamatan={kecamatan.nama} status={status}", f"/petugas/?kecamatan={kecamatan.pk}&status={status}")
        for status in args.status or [Status.DIDISPOSISIKAN, Status.DITUTUP]
    ]
    pages.append((f"queue search by reference {kasus.reference}", f"/petugas/?q={kasus.reference}"))
    pages.append((f"queue search by text '{args.text}'", "/petugas/?" + urlencode({"q": args.text})))
    pages.append(
        (f"case page {kasus.reference} ({kasus.riwayat.count()} entries)", f"/petugas/kasus/{kasus.reference}/")
    )

    version = _support.server_version()
    print(
        f"PostgreSQL {version}; {Kasus.objects.count()} cases, {Riwayat.objects.count()} timeline entries; "
        f"{_support.load_average()}; {args.requests} requests per page"
    )
    print(f"{'page':<58} {'median ms':>10} {'p95 ms':>8} {'cpu median':>11} {'queries':>8}")
    for label, url in pages:
        samples, cpu = _support.measure(client, clock, url, args.requests, SIGNED_IN_HINT)
        queries = _support.capture(client, url)
        p95 = _support.percentile(samples, 95)
        print(
            f"{label:<58} {statistics.median(samples):>10.1f} {p95:>8.1f} {statistics.median(cpu):>11.1f} "
            f"{len(queries):>8}"
        )
        if args.explain or p95 > BUDGET_MS:
            print(f"   {url}")
            _support.explain(queries)


if __name__ == "__main__":
    main()
