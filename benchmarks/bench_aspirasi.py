"""Aspirasi on PostgreSQL behind gunicorn: form submissions with a 1 MB photo, and tracking-page reads.

Migrates the database in DATABASE_URL (created if missing), tops it up to --cases cases with
`manage.py seed_demo --cases N` when it holds fewer, removes the cases earlier runs of this script
submitted, starts gunicorn on 127.0.0.1:$BENCH_PORT (default 8013) with rate limiting off
(ASPIRASI_RATE_LIMIT=off, for this server only) and uploads in a temporary MEDIA_ROOT, and from
this separate process prints:

- before the server starts, the photo's cost in this process: decoded whole, at 1/2 and at 1/8 scale (the
  floor of any check inside the request), and the upload check the form runs (`aspirasi.files.clean_upload`);
- form submissions per second: guests POST /aspirasi/kirim/ with one 1 MB JPEG attached (each
  client first GETs the form for its CSRF cookie and token, then posts with a fresh idempotency
  key; every POST must answer 302 to /aspirasi/terkirim/);
- tracking-page requests per second: GET /lacak/<tracking_token>/ of random cases;
- for both, the error count and the median / 95th-percentile latency;
- then the ceiling page (../shared/bench/ceiling.py, as in bench_pages.py) served with the same gunicorn
  settings and loaded from as many connections, and each figure above as a share of it: machines here
  differ (and vary) by more than twice in speed, and the share is what compares between runs.

Usage:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_asp_bench \
      .venv/bin/python benchmarks/bench_aspirasi.py [--cases 100000] [--workers 4] [--clients 8] \
      [--submissions 400] [--tracking 4000] [--ceiling-seconds 10]
Exits non-zero when any request failed.
"""

import argparse
import http.client
import io
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import _support
import bench_pages
from _support import HOST

BENCH_TITLE = "Uji beban aspirasi"
PHOTO_BYTES = 1024 * 1024


def prepare(cases: int, sample: int) -> tuple[int, list[str]]:
    """Migrate, seed up to `cases`, drop earlier bench submissions. Returns (case count, tracking tokens)."""
    _support.setup_django()
    from django.core.management import call_command
    from django.db import connection

    from portal.kasus.models import Kasus, OutboxEmail

    earlier = Kasus.objects.filter(title__startswith=BENCH_TITLE)
    OutboxEmail.objects.filter(kasus__in=earlier).delete()
    earlier.delete()
    have = Kasus.objects.count()
    if have < cases:
        print(f"seeding {cases - have} cases (seed_demo --cases)...")
        call_command("seed_demo", cases=cases - have, verbosity=0, stdout=io.StringIO())
    total = Kasus.objects.count()
    tokens = _support.tracking_tokens(sample)
    connection.close()
    if not tokens:
        sys.exit("bench_aspirasi: no confirmed cases to track")
    return total, tokens


