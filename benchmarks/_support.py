"""What the benchmark scripts share: Django environment, database creation, seeding, in-process page timing,
gunicorn, form pages.

The scripts run as files (`python benchmarks/bench_x.py`), so this module is importable as `_support`.
"""

import argparse
import http.client
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def configure(
    script: str,
    *,
    hint: str = "",
    allowed_hosts: str = "localhost,127.0.0.1",
    override: bool = True,
    eager_tasks: bool = True,
) -> str:
    """Check DATABASE_URL, set the environment for tests.settings, create the database; return its URL.

    tests.settings is the project's settings with plain HTTP, static files without a manifest and
    locmem email. `override=False` keeps what the caller's environment already sets; `eager_tasks`
    drops REDIS_URL so Celery tasks run inside the request (each request does all of its work).
    """
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"{script}: set DATABASE_URL to a PostgreSQL database{hint}")
    put = os.environ.__setitem__ if override else os.environ.setdefault
    put("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        put(name, "false")
    os.environ["ALLOWED_HOSTS"] = allowed_hosts
    # Keep database connections across requests as production does (CONN_MAX_AGE=60); tests.settings closes them
    # after each request, which on PostgreSQL starts a server process per request.
    put("TEST_CONN_MAX_AGE", "60")
    os.environ.pop("DEBUG", None)  # DEBUG would record every query and slow every request
    if eager_tasks:
        os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    create_database_if_missing(url)
    return url


def create_database_if_missing(url: str) -> None:
    """Create the PostgreSQL database `url` names, connecting through the `postgres` database."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def setup_django() -> None:
    """django.setup(), then migrate the database."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def in_process(script: str) -> None:
    """Configure and migrate for timing pages in-process through django.test.Client.

    Keeps what the caller's environment sets, and its REDIS_URL (the cache).
    """
    configure(
        script,
        hint=" (SQLite is not benchmarked)",
        allowed_hosts="testserver,localhost,127.0.0.1",
        override=False,
        eager_tasks=False,
    )
    setup_django()
    logging.getLogger("portal.request").setLevel(logging.WARNING)  # a line per request would drown the table


def page_arguments(doc: str, *, cases: int = 100_000) -> argparse.ArgumentParser:
    """The options every in-process page benchmark takes: --cases and --requests."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--cases", type=int, default=cases, help=f"cases to have in the database (default {cases})")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page (default 200)")
    return parser


def seed_cases(cases: int) -> dict:
    """The demo accounts (by email), with the database topped up to `cases` bulk demo cases."""
    from portal.demo import bulk
    from portal.demo import data as demo_data
    from portal.kasus.models import Kasus

    accounts = demo_data.ensure_accounts(embedded=False)
    existing = Kasus.objects.count()
    if existing < cases:
        started = time.monotonic()
        bulk.bulk_cases(cases - existing, seed=2026, progress=lambda done: print(f"  {done} cases", end="\r"))
        print(f"seeded {cases - existing} cases in {time.monotonic() - started:.1f} s")
    return accounts


def analyze() -> None:
    """VACUUM (ANALYZE) every table, then CHECKPOINT, before anything is timed.

    The planner sees what seeding added, and the visibility map lets the queue's counts and page reads be
    index-only, as autovacuum keeps them on a live database (freshly copied rows are not yet marked all-visible,
    so every index read also visited the table). The checkpoint writes the bulk load's dirty pages out now: left
    to the checkpointer and autovacuum, that work ran while the largest size was being timed.
    """
    from django.db import DatabaseError, connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        try:
            cursor.execute("CHECKPOINT")
        except DatabaseError as exc:  # a role without pg_checkpoint: the figures say so
            print(f"note: no CHECKPOINT before timing ({exc})")


def tracking_tokens(limit: int) -> list[str]:
    """Up to `limit` tracking tokens of confirmed cases from across the table (a 5 % sample of its pages)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tracking_token FROM kasus_kasus TABLESAMPLE SYSTEM (5) WHERE confirmed_at IS NOT NULL LIMIT %s",
            [limit],
        )
        return [row[0] for row in cursor.fetchall()]


