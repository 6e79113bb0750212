"""What the benchmark scripts share: Django environment, database creation, gunicorn, form pages.

The scripts run as files (`python benchmarks/bench_x.py`), so this module is importable as `_support`.
"""

import http.client
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


def bench_port(default: int) -> int:
    """The port in $BENCH_PORT, else `default`."""
    return int(os.environ.get("BENCH_PORT", str(default)))


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
    Waits up to 30 s for `probe` to answer 200 (exits otherwise) and stops the server with SIGTERM.
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
    if not _answers(port, probe, within=30):
        proc.terminate()
        sys.exit(f"{script}: gunicorn did not answer within 30 s")
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
