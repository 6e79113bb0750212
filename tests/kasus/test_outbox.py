"""The outbox: a broker that is down loses nothing and holds nothing up; each email is sent exactly once."""

import pytest
from django.conf import settings
from django.core import mail

from portal.celery import app as celery_app
from portal.kasus import outbox, services
from portal.kasus.models import OutboxEmail, Status
from portal.kasus.outbox import Attachment, outbox_deliver, outbox_dispatch, outbox_enqueue
from portal.kasus.tasks import outbox_retry_pending, outbox_send
from tests.concurrency import at_once, errors
from tests.factories import OpdFactory, UserFactory, kasus_at, open_kasus, staff

UNREACHABLE_BROKER = "redis://127.0.0.1:6390/0"


def use_broker(url: str) -> None:
    """Point the Celery app at another broker (its connection pools are per broker URL)."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(eager_off):
    use_broker(UNREACHABLE_BROKER)
    yield
    use_broker(settings.CELERY_BROKER_URL)
    outbox._broker["down_until"] = 0.0


@pytest.fixture
def publish_attempts(monkeypatch):
    """Count the publishes that reach the broker (each waits out the connect timeout when it is down)."""
    attempts = []
    original = outbox_send.delay

    def counting_delay(*args, **kwargs):
        attempts.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(outbox_send, "delay", counting_delay)
    return attempts


def drain_queue() -> list:
    """Take every message off the default queue of the real broker: (task name, args)."""
    taken = []
    with celery_app.connection_for_read() as conn:
        queue = conn.SimpleQueue("celery")
        try:
            while True:
                try:
                    message = queue.get(timeout=1)
                except queue.Empty:
                    return taken
                args, kwargs, _embed = message.decode()
                taken.append((message.headers["task"], args))
                message.ack()
        finally:
            queue.close()


def test_it_fails_fast_when_the_broker_is_down():
    # No publish retries, and a short connect timeout: a commit waits seconds, not minutes.
    assert celery_app.conf.task_publish_retry is False
    assert celery_app.conf.broker_connection_timeout <= 3
    assert celery_app.conf.broker_transport_options["socket_connect_timeout"] <= 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_commits_with_the_broker_down_and_sends_exactly_once_when_it_is_back(broker_down, publish_attempts):
    warga = UserFactory()
    kasus = open_kasus(reporter=warga)

    services.kasus_verify(kasus_id=kasus.pk, actor=None)

    kasus.refresh_from_db()
    assert kasus.status == Status.DIVERIFIKASI  # the change committed
    row = OutboxEmail.objects.get(kasus=kasus)
    assert row.state == OutboxEmail.State.PENDING and row.attempts == 0
    assert len(publish_attempts) == 1 and mail.outbox == []

    use_broker(settings.CELERY_BROKER_URL)  # the broker is back
    drain_queue()
    assert outbox_retry_pending(older_than_seconds=0) == 1
    queued = drain_queue()
    assert queued == [("portal.kasus.tasks.outbox_send", [row.pk])]
    for task_name, args in queued:  # what a worker does with the message
        celery_app.tasks[task_name].apply(args=args)
    row.refresh_from_db()
    assert row.state == OutboxEmail.State.SENT and row.attempts == 1
    assert [m.to for m in mail.outbox] == [[warga.email]]

    # The message delivered twice (a redelivery, a racing retry) still sends once.
    celery_app.tasks[queued[0][0]].apply(args=queued[0][1])
    assert outbox_retry_pending(older_than_seconds=0) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_tries_a_down_broker_once_per_request_not_once_per_email(broker_down, publish_attempts):
    opd = OpdFactory()
    staff("opd", opd=opd)
    kasus = kasus_at("diverifikasi", reporter=UserFactory())
    outbox._broker["down_until"] = 0.0
    publish_attempts.clear()

    services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=opd)  # reporter, OPD address, OPD officer

    assert OutboxEmail.objects.filter(kasus=kasus, state="pending").count() >= 3
    assert len(publish_attempts) == 1


@pytest.mark.django_db
def test_it_stops_the_retry_at_the_first_failure_while_the_broker_is_still_down(broker_down, publish_attempts):
    kasus = open_kasus()
    rows = [outbox_enqueue(to=f"w{n}@example.org", template="kasus_opened", context={"kasus": kasus}) for n in range(3)]
    assert outbox_retry_pending(older_than_seconds=0) == 0
    assert len(publish_attempts) == 1
    assert all(OutboxEmail.objects.get(pk=r.pk).state == OutboxEmail.State.PENDING for r in rows)


@pytest.mark.django_db
def test_it_ignores_the_broker_pause_when_tasks_run_eagerly():
    outbox._broker["down_until"] = float("inf")
    try:
        row = outbox_enqueue(to="w@example.org", template="kasus_opened", context={"kasus": open_kasus()})
        assert outbox_dispatch(row.pk) is True
    finally:
        outbox._broker["down_until"] = 0.0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_it_sends_an_email_once_however_often_it_is_delivered():
    row = outbox_enqueue(to="w@example.org", template="kasus_opened", context={"kasus": open_kasus()})
    assert outbox_deliver(outbox_id=row.pk) is True
    assert outbox_deliver(outbox_id=row.pk) is False
    row.refresh_from_db()
    assert row.state == OutboxEmail.State.SENT and row.sent_at is not None and len(mail.outbox) == 1


@pytest.mark.django_db
def test_it_keeps_an_email_whose_send_failed_and_gives_up_after_many_attempts(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    row = outbox_enqueue(to="w@example.org", template="kasus_opened", context={"kasus": open_kasus()})
    assert outbox_deliver(outbox_id=row.pk) is False
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (OutboxEmail.State.PENDING, 1, "smtp down")
    for _ in range(outbox.MAX_ATTEMPTS):
        OutboxEmail.objects.filter(pk=row.pk).update(next_attempt_at=None)  # its backoff has passed
        outbox_deliver(outbox_id=row.pk)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxEmail.State.FAILED, outbox.MAX_ATTEMPTS)
    assert row.pk not in outbox.outbox_pending_ids(older_than_seconds=0)


@pytest.mark.django_db
def test_it_sends_attachments():
    kasus = open_kasus(reporter=UserFactory())
    services.notify_reporter(
        kasus,
        template="kasus_opened",
        attachments=[Attachment(filename="undangan.ics", content=b"BEGIN:VCALENDAR", mimetype="text/calendar")],
    )
    outbox_deliver(outbox_id=OutboxEmail.objects.get().pk)
    assert mail.outbox[0].attachments == [("undangan.ics", "BEGIN:VCALENDAR", "text/calendar")]


@pytest.mark.django_db
def test_it_stores_nothing_without_an_address():
    assert outbox_enqueue(to="", template="kasus_opened", context={"kasus": open_kasus()}) is None
    assert not OutboxEmail.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_sends_once_when_two_workers_deliver_the_same_email_at_once():
    row = OutboxEmail.objects.create(to="w@example.org", subject="Uji", body_text="Uji", template="kasus_opened")
    outcomes = at_once(*[lambda: outbox_deliver(outbox_id=row.pk)] * 2)
    assert errors(outcomes) == []
    assert sorted(o.value for o in outcomes) == [False, True] and len(mail.outbox) == 1


@pytest.mark.django_db
def test_it_requeues_only_failed_emails(django_capture_on_commit_callbacks):
    failed = OutboxEmail.objects.create(to="a@example.org", subject="A", body_text="A", template="t", state="failed")
    sent = OutboxEmail.objects.create(to="b@example.org", subject="B", body_text="B", template="t", state="sent")
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbox_requeue(outbox_ids=[failed.pk, sent.pk]) == 1
    failed.refresh_from_db()
    assert failed.state == OutboxEmail.State.SENT and [m.to for m in mail.outbox] == [["a@example.org"]]
