"""A gunicorn worker's resident memory over 10,000 mixed requests: it must stay under 200 MB and stop growing.

Migrates the database in DATABASE_URL (created if missing), tops it up to --cases cases with
`seed_demo --cases` when it holds fewer, signs a petugas in (a session row, as force_login writes it),
starts gunicorn with ONE sync worker on 127.0.0.1:$BENCH_PORT (default 8014; rate limiting off, uploads
in a temporary MEDIA_ROOT, no --max-requests, so every request lands in the same process), and from
--clients threads of this process sends --requests requests in a fixed mix: the public pages, tracking
pages of random cases, the aspirasi form, the staff queue under several filters and searches, staff case
pages of random cases, and every 50th request a form submission with the 1 MB photo of bench_aspirasi.py.
After one warm-up request of each kind it prints the worker's VmRSS (from /proc) at request 0 and every
--every requests, the growth from the middle to the end, the highest RSS the worker reached (VmHWM), and the
errors. The requests go in rounds of --every, and the RSS is read between rounds, with no request in flight (read
during a photo submission, it carried that request's upload and picture). Growth compares the lowest RSS of the
marks around the middle with the lowest of the last marks (see floor()).

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_mem \\
      .venv/bin/python benchmarks/bench_memory.py [--cases 100000] [--requests 10000] [--every 1000] [--clients 4]
Exits non-zero when a request failed, the RSS ends at 200 MB or more, its highest reached 200 MB or more, or it
grew by more than 5 % from the middle to the end.
"""

import argparse
import http.client
import itertools
import os
import random
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import _support
import bench_aspirasi
from _support import HOST

LIMIT_MB = 200.0
GROWTH_ALLOWED = 0.05