def server_version() -> str:
    """PostgreSQL's version, for the figures' heading."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def load_average() -> str:
    """The machine's one-minute load and CPU count, for the figures' heading (the machine is shared)."""
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"


class ServerClock:
    """Time from request_started to request_finished, i.e. inside Django, for the last request (wall and CPU, ms)."""

    def __init__(self) -> None:
        from django.core.signals import request_finished, request_started

        self.started = self.cpu_started = self.elapsed = self.cpu = 0.0
        request_started.connect(self._start, weak=False)
        request_finished.connect(self._finish, weak=False)

    def _start(self, **kwargs) -> None:
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()

    def _finish(self, **kwargs) -> None:
        self.elapsed = (time.perf_counter() - self.started) * 1000
        self.cpu = (time.process_time() - self.cpu_started) * 1000


def check(response, url: str, hint: str = "") -> None:
    """Exit unless `response` answered 200; `hint` says what to look at."""
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code} (expected 200){hint}")


def measure(client, clock: ServerClock, url: str, n: int, hint: str = "") -> tuple[list[float], list[float]]:
    """Server time and the web process's CPU time per request, in ms, after 20 warm-up requests."""
    return measure_rounds(client, clock, [url], n, hint)[url]


def measure_rounds(
    client, clock: ServerClock, urls: list[str], n: int, hint: str = ""
) -> dict[str, tuple[list[float], list[float]]]:
    """measure() for several pages at once: after the warm-up, `n` rounds that each request every page once.

    Interleaved, a passing disturbance on a shared machine (another tenant, a checkpoint) falls on every page a
    little instead of on one page's whole run, where it decided that page's p95.
    """
    for url in urls:
        for _ in range(20):
            check(client.get(url), url, hint)
    timed: dict[str, tuple[list[float], list[float]]] = {url: ([], []) for url in urls}
    for _ in range(n):
        for url in urls:
            check(client.get(url), url, hint)
            timed[url][0].append(clock.elapsed)
            timed[url][1].append(clock.cpu)
    return timed


def capture(client, url: str) -> list[dict]:
    """The queries one request to `url` runs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return ctx.captured_queries


def explain(queries: list[dict], top: int = 3) -> None:
    """Print EXPLAIN ANALYZE of the slowest `top` of `queries` that are SELECTs."""
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


def bench_port(default: int) -> int:
    """The port in $BENCH_PORT, else `default`."""
    return int(os.environ.get("BENCH_PORT", str(default)))


# Two workers importing the portal and answering their first request take over 30 s on a shared, loaded machine.
STARTUP_SECONDS = 120


@contextmanager
def gunicorn(
    script: str,
    port: int,
    workers: int,
    *,
    probe: str,
    timeout: int = 60,
    backlog: int = 256,
    env: dict[str, str] | None = None,
    app: str = "portal.wsgi:application",
    chdir: Path = ROOT,
    quiet: bool = False,
) -> Iterator[subprocess.Popen]:
    """Run gunicorn (sync workers, this environment plus `env`) serving `app` on HOST:port while the block runs.

    `quiet` discards the server's output (one log line a request would drown the figures).
    Waits up to STARTUP_SECONDS for `probe` to answer 200 (exits otherwise) and stops the server with SIGTERM.
    """
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            app,
            "--chdir",
            str(chdir),
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--timeout",
            str(timeout),
            "--backlog",
            str(backlog),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL if quiet else None,
        stderr=subprocess.DEVNULL if quiet else None,
    )
    if not _answers(port, probe, within=STARTUP_SECONDS):
        proc.terminate()
        sys.exit(f"{script}: gunicorn did not answer within {STARTUP_SECONDS} s")
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def _answers(port: int, path: str, *, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return True
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.3)
    return False


def store_cookies(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    """Put the cookies `response` sets into `jar` (name -> value)."""
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _sep, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]


def cookie_header(jar: dict[str, str]) -> str:
    """A Cookie request header value carrying every cookie in `jar`."""
    return "; ".join(f"{name}={value}" for name, value in jar.items())


@dataclass
class FormPage:
    html: str
    cookies: dict[str, str]
    token: str


def get_form(conn: http.client.HTTPConnection, path: str) -> FormPage:
    """GET a page with a form: its HTML, the cookies it sets (CSRF among them) and its CSRF token."""
    conn.request("GET", path)
    response = conn.getresponse()
    html = response.read().decode()
    cookies: dict[str, str] = {}
    store_cookies(response, cookies)
    return FormPage(html, cookies, TOKEN_RE.search(html).group(1))
