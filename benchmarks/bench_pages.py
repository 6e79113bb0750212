"""One table: public pages as a share of the ceiling, then the staff pages at several case counts.

Public pages: the ceiling (../shared/bench/ceiling.py) and the portal are served one after the
other by gunicorn with the same settings (sync workers, --workers, same backlog and timeout) and
loaded by the same Python load generator in separate processes (--connections keep-alive
connections, one process each, for --duration seconds per page). For each page: requests per
second, its share of the ceiling's requests per second, median and 95th percentile latency as the
client sees it, errors (any answer other than 200, or a broken connection). The tracking page is loaded twice: one
case's link, as a link shared widely is opened (served from the page cache after its first answer), and the links
of TRACKING_CASES cases in turn, each opened once within the cache's minute, as residents open their own.

Staff pages: for each of --sizes (ascending), the database is topped up with `seed_demo --cases`
(portal/demo/bulk.py) to that many cases, ANALYZEd, and the staff queue (unfiltered, under each single
filter, by kecamatan x status, searched by reference and by text) and the staff case page (50 timeline
entries) are timed as in bench_staff_pages.py, in a new process rather than the one that seeded (server
time from request_started to request_finished, and the process's CPU time), in --requests rounds that each
request every page once; each page's p95 is also shown as a share of its p95 at the smallest size, beside
the number of cases each queue page lists (a filter that matches few cases at the smallest size lists
fewer), and first a machine probe: one template rendered without the database, half of --requests times
before the pages and half after, which shows how the machine's own speed moved between sizes. Seeding only
adds cases, so a database of its own per run of sizes is advised.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python benchmarks/bench_pages.py [--sizes 10000,100000,1000000] [--duration 10] \\
        [--connections 8] [--workers 2] [--requests 200] [--skip-public] [--skip-staff]

Refuses SQLite. The public pages are measured at the largest size (after the staff pages), the
table prints them first.
"""

import argparse
import http.client
import itertools
import json
import logging
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import _support
import bench_staff_pages

CEILING_PORT_OFFSET = 1
# Enough links that none is loaded twice in a page's --duration, so none is served from the page cache.
TRACKING_CASES = 4000
# More than a queue page (25), so "assigned to me" lists a full page at every size.
ASSIGNED_CASES = 30
QUEUE_PATH = "/petugas/"
# Each case row of the queue carries its checkbox for the petugas: counting them gives the cases listed.
QUEUE_ROW_MARK = 'id="pilih-'
STAFF_ROWS = "staff rows: "  # how run_staff finds its child's answer among anything else it prints
SARASEHAN_LINK_RE = re.compile(r'href="(/sarasehan/(?!saya/|pendaftaran/)[a-z0-9-]+/)"')


def ceiling_dir() -> Path:
    """The folder holding ceiling.py: $CEILING_DIR, else ../shared/bench next to the checkout or its parent."""
    if os.environ.get("CEILING_DIR"):
        return Path(os.environ["CEILING_DIR"])
    for base in (_support.ROOT.parent, _support.ROOT.parent.parent):
        if (base / "shared" / "bench" / "ceiling.py").exists():
            return base / "shared" / "bench"
    raise SystemExit("bench_pages: ceiling.py not found; set CEILING_DIR")


def ceiling_url(portal_url: str) -> str:
    return portal_url.rsplit("/", 1)[0] + "/ceiling"


@dataclass
class PageResult:
    label: str
    path: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _load(port: int, paths: list[str], until: float, queue) -> None:
    """One client process: GET `paths` in turn on one keep-alive connection until `until`; send (errors, latencies)."""
    latencies: list[float] = []
    errors = 0
    conn = http.client.HTTPConnection(_support.HOST, port, timeout=30)
    for path in itertools.cycle(paths):
        if time.time() >= until:
            break
        started = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                errors += 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
    conn.close()
    queue.put((errors, latencies))


