"""Server time of the dashboard (a year's period) and /transparansi/, and the monthly report's generation time.

Migrates the database in DATABASE_URL (created if missing), seeds the bulk demo cases once, rebuilds the
stored figures as the periodic task does (timed: this is what `dasbor_refresh` costs per scope), then
requests each page through django.test.Client in-process as a signed-in pimpinan with TOTP. Server time
runs from Django's request_started to request_finished signal. Prints median and p95 in ms over
--requests requests, then the time to build last month's PDF and XLSX.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python benchmarks/bench_dashboard.py --cases 1000000
"""

import datetime as dt
import statistics
import time

import _support

BUDGET_MS = 200.0


def main() -> None:
    parser = _support.page_arguments(__doc__)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's slowest queries")
    parser.add_argument(
        "--reuse-figures",
        action="store_true",
        help="keep the stored figures when younger than the pages' limit instead of rebuilding them (a rerun)",
    )
    args = parser.parse_args()
    _support.in_process("bench_dashboard")
    from django.test import Client
    from django.utils import timezone

    from dasbor import report, selectors
    from dasbor.figures import month_period
    from portal.kasus.models import Kasus, Riwayat
    from portal.wilayah.models import Opd

    pimpinan = _support.seed_cases(args.cases)["pimpinan@wonogirikab.go.id"].user
    _support.analyze()
    today = timezone.localdate()
    started = time.monotonic()
    periods = selectors.standard_periods(today)
    scopes = [None, *Opd.objects.filter(is_active=True).values_list("pk", flat=True)]
    for period in [*periods, periods[2].previous()]:
        if args.reuse_figures:
            selectors.figures(period)  # rebuilds only what is missing or too old
        else:
            began = time.monotonic()
            selectors.refresh_scopes(period, scopes)  # what the hourly task does per period
            print(f"figures of {period.key} rebuilt for {len(scopes)} scopes in {time.monotonic() - began:.1f} s")
    rebuilt = time.monotonic() - started
    print(f"figures rebuilt (regency and every OPD: this month, last month, this year, last year) in {rebuilt:.1f} s")

    client = Client()
    client.force_login(pimpinan)
    clock = _support.ServerClock()
    pages = [
        ("dashboard, this year", "/petugas/dasbor/?periode=tahun-ini"),
        ("/transparansi/, this month", "/transparansi/"),
    ]
    print(
        f"{Kasus.objects.count()} cases, {Riwayat.objects.count()} timeline entries; "
        f"{_support.load_average()}; {args.requests} requests per page"
    )
    print(f"{'page':<34} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, url in pages:
        samples, _cpu = _support.measure(client, clock, url, args.requests, "; is the pimpinan signed in with TOTP?")
        queries = _support.capture(client, url)
        p95 = _support.percentile(samples, 95)
        print(f"{label:<34} {statistics.median(samples):>10.1f} {p95:>8.1f} {len(queries):>8}")
        if args.explain or p95 > BUDGET_MS:
            _support.explain(queries)

    last = today.replace(day=1) - dt.timedelta(days=1)
    month = month_period(last.year, last.month)
    for name, build in (("PDF", report.build_pdf), ("XLSX", report.build_xlsx)):
        started = time.monotonic()
        size = len(build(month))
        print(f"monthly report {month.start:%Y-%m} {name}: {time.monotonic() - started:.1f} s, {size // 1024} KiB")


if __name__ == "__main__":
    main()
