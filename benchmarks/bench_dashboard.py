"""Server time of the dashboard (a year's period) and /transparansi/, and the monthly report's generation time.

Migrates the database in DATABASE_URL (created if missing), seeds the bulk demo cases once, rebuilds the
stored figures as the periodic task does (timed: this is what `dasbor_refresh` costs per scope), then
requests each page through django.test.Client in-process as a signed-in pimpinan with TOTP. Server time
runs from Django's request_started to request_finished signal. Prints median and p95 in ms over
--requests requests, then the time to build last month's PDF and XLSX.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python benchmarks/bench_dashboard.py --cases 1000000
"""

import argparse
import datetime as dt
import os
import statistics
import time

import _support

BUDGET_MS = 200.0


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
    return accounts["pimpinan@wonogirikab.go.id"].user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases to have in the database (default 100000)")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page (default 200)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's slowest queries")
    parser.add_argument(
        "--reuse-figures",
        action="store_true",
        help="keep the stored figures when younger than the pages' limit instead of rebuilding them (a rerun)",
    )
    args = parser.parse_args()
    _support.configure(
        "bench_dashboard",
        hint=" (SQLite is not benchmarked)",
        allowed_hosts="testserver,localhost,127.0.0.1",
        override=False,
        eager_tasks=False,
    )
    _support.setup_django()
    from bench_staff_pages import ServerClock, capture, explain, measure, percentile
    from django.test import Client
    from django.utils import timezone

    from dasbor import report, selectors
    from dasbor.figures import month_period
    from portal.kasus.models import Kasus, Riwayat

    pimpinan = prepare(args.cases)
    today = timezone.localdate()
    started = time.monotonic()
    periods = selectors.standard_periods(today)
    for period in [*periods, periods[2].previous()]:
        if args.reuse_figures:
            selectors.figures(period)  # rebuilds only what is missing or too old
        else:
            selectors.refresh(period)
    rebuilt = time.monotonic() - started
    print(f"figures rebuilt (regency: this month, last month, this year, last year) in {rebuilt:.1f} s")

    client = Client()
    client.force_login(pimpinan)
    clock = ServerClock()
    pages = [
        ("dashboard, this year", "/petugas/dasbor/?periode=tahun-ini"),
        ("/transparansi/, this month", "/transparansi/"),
    ]
    print(
        f"{Kasus.objects.count()} cases, {Riwayat.objects.count()} timeline entries; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; {args.requests} requests per page"
    )
    print(f"{'page':<34} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, url in pages:
        samples, _cpu = measure(client, clock, url, args.requests)
        queries = capture(client, url)
        p95 = percentile(samples, 95)
        print(f"{label:<34} {statistics.median(samples):>10.1f} {p95:>8.1f} {len(queries):>8}")
        if args.explain or p95 > BUDGET_MS:
            explain(queries)

    last = today.replace(day=1) - dt.timedelta(days=1)
    month = month_period(last.year, last.month)
    for name, build in (("PDF", report.build_pdf), ("XLSX", report.build_xlsx)):
        started = time.monotonic()
        size = len(build(month))
        print(f"monthly report {month.start:%Y-%m} {name}: {time.monotonic() - started:.1f} s, {size // 1024} KiB")


if __name__ == "__main__":
    main()