def load(label: str, port: int, path: str | list[str], connections: int, duration: float) -> PageResult:
    """Load `path` (or each of a list of paths in turn, each process from its own share of the list) from
    `connections` processes for `duration` seconds (after a 1 s warm-up of the first)."""
    paths = [path] if isinstance(path, str) else path
    _warm(port, paths[0])
    queue = multiprocessing.Queue()
    until = time.time() + duration
    starts = [i * len(paths) // connections for i in range(connections)]
    shares = [paths[start:] + paths[:start] for start in starts]
    procs = [multiprocessing.Process(target=_load, args=(port, share, until, queue)) for share in shares]
    for proc in procs:
        proc.start()
    results = [queue.get() for _ in procs]
    for proc in procs:
        proc.join()
    latencies = [ms for _errors, lat in results for ms in lat]
    return PageResult(label, paths[0], len(latencies), sum(e for e, _lat in results), duration, latencies)


def _warm(port: int, path: str) -> None:
    # The first answer may fill cold caches after a large seed: it gets longer than a measured request.
    conn = http.client.HTTPConnection(_support.HOST, port, timeout=180)
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline:
        conn.request("GET", path)
        conn.getresponse().read()
    conn.close()


def public_pages(port: int) -> list[tuple[str, str | list[str]]]:
    """(label, path or paths) of the public pages, with real tracking tokens and a sarasehan slug from the database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT tracking_token FROM kasus_kasus WHERE confirmed_at IS NOT NULL ORDER BY id DESC LIMIT 1")
        token = cursor.fetchone()[0]
    tokens = _support.tracking_tokens(TRACKING_CASES)
    conn = http.client.HTTPConnection(_support.HOST, port, timeout=30)
    conn.request("GET", "/sarasehan/")
    found = SARASEHAN_LINK_RE.search(conn.getresponse().read().decode())
    conn.close()
    pages = [
        ("home", "/"),
        ("/sarasehan/", "/sarasehan/"),
        ("/audiensi/", "/audiensi/"),
        ("/transparansi/", "/transparansi/"),
        ("/transparansi/peta/", "/transparansi/peta/"),
        ("/lacak/<token>/ (1 case)", f"/lacak/{token}/"),
        (f"/lacak/<token>/ ({len(tokens)} cases)", [f"/lacak/{t}/" for t in tokens]),
        ("/aspirasi/kirim/", "/aspirasi/kirim/"),
    ]
    if found:
        pages.insert(5, ("/sarasehan/<slug>/", found.group(1)))
    return pages


def load_ceiling(script: str, db_url: str, port: int, workers: int, connections: int, duration: float) -> PageResult:
    """Serve the ceiling page (its database next to `db_url`) on `port` with `workers` and load it."""
    ceiling_db = ceiling_url(db_url)
    # ceiling.py configures Django itself, so it prepares its database in a process of its own.
    python = str(_support.ROOT / ".venv" / "bin" / "python")
    subprocess.run([python, str(ceiling_dir() / "ceiling.py"), "prepare", ceiling_db], check=True)
    with _support.gunicorn(
        script,
        port,
        workers,
        probe="/page",
        app="ceiling:application",
        chdir=ceiling_dir(),
        env={"CEILING_DATABASE_URL": ceiling_db},
        quiet=True,
    ):
        return load("ceiling", port, "/page", connections, duration)


def run_public(db_url: str, args: argparse.Namespace) -> list[PageResult]:
    port = _support.bench_port(8020)
    results = [
        load_ceiling("bench_pages", db_url, port + CEILING_PORT_OFFSET, args.workers, args.connections, args.duration)
    ]
    with _support.gunicorn("bench_pages", port, args.workers, probe="/", quiet=True):
        for label, path in public_pages(port):
            print(f"  loading {label}", flush=True)
            results.append(load(label, port, path, args.connections, args.duration))
    return results


def top_up(cases: int) -> None:
    """Bring the database to `cases` cases with `seed_demo --cases` (its demo data included), then VACUUM (ANALYZE)
    and CHECKPOINT."""
    from django.core.management import call_command

    from portal.kasus.models import Kasus

    missing = cases - Kasus.objects.count()
    if missing < 0:
        print(f"note: the database holds {cases - missing} cases, more than {cases}; use a new database per run")
    started = time.monotonic()
    call_command("seed_demo", cases=max(missing, 0), seed=cases, stdout=open(os.devnull, "w"))
    if missing > 0:
        print(f"seeded {missing} cases in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    _support.analyze()
    print(f"VACUUM (ANALYZE) and CHECKPOINT at {cases} cases in {time.monotonic() - started:.1f} s")


def run_staff(size: int, args: argparse.Namespace) -> list[tuple[int, str, float, float, float, int, int]]:
    """(size, page, median ms, p95 ms, CPU median ms, queries, cases listed or -1) of each staff page with `size`
    cases.

    Seeded here, timed in a new process: the seeding process's heap (a million rows' worth of objects for the
    garbage collector to walk) is not what a web worker holds, and it made the largest size's p95 look worse.
    """
    top_up(size)
    command = [sys.executable, __file__, "--time-staff", str(size), "--requests", str(args.requests)]
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    line = next(line for line in out.splitlines() if line.startswith(STAFF_ROWS))
    return [tuple(row) for row in json.loads(line.removeprefix(STAFF_ROWS))]


def assign_cases(officer, count: int) -> None:
    """Give `officer` the oldest confirmed cases until they hold `count`: seeding assigns nobody, so "assigned to
    me" would list nothing at every size. Through the service, as staff would, with its timeline entries."""
    from portal.kasus import staff_tools
    from portal.kasus.models import Kasus

    missing = count - Kasus.objects.filter(assigned_to=officer).count()
    if missing <= 0:
        return
    unassigned = Kasus.objects.filter(assigned_to__isnull=True, confirmed_at__isnull=False).order_by("pk")
    for pk in unassigned.values_list("pk", flat=True)[:missing]:
        staff_tools.kasus_assign(kasus_id=pk, actor=officer, officer=officer)


