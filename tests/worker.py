"""A real Celery worker beside the test: the broker, the worker's database, start and stop, waiting on it."""

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app

BASE_DIR = Path(settings.BASE_DIR)


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("REDIS_URL must be set for the worker test (REQUIRE_POSTGRES is set)")
        pytest.skip("needs a real Redis broker (set REDIS_URL)")
    return url


def worker_database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def file_mail(mail_dir: Path) -> dict[str, str]:
    """Worker environment that writes each email as a file in `mail_dir`."""
    return {
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "TEST_EMAIL_FILE_PATH": str(mail_dir),
    }


def smtp_mail(port: int) -> dict[str, str]:
    """Worker environment that sends through the SMTP server on 127.0.0.1:`port`."""
    return {
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_TIMEOUT": "30",
    }


def start_worker(broker: str, log: Path, mail: dict[str, str]) -> subprocess.Popen:
    """One solo worker on the test database and `broker`, its output appended to `log`."""
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CONN_MAX_AGE": "0",
        "REDIS_URL": broker,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": str(BASE_DIR),
        **mail,
    }
    celery = Path(sys.executable).with_name("celery")
    command = [str(celery), "-A", "portal", "worker", "--pool=solo", "--concurrency=1", "-Q", "celery"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def stop_worker(worker: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it has not stopped within 15 s."""
    worker.terminate()
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def purge_queue() -> None:
    with celery_app.connection_for_write() as conn:
        queue = conn.SimpleQueue("celery")
        queue.clear()
        queue.close()


def wait_for(condition: Callable[[], bool], seconds: float, what: str, log: Path) -> None:
    """Poll `condition` until it holds; fail with the worker's log if it does not within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} did not happen in {seconds}s\n{log.read_text()}")
