"""Audiensi on PostgreSQL behind gunicorn: free-slot page throughput and a booking stampede.

Migrates the database in DATABASE_URL (created if missing), prepares a bench pejabat with
weekday availability and 100 signed-in residents with verified emails, starts gunicorn on
127.0.0.1:$BENCH_PORT (default 8014) and, from this separate process, prints:

- requests per second of the free-slot page /audiensi/ (N requests over C keep-alive clients);
- for 100 concurrent booking attempts spread over 10 slots (10 residents per slot, released
  together by a barrier): how many succeeded (must be exactly 10), how many were refused
  with the clear message, and how many server errors (must be 0).

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_aud_bench \
      .venv/bin/python benchmarks/bench_audiensi.py [--workers 4] [--requests 2000] [--clients 16]
Exits non-zero when the booking figures are not 10 / 90 / 0.
"""

import argparse
import http.client
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import _support
from _support import HOST

PEJABAT_SLUG = "bench-audiensi"
RESIDENTS = 100
SLOTS = 10
CLEAR_MESSAGE = "sudah diambil pemohon lain"


def prepare():
    """A clean bench pejabat with availability, 100 residents with sessions. Returns (slots, sessions)."""
    _support.setup_django()
    import datetime as dt

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from audiensi import selectors
    from audiensi.models import AturanMingguan, Audiensi, PengaturanAudiensi
    from portal.akun.models import User
    from portal.kasus.models import Kasus
    from portal.wilayah.models import Pejabat

    with transaction.atomic():
        pejabat, _created = Pejabat.objects.get_or_create(
            slug=PEJABAT_SLUG, defaults={"jabatan": "Pejabat Uji Beban", "nama": "Uji Beban", "lokasi": "Pendapa"}
        )
        users = []
        for i in range(RESIDENTS):
            email = f"bench-warga-{i:03d}@example.org"
            user, made = User.objects.get_or_create(email=email, defaults={"full_name": f"Warga Uji {i}"})
            if made:
                user.set_password(None)
                user.save()
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            users.append(user)
        # A clean slate for every run: earlier bench requests and the cases they opened go.
        kasus_ids = list(Audiensi.objects.filter(pejabat=pejabat).values_list("kasus_id", flat=True))
        Audiensi.objects.filter(pejabat=pejabat).delete()
        Kasus.objects.filter(pk__in=kasus_ids, audiensi__isnull=True).delete()
        PengaturanAudiensi.objects.update_or_create(
            pejabat=pejabat, defaults={"min_hari_kerja": 2, "max_hari": 30, "batas_permohonan_terbuka": 1}
        )
        AturanMingguan.objects.filter(pejabat=pejabat).delete()
        for weekday in range(5):
            AturanMingguan.objects.create(
                pejabat=pejabat,
                weekday=weekday,
                start_time=dt.time(8),
                end_time=dt.time(15),
                slot_minutes=30,
                buffer_minutes=10,
            )
    fresh = Pejabat.objects.select_related("pengaturan_audiensi").get(pk=pejabat.pk)
    slots = selectors.free_slots([fresh], limit_per_pejabat=SLOTS)[pejabat.pk]
    if len(slots) < SLOTS:
        sys.exit("bench_audiensi: not enough free slots in the booking window")
    sessions = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    return [s.value for s in slots], sessions


def slot_page_rps(port: int, total: int, clients: int) -> tuple[float, int]:
    """Requests per second of /audiensi/ over `clients` keep-alive connections; returns (rps, non-200s)."""
    per_client = total // clients
    bad = [0] * clients

    def run(index: int, count: int = per_client) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        for _ in range(count):
            conn.request("GET", "/audiensi/")
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                bad[index] += 1
        conn.close()

    # Warm every worker (imports, the holiday table) before measuring.
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda i: run(i, 5), range(clients)))
    bad[:] = [0] * clients
    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(run, range(clients)))
    elapsed = time.monotonic() - started
    return per_client * clients / elapsed, sum(bad)


def booking_stampede(port: int, slot_values: list[str], sessions: list[str]) -> dict[str, int]:
    csrf = "benchcsrftoken0123456789abcdefgh"  # any 32 characters; cookie and field must match
    barrier = threading.Barrier(len(sessions))
    outcomes: dict[str, int] = {"succeeded": 0, "refused": 0, "server_errors": 0, "other": 0}
    lock = threading.Lock()

    def attempt(index: int) -> None:
        slot = slot_values[index % len(slot_values)]
        body = urlencode(
            {
                "csrfmiddlewaretoken": csrf,
                "slot": slot,
                "topic": f"Uji beban {index}",
                "ringkasan": "",
                "jumlah_peserta": "1",
                "anggota": "",
                "kasus_reference": "",
                "idempotency_key": f"bench-{time.time_ns()}-{index}",
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={sessions[index]}; csrftoken={csrf}",
        }
        conn = http.client.HTTPConnection(HOST, port, timeout=120)
        try:
            conn.connect()
            barrier.wait(timeout=60)
            conn.request("POST", "/audiensi/ajukan/", body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            if response.status == 302 and "/audiensi/saya/" in (response.getheader("Location") or ""):
                key = "succeeded"
            elif response.status == 200 and CLEAR_MESSAGE in text:
                key = "refused"
            elif response.status >= 500:
                key = "server_errors"
            else:
                key = "other"
        except OSError:
            key = "server_errors"
        finally:
            conn.close()
        with lock:
            outcomes[key] += 1

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return outcomes


def held_in_database() -> tuple[int, int]:
    """(held audiensi of the bench pejabat, overlapping pairs among them) read back from PostgreSQL."""
    from django.db import connection

    from audiensi.models import Audiensi

    held = list(Audiensi.objects.held().filter(pejabat__slug=PEJABAT_SLUG).values_list("starts_at", "ends_at"))
    overlaps = sum(1 for i, a in enumerate(held) for b in held[i + 1 :] if a[0] < b[1] and b[0] < a[1])
    connection.close()
    return len(held), overlaps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    _support.configure("bench_audiensi")
    port = _support.bench_port(8014)
    slot_values, sessions = prepare()
    from django.db import connection

    connection.close()
    print(f"gunicorn: {args.workers} sync workers on {HOST}:{port}, database {os.environ['DATABASE_URL']}")
    with _support.gunicorn("bench_audiensi", port, args.workers, probe="/audiensi/"):
        rps, bad = slot_page_rps(port, args.requests, args.clients)
        print(f"free-slot page /audiensi/: {rps:.0f} requests/s ({args.requests} requests, {args.clients} clients)")
        if bad:
            print(f"  non-200 answers: {bad}")
        outcomes = booking_stampede(port, slot_values, sessions)
    held, overlaps = held_in_database()
    print(f"booking: {RESIDENTS} concurrent attempts over {SLOTS} slots")
    print(f"  succeeded:      {outcomes['succeeded']} (must be {SLOTS})")
    print(f"  refused cleanly: {outcomes['refused']}")
    print(f"  server errors:  {outcomes['server_errors']} (must be 0)")
    if outcomes["other"]:
        print(f"  other answers:  {outcomes['other']}")
    print(f"  in the database: {held} held, {overlaps} overlapping pairs")
    ok = outcomes["succeeded"] == SLOTS and outcomes["server_errors"] == 0 and held == SLOTS and overlaps == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
