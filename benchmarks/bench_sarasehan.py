"""Sarasehan registration burst on PostgreSQL behind gunicorn.

Migrates the database in DATABASE_URL (created if missing), creates a fresh published sarasehan
with 300 seats, starts gunicorn on 127.0.0.1:$BENCH_PORT (default 8015) and, from this separate
process, lets C clients each GET the sarasehan page (CSRF cookie and token, kept per client) and
then, released together by a barrier, POST 1,000 registrations with distinct emails. Prints:

- registrations per second during the burst (1,000 / time from release to the last response);
- confirmed and waitlisted counts read back from the database (must be 300 and 700);
- server errors (5xx or dropped connections; must be 0) and emails queued per registration.

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_sar_bench \
      .venv/bin/python benchmarks/bench_sarasehan.py [--workers 8] [--registrations 1000] [--clients 50]
Exits non-zero when the figures are not 300 / 700 / 0.
"""

import argparse
import http.client
import os
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TITLE = "Sarasehan Uji Beban"
CAPACITY = 300
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def configure() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench_sarasehan: set DATABASE_URL to a PostgreSQL database")
    # tests.settings: the project's settings with plain HTTP, static files without a manifest, locmem email.
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["SESSION_COOKIE_SECURE"] = "false"
    os.environ["CSRF_COOKIE_SECURE"] = "false"
    os.environ["ALLOWED_HOSTS"] = "localhost,127.0.0.1"
    os.environ.pop("DEBUG", None)  # DEBUG records every query
    os.environ.pop("REDIS_URL", None)  # tasks run eagerly: each request also sends its email
    sys.path.insert(0, str(ROOT))
    create_database_if_missing(url)
    return url


def create_database_if_missing(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def prepare() -> tuple[int, str]:
    """A fresh published sarasehan with open registration; earlier bench runs are removed. Returns (id, slug)."""
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from portal.kasus.models import OutboxEmail
    from sarasehan import services
    from sarasehan.models import Sarasehan

    call_command("migrate", verbosity=0)
    old = Sarasehan.objects.filter(title=TITLE)
    OutboxEmail.objects.filter(template__startswith="sarasehan_", to__startswith="bench-").delete()
    old.delete()
    now = timezone.now()
    s = services.sarasehan_create(
        actor=None,
        title=TITLE,
        venue="Pendapa Rumah Dinas Bupati",
        starts_at=now + dt.timedelta(days=7),
        ends_at=now + dt.timedelta(days=7, hours=3),
        capacity=CAPACITY,
        registration_opens_at=now - dt.timedelta(hours=1),
        registration_closes_at=now + dt.timedelta(days=6),
    )
    services.sarasehan_publish(sarasehan_id=s.pk, actor=None)
    return s.pk, s.slug


def start_gunicorn(port: int, workers: int, path: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--backlog",
            "512",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    sys.exit("bench_sarasehan: gunicorn did not answer within 30 s")


def burst(port: int, path: str, total: int, clients: int) -> dict:
    """Each client GETs the page once (CSRF), waits for the others, then POSTs its share of registrations."""
    barrier = threading.Barrier(clients + 1)
    lock = threading.Lock()
    outcome = {"redirected": 0, "other": 0, "server_errors": 0}
    finished: list[float] = []

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read().decode()
        cookie = next(
            (c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or [] if c.startswith("csrftoken=")), ""
        )
        token = TOKEN_RE.search(body).group(1)
        barrier.wait(timeout=60)
        for n in range(index, total, clients):
            fields = {"csrfmiddlewaretoken": token, "name": f"Warga Uji {n}", "email": f"bench-{n}@example.org"}
            form = urlencode(fields)
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Referer": f"http://{HOST}:{port}{path}",
            }
            try:
                conn.request("POST", path, body=form, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
                status = 599
            with lock:
                if status >= 500:
                    outcome["server_errors"] += 1
                elif status == 302:
                    outcome["redirected"] += 1
                else:
                    outcome["other"] += 1
        conn.close()
        with lock:
            finished.append(time.monotonic())

    with ThreadPoolExecutor(clients) as pool:
        futures = [pool.submit(client, i) for i in range(clients)]
        barrier.wait(timeout=120)
        started = time.monotonic()
        for future in futures:
            future.result()
    outcome["seconds"] = max(finished) - started
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--registrations", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    port = int(os.environ.get("BENCH_PORT", "8015"))
    configure()
    sarasehan_id, slug = prepare()
    path = f"/sarasehan/{slug}/"
    proc = start_gunicorn(port, args.workers, path)
    try:
        result = burst(port, path, args.registrations, args.clients)
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    from collections import Counter

    from django.db import connection

    from portal.kasus.models import OutboxEmail
    from sarasehan.models import PendaftaranSarasehan, Sarasehan

    connection.close()
    counts = Counter(PendaftaranSarasehan.objects.filter(sarasehan_id=sarasehan_id).values_list("status", flat=True))
    seats = Sarasehan.objects.get(pk=sarasehan_id).confirmed_count
    sent = OutboxEmail.objects.filter(template="sarasehan_registered", to__startswith="bench-")
    emails = Counter(sent.values_list("to", flat=True))
    confirmed, waitlisted = counts.get("terdaftar", 0), counts.get("menunggu", 0)
    print(f"gunicorn workers: {args.workers}, clients: {args.clients}, registrations posted: {args.registrations}")
    print(f"burst time: {result['seconds']:.2f} s")
    print(f"registrations per second: {args.registrations / result['seconds']:.1f}")
    print(f"confirmed: {confirmed} (seat counter {seats}, capacity {CAPACITY})")
    print(f"waitlisted: {waitlisted}")
    print(f"server errors: {result['server_errors']}")
    print(f"other responses (not a redirect): {result['other']}")
    most = max(emails.values(), default=0)
    print(f"registration emails: {sum(emails.values())} to {len(emails)} addresses, most to one address: {most}")
    expected_wait = args.registrations - CAPACITY
    ok = (
        confirmed == CAPACITY == seats
        and waitlisted == expected_wait
        and result["server_errors"] == 0
        and result["other"] == 0
        and most == 1
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
