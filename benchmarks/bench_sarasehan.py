"""Sarasehan registration burst on PostgreSQL behind gunicorn.

Migrates the database in DATABASE_URL (created if missing), creates a fresh published sarasehan
with 300 seats, starts gunicorn on 127.0.0.1:$BENCH_PORT (default 8015) and, from this separate
process, lets C clients each GET the sarasehan page (CSRF cookie and token, kept per client) and
then, released together by a barrier, POST 1,000 guest registrations with distinct emails (the
per-address limit is off for this server only). Prints:

- registrations per second during the burst (1,000 / time from release to the last response);
- seats held for confirmation and registrations without a seat, read back from the database
  (must be 300 and 700);
- server errors (5xx or dropped connections; must be 0) and confirmation emails per registration.

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_sar_bench \
      .venv/bin/python benchmarks/bench_sarasehan.py [--workers 8] [--registrations 1000] [--clients 50]
Exits non-zero when the figures are not 300 / 700 / 0.
"""

import argparse
import http.client
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import _support
from _support import HOST

TITLE = "Sarasehan Uji Beban"
CAPACITY = 300


def prepare() -> tuple[int, str]:
    """A fresh published sarasehan with open registration; earlier bench runs are removed. Returns (id, slug)."""
    _support.setup_django()
    import datetime as dt

    from django.utils import timezone

    from portal.kasus.models import OutboxEmail
    from sarasehan import services
    from sarasehan.models import Sarasehan

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


def burst(port: int, path: str, total: int, clients: int) -> dict:
    """Each client GETs the page once (CSRF), waits for the others, then POSTs its share of registrations."""
    barrier = threading.Barrier(clients + 1)
    lock = threading.Lock()
    outcome = {"redirected": 0, "other": 0, "server_errors": 0}
    finished: list[float] = []

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        page = _support.get_form(conn, path)
        cookie = f"csrftoken={page.cookies.get('csrftoken', '')}"  # only the CSRF cookie: guests, no session
        barrier.wait(timeout=60)
        for n in range(index, total, clients):
            fields = {"csrfmiddlewaretoken": page.token, "name": f"Warga Uji {n}", "email": f"bench-{n}@example.org"}
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
    port = _support.bench_port(8015)
    _support.configure("bench_sarasehan")
    sarasehan_id, slug = prepare()
    path = f"/sarasehan/{slug}/"
    # One address posts every registration: the address limit is off for this server only.
    env = {"SARASEHAN_LIMIT_PER_ADDRESS": "off"}
    with _support.gunicorn("bench_sarasehan", port, args.workers, probe=path, backlog=512, env=env):
        result = burst(port, path, args.registrations, args.clients)

    from collections import Counter

    from django.db import connection

    from portal.kasus.models import OutboxEmail
    from sarasehan.models import PendaftaranSarasehan, Sarasehan

    connection.close()
    regs = PendaftaranSarasehan.objects.filter(
        sarasehan_id=sarasehan_id, status=PendaftaranSarasehan.Status.MENUNGGU_KONFIRMASI
    )
    seats = Sarasehan.objects.get(pk=sarasehan_id).confirmed_count
    sent = OutboxEmail.objects.filter(template="sarasehan_confirm", to__startswith="bench-")
    emails = Counter(sent.values_list("to", flat=True))
    # Guests hold a seat until they confirm by email; the rest confirm into the waitlist.
    confirmed = regs.filter(hold_expires_at__isnull=False).count()
    waitlisted = regs.filter(hold_expires_at__isnull=True).count()
    print(f"gunicorn workers: {args.workers}, clients: {args.clients}, registrations posted: {args.registrations}")
    print(f"burst time: {result['seconds']:.2f} s")
    print(f"registrations per second: {args.registrations / result['seconds']:.1f}")
    print(f"seats held for confirmation: {confirmed} (seat counter {seats}, capacity {CAPACITY})")
    print(f"without a seat: {waitlisted}")
    print(f"server errors: {result['server_errors']}")
    print(f"other responses (not a redirect): {result['other']}")
    most = max(emails.values(), default=0)
    print(f"confirmation emails: {sum(emails.values())} to {len(emails)} addresses, most to one address: {most}")
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