PROBE_LABEL = "machine probe (no database)"
PROBE_ROWS = 300


def probe_samples(n: int) -> tuple[list[float], list[float]]:
    """Wall and CPU ms of `n` renderings of one fixed template without the database: the machine's speed now.

    The machines here are shared, and their speed drifted by a third within one run: the probe shows whether a
    page that is slower at a larger size did more work or ran on a slower machine.
    """
    from django.template import Context, Template

    template = Template("{% for row in rows %}<tr><td>{{ row.name|title }}</td><td>{{ row.n }}</td></tr>{% endfor %}")
    context = Context({"rows": [{"name": f"kasus {i}", "n": i} for i in range(PROBE_ROWS)]})
    wall, cpu = [], []
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        template.render(context)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def time_staff(size: int, args: argparse.Namespace) -> list[tuple[int, str, float, float, float, int, int]]:
    """The staff pages of run_staff timed in this process, on the database as it is, and the machine probe
    around them."""
    from django.test import Client

    from portal.demo import data as demo_data
    from portal.kasus.models import Status
    from portal.wilayah.models import Wilayah

    accounts = demo_data.ensure_accounts(embedded=False)
    kasus = bench_staff_pages.timeline_case(accounts)
    assign_cases(accounts["petugas@wonogirikab.go.id"].user, ASSIGNED_CASES)
    kecamatan = Wilayah.objects.get(tingkat=Wilayah.Tingkat.KECAMATAN, nama="Wonogiri")
    client = Client()
    client.force_login(accounts["petugas@wonogirikab.go.id"].user)
    clock = _support.ServerClock()
    pages = [
        ("queue, no filter", "/petugas/"),
        *bench_staff_pages.queue_filters(kecamatan),
        *(
            (f"queue kecamatan x {status}", f"/petugas/?kecamatan={kecamatan.pk}&status={status}")
            for status in (Status.DIDISPOSISIKAN, Status.DITUTUP)
        ),
        ("queue search by reference", f"/petugas/?q={kasus.reference}"),
        ("queue search by text", "/petugas/?q=jalan+amblas"),
        ("case page (50 entries)", f"/petugas/kasus/{kasus.reference}/"),
    ]
    probe_wall, probe_cpu = probe_samples(args.requests // 2)
    timed = _support.measure_rounds(
        client, clock, [url for _label, url in pages], args.requests, bench_staff_pages.SIGNED_IN_HINT
    )
    after_wall, after_cpu = probe_samples(args.requests - args.requests // 2)
    probe_wall += after_wall
    probe_cpu += after_cpu
    rows = [
        (
            size,
            PROBE_LABEL,
            statistics.median(probe_wall),
            _support.percentile(probe_wall, 95),
            statistics.median(probe_cpu),
            0,
            -1,
        )
    ]
    for label, url in pages:
        samples, cpu = timed[url]
        queries = len(_support.capture(client, url))
        p95 = _support.percentile(samples, 95)
        listed = client.get(url).content.decode().count(QUEUE_ROW_MARK) if urlsplit(url).path == QUEUE_PATH else -1
        rows.append((size, label, statistics.median(samples), p95, statistics.median(cpu), queries, listed))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="10000,100000,1000000", help="case counts for the staff pages (comma-separated)"
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per public page (default 10)")
    parser.add_argument("--connections", type=int, default=8, help="client processes per public page (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers for both servers (default 2)")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per staff page (default 200)")
    parser.add_argument("--skip-public", action="store_true", help="only the staff pages")
    parser.add_argument("--skip-staff", action="store_true", help="only the public pages (at the largest size)")
    parser.add_argument("--time-staff", type=int, default=0, help=argparse.SUPPRESS)  # run_staff's new process
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    db_url = _support.configure(
        "bench_pages",
        hint=" (SQLite is not benchmarked)",
        allowed_hosts="testserver,localhost,127.0.0.1",
        eager_tasks=False,
    )
    _support.setup_django()
    logging.getLogger("portal.request").setLevel(logging.WARNING)  # a line per request would drown the table
    if args.time_staff:
        print(STAFF_ROWS + json.dumps(time_staff(args.time_staff, args)))
        return
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")

    staff = []
    for size in sizes:
        if args.skip_staff:
            top_up(size)
        else:
            staff += run_staff(size, args)
    if staff:
        print(f"\nstaff pages (in-process server time, {args.requests} rounds over every page; vs: p95 as a share")
        print(f"of the same page's p95 at {sizes[0]} cases;")
        print("listed: the cases on the queue page; where the smallest size lists fewer, its page is shorter and")
        print("vs compares pages of different length, not one page on a larger table;")
        print("machine probe: one template rendered without the database before and after each size's pages; where")
        print("its vs moves, the machine's speed moved, and every page's vs with it)")
        print(
            f"{'cases':>9} {'page':<36} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>7} {'vs':>6} {'queries':>8}"
            f" {'listed':>7}"
        )
        smallest = {label: p95 for size, label, _m, p95, _c, _q, _l in staff if size == sizes[0]}
        for size, label, median, p95, cpu, queries, listed in staff:
            versus = p95 / smallest[label] * 100 if smallest.get(label) else 0.0
            shown = str(listed) if listed >= 0 else "-"
            print(
                f"{size:>9} {label:<36} {median:>10.1f} {p95:>8.1f} {cpu:>7.1f} {versus:>5.0f}% {queries:>8} {shown:>7}"
            )
    public = [] if args.skip_public else run_public(db_url, args)
    if public:
        ceiling = public[0].rps
        print(
            f"\npublic pages: gunicorn {args.workers} sync workers, {args.connections} connections, "
            f"{args.duration:g} s each, {sizes[-1]} cases"
        )
        print(f"{'page':<30} {'req/s':>8} {'share':>7} {'median ms':>10} {'p95 ms':>8} {'errors':>7}")
        for r in public:
            median = statistics.median(r.latencies) if r.latencies else 0.0
            p95 = _support.percentile(r.latencies, 95) if r.latencies else 0.0
            share = r.rps / ceiling * 100 if ceiling else 0.0
            print(f"{r.label:<30} {r.rps:>8.1f} {share:>6.0f}% {median:>10.1f} {p95:>8.1f} {r.errors:>7}")
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