def prepare(cases: int) -> tuple[list[str], list[str], str]:
    """Seed, then (tracking tokens, case references, a signed-in petugas session key)."""
    _support.setup_django()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from portal.demo import data as demo_data

    bench_aspirasi.prepare(cases, 1)
    petugas = demo_data.ensure_accounts(embedded=False)["petugas@wonogirikab.go.id"].user
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tracking_token, reference FROM kasus_kasus TABLESAMPLE SYSTEM (5) "
            "WHERE confirmed_at IS NOT NULL AND status <> 'digabung' LIMIT 500"
        )
        rows = cursor.fetchall()
    session = SessionStore()
    session[SESSION_KEY] = str(petugas.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = petugas.get_session_auth_hash()
    session.create()
    connection.close()
    return [token for token, _ref in rows], [ref for _token, ref in rows], session.session_key


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        sys.exit(f"bench_memory: expected one gunicorn worker, found {children}")
    return int(children[0])


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """The process's resident memory now (VmRSS) or the highest it has been (VmHWM), in MB."""
    found = re.search(rf"^{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    return int(found.group(1)) / 1024 if found else 0.0


def floor(marks: list[tuple[int, float]], at: int, around: int = 1) -> float:
    """The lowest RSS of the mark nearest request `at` and `around` marks on each side.

    Between rounds, with nothing in flight, the RSS still steps by 6-8 MB from mark to mark: freed photo buffers
    the allocator keeps in its heap or hands back (benchmarks/README.md). A leak raises the lowest value too; one
    high mark at the end does not.
    """
    nearest = min(range(len(marks)), key=lambda i: abs(marks[i][0] - at))
    return min(mb for _count, mb in marks[max(0, nearest - around) : nearest + around + 1])


class Mix:
    """The requests in a fixed, repeating order; staff requests carry the petugas session."""

    def __init__(self, tokens: list[str], references: list[str], session: str, jpeg: bytes) -> None:
        self.tokens, self.references, self.session, self.jpeg = tokens, references, session, jpeg
        staff = [
            "/petugas/",
            "/petugas/?status=didisposisikan",
            "/petugas/?kecamatan=&status=ditutup&page=3",
            "/petugas/?overdue=on",
            "/petugas/?q=jalan+rusak",
            "/petugas/?q={reference}",
            "/petugas/kasus/{reference}/",
        ]
        public = ["/", "/sarasehan/", "/audiensi/", "/transparansi/", "/aspirasi/kirim/", "/lacak/{token}/"]
        self.kinds = [("public", path) for path in public] + [("staff", path) for path in staff]

    def paths(self, n: int, seed: int):
        rng = random.Random(seed)
        kinds = itertools.cycle(self.kinds)
        for i in range(n):
            if i % 50 == 49:
                yield "submit", ""
                continue
            kind, path = next(kinds)
            yield kind, path.format(token=rng.choice(self.tokens), reference=rng.choice(self.references))


def send(conn: http.client.HTTPConnection, port: int, kind: str, path: str, mix: Mix, state: dict) -> bool:
    if kind == "submit":
        if "form" not in state:
            page = _support.get_form(conn, "/aspirasi/kirim/")
            desa = re.findall(r'<option value="(\d+)"', page.html.split('name="desa"', 1)[1])[0]
            state["form"] = (page, desa)
        page, desa = state["form"]
        fields = {
            "csrfmiddlewaretoken": page.token,
            "jenis": "pengaduan",
            "title": f"{bench_aspirasi.BENCH_TITLE} memori",
            "description": "Lampu penerangan jalan padam sejak seminggu; mohon segera diperbaiki.",
            "kategori": "",
            "kecamatan": "",
            "desa": desa,
            "address_detail": "Depan balai desa",
            "reporter_name": "Warga Uji Memori",
            "reporter_email": f"memori-{uuid.uuid4().hex[:8]}@example.org",
            "reporter_phone": "",
            "consent": "on",
            "idempotency_key": uuid.uuid4().hex,
            "website": "",
            "kirim": "1",  # the check page's "Kirim laporan" button: send at once
        }
        body, content_type = bench_aspirasi._multipart(fields, [("lampiran", "foto.jpg", mix.jpeg)])
        headers = {
            "Content-Type": content_type,
            "Cookie": _support.cookie_header(page.cookies),
            "Referer": f"http://{HOST}:{port}/aspirasi/kirim/",
            "Origin": f"http://{HOST}:{port}",
        }
        conn.request("POST", "/aspirasi/kirim/", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status == 302
    headers = {"Cookie": f"sessionid={mix.session}"} if kind == "staff" else {}
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status == 200


def client(port: int, work: list[tuple[str, str]], mix: Mix, errors: list[str], state: dict) -> None:
    """Send `work` in order on one connection; `state` keeps this client's form page from round to round."""
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    for kind, path in work:
        try:
            ok = send(conn, port, kind, path, mix, state)
        except (OSError, http.client.HTTPException) as exc:
            # A broken connection means the server is gone: the rest of the work would only fail.
            errors.append(f"{kind} {path} {exc!r}")
            state["broken"] = True
            break
        if not ok:
            errors.append(f"{kind} {path}")
    conn.close()


def run_round(port: int, work: list[tuple[str, str]], mix: Mix, errors: list[str], states: list[dict]) -> None:
    """`work` shared among the clients, each on a thread of its own; returns when every request is answered."""
    threads = [
        threading.Thread(target=client, args=(port, work[i :: len(states)], mix, errors, state))
        for i, state in enumerate(states)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1_000, help="print the RSS every this many requests")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    _support.configure("bench_memory")
    media_root = tempfile.mkdtemp(prefix="bench-memory-media-")
    os.environ["MEDIA_ROOT"] = media_root
    port = _support.bench_port(8014)
    tokens, references, session = prepare(args.cases)
    mix = Mix(tokens, references, session, bench_aspirasi.photo())
    print(f"database {os.environ['DATABASE_URL']}; gunicorn: 1 sync worker on {HOST}:{port}; {args.clients} clients")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    errors: list[str] = []
    marks: list[tuple[int, float]] = []
    try:
        with _support.gunicorn(
            "bench_memory", port, 1, probe="/", timeout=120, env={"ASPIRASI_RATE_LIMIT": "off"}, quiet=True
        ) as server:
            pid = worker_pid(server.pid)
            booted = rss_mb(pid)
            warm = [(kind, path.format(token=tokens[0], reference=references[0])) for kind, path in mix.kinds]
            client(port, [*warm, ("submit", "")], mix, errors, {})
            marks.append((0, rss_mb(pid)))
            print(f"  worker RSS booted {booted:.1f} MB, after one of each {marks[0][1]:.1f} MB", flush=True)
            work = list(mix.paths(args.requests, seed=1))
            states: list[dict] = [{} for _ in range(args.clients)]
            started = time.monotonic()
            for done in range(args.every, args.requests + args.every, args.every):
                run_round(port, work[done - args.every : done], mix, errors, states)
                if any(state.get("broken") for state in states):
                    break
                marks.append((min(done, args.requests), rss_mb(pid)))
                # As it goes, so a run cut short still shows its trend.
                print(f"  {marks[-1][0]} requests: worker RSS {marks[-1][1]:.1f} MB", flush=True)
            elapsed = time.monotonic() - started
            peak = rss_mb(pid, "VmHWM")
    finally:
        shutil.rmtree(media_root, ignore_errors=True)

    print(f"worker RSS after boot {booted:.1f} MB; {args.requests} requests in {elapsed:.0f} s")
    print(f"{'requests':>9} {'RSS MB':>8}")
    for count, mb in marks:
        print(f"{count:>9} {mb:>8.1f}")
    end = marks[-1]
    middle_floor, end_floor = floor(marks, args.requests // 2), floor(marks, end[0])
    growth = (end_floor - middle_floor) / middle_floor if middle_floor else 0.0
    print(
        f"growth from request {args.requests // 2} to {end[0]} (the lowest of the marks around each): "
        f"{end_floor - middle_floor:+.1f} MB ({growth:+.1%}); highest RSS {peak:.1f} MB"
    )
    print(f"errors {len(errors)}")
    for sample in errors[:3]:
        print(f"  error: {sample}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    failed = errors or end[1] >= LIMIT_MB or peak >= LIMIT_MB or growth > GROWTH_ALLOWED
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
