"""Redis stopped during a burst: submissions, bookings and registrations succeed; emails wait and go out once."""

import time

import pytest
from django.urls import reverse

from aspirasi.models import Aspirasi
from audiensi.models import Audiensi
from portal.kasus import outbox
from portal.kasus.models import OutboxEmail
from portal.kasus.tasks import outbox_retry_pending
from sarasehan.models import PendaftaranSarasehan
from tests.aspirasi.factories import form_data
from tests.audiensi.factories import open_availability, slots_of
from tests.factories import UserFactory
from tests.kasus.test_outbox import use_broker
from tests.sarasehan.factories import sarasehan
from tests.worker import smtp_mail, start_worker, stop_worker, wait_for


@pytest.fixture
def portal_on_own_redis(own_redis, settings, eager_off):
    """Cache and broker on the test's own Redis, so stopping it touches no one else's."""
    original_caches = settings.CACHES
    settings.REDIS_URL = own_redis.url
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    use_broker(own_redis.url)
    yield own_redis
    settings.CACHES = original_caches  # before own_redis stops: the suite's cache is cleared after each test
    use_broker(settings.CELERY_BROKER_URL)
    outbox._broker["down_until"] = 0.0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_redis_stopped_every_submission_succeeds_and_its_emails_go_out_once_redis_is_back(
    client, portal_on_own_redis, smtp_server, tmp_path
):
    redis_server = portal_on_own_redis
    pejabat = open_availability()
    event = sarasehan(capacity=20)
    residents = [UserFactory() for _ in range(3)]
    redis_server.stop()
    assert client.get("/readyz").json()["checks"]["redis"]["ok"] is False

    started = time.monotonic()
    answers = []
    for i, warga in enumerate(residents):
        client.force_login(warga)
        answers.append(client.post("/aspirasi/kirim/", form_data(jenis="aspirasi")))
        slot = slots_of(pejabat)[0]
        booking = {"slot": slot.value, "topic": f"Topik {i}", "ringkasan": "Ringkasan.", "jumlah_peserta": "1"}
        answers.append(client.post("/audiensi/ajukan/", {**booking, "idempotency_key": f"b-{i}"}))
        client.logout()
        register_url = reverse("sarasehan:detail", args=[event.slug])
        answers.append(client.post(register_url, {"name": f"Tamu {i}", "email": f"tamu{i}@example.org"}))
    burst_seconds = time.monotonic() - started

    assert [r.status_code for r in answers] == [302] * 9
    assert Aspirasi.objects.count() == Audiensi.objects.count() == PendaftaranSarasehan.objects.count() == 3
    assert burst_seconds < 20  # one failed publish pauses the broker: requests do not each wait for a timeout
    waiting = OutboxEmail.objects.filter(state=OutboxEmail.State.PENDING).count()
    assert waiting >= 9 and not OutboxEmail.objects.exclude(state=OutboxEmail.State.PENDING).exists()

    redis_server.start()
    worker = start_worker(redis_server.url, tmp_path / "worker.log", smtp_mail(smtp_server.port))
    try:
        outbox_retry_pending(older_than_seconds=0)  # beat's next run once Redis answers again
        wait_for(
            lambda: not OutboxEmail.objects.filter(state=OutboxEmail.State.PENDING).exists(),
            25,
            "every waiting email sent",
            tmp_path / "worker.log",
        )
        time.sleep(1)
    finally:
        stop_worker(worker)
    assert OutboxEmail.objects.filter(state=OutboxEmail.State.SENT).count() == waiting
    received = smtp_server.message_ids()
    assert len(received) == len(set(received)) == waiting
    assert client.get("/readyz").json()["checks"]["redis"]["ok"] is True
    print(
        f"\nRedis stopped: {len(answers)} submissions sent, {len(answers)} acknowledged and stored, 0 lost; "
        f"{waiting} emails held, {len(received)} delivered, {len(received) - len(set(received))} twice"
    )
