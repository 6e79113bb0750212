"""PostgreSQL restarted during a burst of aspirasi behind gunicorn: nothing acknowledged is lost.

Every submission answered with the success redirect is in the database afterwards with its files; the
others got the "try again" 503 page with a request id (never a 500); the same gunicorn serves again once
the database is back (CONN_HEALTH_CHECKS replaces the connections the restart killed).
"""

import hashlib
import http.cookiejar
import io
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from PIL import Image

from tests.factories import desa

from .conftest import free_port

BASE_DIR = Path(settings.BASE_DIR)
THREADS = 6


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def photo(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (48, 32), (seed % 256, 80, 160)).save(out, "JPEG")
    return out.getvalue()


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class Resident:
    """One browser: fetches the form (CSRF cookie and token), then posts it with a photo."""

    def __init__(self, base: str, place) -> None:
        self.base, self.place = base, place
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: bytes | None = None, content_type: str = "") -> tuple[int, str, str]:
        req = urllib.request.Request(
            self.base + path, data=data, headers={"Content-Type": content_type} if data else {}
        )
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, response.read().decode(), ""
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace"), exc.headers.get("Location", "")

    def submit(self, title: str, seed: int) -> tuple[int, str, str]:
        status, page, _location = self.request("/aspirasi/kirim/")
        if status != 200:
            return status, page, ""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        fields = {
            "csrfmiddlewaretoken": token,
            "jenis": "pengaduan",
            "title": title,
            "description": "Lampu jalan mati sejak dua minggu, jalan gelap dan rawan.",
            "kategori": "",
            "kecamatan": str(self.place.parent_id),
            "desa": str(self.place.pk),
            "address_detail": "",
            "reporter_name": "Warga Uji",
            "reporter_email": f"{title.replace(' ', '-')}@example.org",
            "reporter_phone": "",
            "consent": "on",
            "idempotency_key": uuid.uuid4().hex,
            "website": "",
            "kirim": "1",  # send straight away: the check-answers step has its own tests
        }
        body, content_type = multipart(fields, {"lampiran": ("lampu.jpg", photo(seed))})
        return self.request("/aspirasi/kirim/", body, content_type)


def start_gunicorn(database_url: str, media: Path, port: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TEST_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "MEDIA_ROOT": str(media),
        "ASPIRASI_RATE_LIMIT": "off",
        "PYTHONPATH": str(BASE_DIR),
    }
    env.pop("REDIS_URL", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "portal.wsgi", "-w", "2", "-k", "gthread", "--threads", "4", "-b", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    pytest.fail(f"gunicorn did not start\n{log.read_text()}")


def copy_test_database(own_postgres) -> str:
    """The migrated test database (schema and reference data) copied into the test's own cluster."""
    db = connection.settings_dict
    with psycopg.connect(own_postgres.url("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE portal")
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"],
            "-Fc",
            db["NAME"],
        ],
        capture_output=True,
        check=True,
        env={**os.environ, "PGPASSWORD": db["PASSWORD"] or ""},
    )
    subprocess.run(
        ["pg_restore", "-h", "127.0.0.1", "-p", str(own_postgres.port), "-U", "postgres", "-d", "portal", "--no-owner"],
        input=dump.stdout,
        capture_output=True,
        check=True,
    )
    return own_postgres.url("portal")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_postgres_restart_during_a_burst_loses_no_acknowledged_submission(own_postgres, tmp_path):
    database_url = copy_test_database(own_postgres)
    media, port = tmp_path / "media", free_port()
    place = desa()
    gunicorn = start_gunicorn(database_url, media, port, tmp_path / "gunicorn.log")
    base = f"http://127.0.0.1:{port}"
    answers: list[tuple[str, int, str, str]] = []
    lock, stop = threading.Lock(), threading.Event()

    def burst(n: int) -> None:
        resident, i = Resident(base, place), 0
        while not stop.is_set():
            title = f"Burst {n}-{i}"
            status, page, location = resident.submit(title, seed=n * 1000 + i)
            with lock:
                answers.append((title, status, page, location))
            i += 1

    threads = [threading.Thread(target=burst, args=(n,)) for n in range(THREADS)]
    try:
        for t in threads:
            t.start()
        time.sleep(3)
        own_postgres.pg_ctl("restart", "-m", "fast", "-w")
        time.sleep(3)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        # Recovery: the same gunicorn processes serve again with fresh connections.
        after = [Resident(base, place).submit(f"After {i}", seed=i) for i in range(6)]
    finally:
        stop.set()
        gunicorn.terminate()
        gunicorn.wait(timeout=20)

    log = (tmp_path / "gunicorn.log").read_text()
    acknowledged = {
        title for title, status, _p, location in answers if status == 302 and location.endswith("/aspirasi/terkirim/")
    }
    refused = [(status, page) for _t, status, page, _l in answers if status != 302]
    assert [status for status, _p, _l in after] == [302] * 6, log[-3000:]
    assert acknowledged and refused, f"the restart did not fall inside the burst: {len(answers)} answers"
    for status, page in refused:
        assert status == 503, page[:500]
        assert "Silakan coba lagi" in page and re.search(r'class="request-id">[0-9a-f]{32}<', page)

    with psycopg.connect(database_url) as conn:
        stored = dict(
            conn.execute(
                "SELECT k.title, count(l.id) FROM kasus_kasus k LEFT JOIN aspirasi_lampiran l ON l.kasus_id = k.id "
                "WHERE k.title LIKE 'Burst %%' GROUP BY k.title"
            ).fetchall()
        )
        files = conn.execute("SELECT file, sha256 FROM aspirasi_lampiran").fetchall()
    lost = acknowledged - set(stored)
    assert lost == set()
    assert all(stored[title] == 1 for title in acknowledged)
    for name, digest in files:
        assert hashlib.sha256((media / name).read_bytes()).hexdigest() == digest
    print(
        f"\nPostgreSQL restart: {len(answers)} submissions sent, {len(acknowledged)} acknowledged, "
        f"{len(acknowledged & set(stored))} stored, {len(lost)} lost, {len(refused)} answered 503"
    )