def photo(target: int = PHOTO_BYTES) -> bytes:
    """A camera-like JPEG of about 1 MB: smooth gradients with sensor noise."""
    from PIL import Image, ImageFilter

    width, height = 2048, 1536
    noise = Image.frombytes("RGB", (width // 4, height // 4), random.Random(7).randbytes(width * height * 3 // 16))
    base = noise.filter(ImageFilter.GaussianBlur(2)).resize((width, height))
    grain = Image.frombytes("L", (width, height), random.Random(8).randbytes(width * height)).convert("RGB")
    image = Image.blend(base, grain, 0.08)
    best = b""
    for quality in range(95, 30, -1):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        best = out.getvalue()
        if len(best) <= target:
            break
    return best


PHOTO_ROUNDS = 30


def photo_costs(jpeg: bytes) -> str:
    """Median CPU ms, in this process, of decoding the photo at three scales and of the whole upload check.

    The decode at 1/8 scale is the floor of any in-request check: libjpeg reads every coefficient of the file
    whatever the scale, and only the inverse DCT gets cheaper.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from aspirasi import files

    def median_ms(work) -> float:
        samples = []
        for _ in range(PHOTO_ROUNDS):
            started = time.process_time()
            work()
            samples.append(time.process_time() - started)
        return statistics.median(samples) * 1000

    def decode(scale: int) -> None:
        with Image.open(io.BytesIO(jpeg)) as im:
            im.draft("RGB", (im.width // scale, im.height // scale))
            im.load()

    whole, half, eighth = (median_ms(lambda s=s: decode(s)) for s in (1, 2, 8))
    check = median_ms(lambda: files.clean_upload(SimpleUploadedFile("foto.jpg", jpeg, "image/jpeg")))
    return (
        f"photo in this process (median of {PHOTO_ROUNDS}, CPU): decoded whole {whole:.1f} ms, at 1/2 scale "
        f"{half:.1f} ms, at 1/8 {eighth:.1f} ms; the whole check (files.clean_upload) {check:.1f} ms"
    )


def _multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content in files:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: image/jpeg\r\n\r\n".encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class Result:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors = 0
        self.error_samples: list[str] = []

    def add(self, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.latencies.append(seconds)
            if not ok:
                self.errors += 1
                if len(self.error_samples) < 3:
                    self.error_samples.append(detail)


def submit_client(port: int, count: int, jpeg: bytes, result: Result, client_no: int) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    page = _support.get_form(conn, "/aspirasi/kirim/")
    jar, csrf = page.cookies, page.token
    desa = re.findall(r'<option value="(\d+)"', page.html.split('name="desa"', 1)[1])[0]
    for i in range(count):
        fields = {
            "csrfmiddlewaretoken": csrf,
            "jenis": "pengaduan",
            "title": f"{BENCH_TITLE} {client_no}-{i}",
            "description": "Lampu penerangan jalan padam sejak seminggu; mohon segera diperbaiki.",
            "kategori": "",
            "kecamatan": "",
            "desa": desa,
            "address_detail": "Depan balai desa",
            "reporter_name": f"Warga Uji {client_no}",
            "reporter_email": f"bench-{client_no}-{i}@example.org",
            "reporter_phone": "",
            "consent": "on",
            "idempotency_key": uuid.uuid4().hex,
            "website": "",
            # The check page's "Kirim laporan" button: send at once, as after reviewing the report.
            "kirim": "1",
        }
        body, content_type = _multipart(fields, [("lampiran", "foto-jalan.jpg", jpeg)])
        headers = {
            "Content-Type": content_type,
            "Cookie": _support.cookie_header(jar),
            "Referer": f"http://{HOST}:{port}/aspirasi/kirim/",
            "Origin": f"http://{HOST}:{port}",
        }
        started = time.monotonic()
        try:
            conn.request("POST", "/aspirasi/kirim/", body=body, headers=headers)
            response = conn.getresponse()
            text = response.read()
            _support.store_cookies(response, jar)
            ok = response.status == 302 and "/aspirasi/terkirim/" in (response.getheader("Location") or "")
            detail = f"{response.status} {text[:200]!r}"
        except OSError as exc:
            ok, detail = False, repr(exc)
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=120)
        result.add(time.monotonic() - started, ok, detail)
    conn.close()


def track_client(port: int, tokens: list[str], result: Result) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    for token in tokens:
        started = time.monotonic()
        try:
            conn.request("GET", f"/lacak/{token}/")
            response = conn.getresponse()
            response.read()
            ok, detail = response.status == 200, str(response.status)
        except OSError as exc:
            ok, detail = False, repr(exc)
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
        result.add(time.monotonic() - started, ok, detail)
    conn.close()


def run(clients: int, work) -> tuple[float, Result]:
    result = Result()
    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(lambda i: work(i, result), range(clients)))
    return time.monotonic() - started, result


def report(name: str, count: int, elapsed: float, result: Result) -> float:
    """Print one line of figures; returns the requests per second."""
    lat = sorted(result.latencies)
    p95 = lat[int(len(lat) * 0.95) - 1] if lat else 0.0
    print(
        f"{name}: {count / elapsed:.1f} requests/s ({count} requests in {elapsed:.1f} s), "
        f"errors {result.errors}, median {statistics.median(lat) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    )
    for sample in result.error_samples:
        print(f"  error: {sample}")
    return count / elapsed


def ceiling_rps(workers: int, connections: int, seconds: float) -> float:
    """The ceiling page's requests per second with the same gunicorn settings and as many connections."""
    port = _support.bench_port(8013) + bench_pages.CEILING_PORT_OFFSET
    result = bench_pages.load_ceiling("bench_aspirasi", os.environ["DATABASE_URL"], port, workers, connections, seconds)
    if result.errors:
        sys.exit(f"bench_aspirasi: the ceiling page failed {result.errors} times")
    return result.rps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--submissions", type=int, default=400)
    parser.add_argument("--tracking", type=int, default=4000)
    parser.add_argument("--ceiling-seconds", type=float, default=10.0)
    args = parser.parse_args()
    _support.configure("bench_aspirasi")
    media_root = tempfile.mkdtemp(prefix="bench-aspirasi-media-")
    os.environ["MEDIA_ROOT"] = media_root
    port = _support.bench_port(8013)
    total, tokens = prepare(args.cases, args.tracking)
    jpeg = photo()
    size = len(jpeg) / 1024 / 1024
    print(f"database {os.environ['DATABASE_URL']}: {total} cases; photo: {size:.2f} MB JPEG, 2048x1536")
    print(f"gunicorn: {args.workers} sync workers on {HOST}:{port}; load: {args.clients} client threads, this process")
    print(f"machine: {os.cpu_count()} CPUs, load average before the run {os.getloadavg()[0]:.1f}")
    print(photo_costs(jpeg))
    failed = False
    try:
        with _support.gunicorn(
            "bench_aspirasi",
            port,
            args.workers,
            probe="/aspirasi/kirim/",
            timeout=120,
            env={"ASPIRASI_RATE_LIMIT": "off"},
        ):
            # Warm every worker (imports, templates, the holiday table) before measuring.
            run(args.clients, lambda i, r: track_client(port, tokens[i * 3 : i * 3 + 3], r))
            run(args.clients, lambda i, r: submit_client(port, 1, jpeg, r, 1000 + i))

            per = args.submissions // args.clients
            elapsed, result = run(args.clients, lambda i, r: submit_client(port, per, jpeg, r, i))
            submitted = report(
                "form submissions with a 1 MB photo (POST /aspirasi/kirim/)", per * args.clients, elapsed, result
            )
            failed |= result.errors > 0

            per = args.tracking // args.clients
            chosen = [random.Random(i).choices(tokens, k=per) for i in range(args.clients)]
            elapsed, result = run(args.clients, lambda i, r: track_client(port, chosen[i], r))
            tracked = report("tracking page (GET /lacak/<token>/)", per * args.clients, elapsed, result)
            failed |= result.errors > 0
        ceiling = ceiling_rps(args.workers, args.clients, args.ceiling_seconds)
        print(
            f"ceiling page ({args.workers} workers, {args.clients} connections, {args.ceiling_seconds:.0f} s): "
            f"{ceiling:.1f} requests/s; submissions {submitted / ceiling * 100:.1f} % of it, "
            f"tracking {tracked / ceiling * 100:.1f} %"
        )
        print(f"load average after the run {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(media_root, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
