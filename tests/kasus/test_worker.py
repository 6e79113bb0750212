"""End to end: a committed change reaches a real Celery worker through the real Redis broker and is mailed."""

import time

import pytest
from django.conf import settings

from portal.celery import app as celery_app
from portal.kasus import services
from portal.kasus.models import OutboxEmail
from tests.factories import UserFactory, open_kasus
from tests.worker import file_mail, purge_queue, redis_url, start_worker, stop_worker

WAIT_SECONDS = 30


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

    worker = start_worker(broker, log, file_mail(mail_dir))
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
        stop_worker(worker)
