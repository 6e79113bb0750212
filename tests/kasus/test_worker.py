"""End to end: a committed change reaches a real Celery worker through the real Redis broker and is mailed."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app as celery_app
from portal.kasus import services
from portal.kasus.models import OutboxEmail
from tests.factories import UserFactory, open_kasus

BASE_DIR = Path(settings.BASE_DIR)
WAIT_SECONDS = 30


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


def start_worker(broker: str, mail_dir: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CONN_MAX_AGE": "0",
        "REDIS_URL": broker,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "TEST_EMAIL_FILE_PATH": str(mail_dir),
        "PYTHONPATH": str(BASE_DIR),
    }
    celery = Path(sys.executable).with_name("celery")
    command = [str(celery), "-A", "portal", "worker", "--pool=solo", "--concurrency=1", "-Q", "celery"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def purge_queue() -> None:
    with celery_app.connection_for_write() as conn:
        queue = conn.SimpleQueue("celery")
        queue.clear()
        queue.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_delivers_through_a_real_worker(eager_off, tmp_path):
    broker = redis_url()
    assert celery_app.conf.broker_url == broker == settings.CELERY_BROKER_URL
    purge_queue()
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    mail_dir.mkdir()
    warga = UserFactory()
    kasus = open_kasus(reporter=warga)

    worker = start_worker(broker, mail_dir, log)
    try:
        services.kasus_verify(kasus_id=kasus.pk, actor=None)  # commits; the send goes to Redis
        row = OutboxEmail.objects.get(kasus=kasus)
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and worker.poll() is None:
            row.refresh_from_db()
            if row.state == OutboxEmail.State.SENT and any(mail_dir.iterdir()):
                break
            time.sleep(0.25)
        assert worker.poll() is None, log.read_text()
        assert row.state == OutboxEmail.State.SENT, log.read_text()
        files = list(mail_dir.iterdir())
        assert len(files) == 1
        message = files[0].read_text()
        assert f"To: {warga.email}" in message and kasus.reference in message
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
