"""A Celery worker killed in the middle of sending: no email lost, none sent twice."""

import datetime as dt
import json
import signal
import time

import pytest
from django.db import transaction
from django.utils import timezone

from portal.kasus.models import OutboxEmail
from portal.kasus.outbox import outbox_enqueue, outbox_pending_ids
from portal.kasus.tasks import outbox_retry_pending
from portal.observability import request_id_var
from tests.factories import open_kasus
from tests.worker import purge_queue, redis_url, smtp_mail, start_worker, stop_worker, wait_for


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_while_sending_loses_no_email_and_sends_none_twice(eager_off, smtp_server, tmp_path):
    broker = redis_url()
    purge_queue()
    log = tmp_path / "worker.log"
    smtp_server.rcpt_delay = 30  # the first conversation hangs after RCPT: the worker is killed there
    kasus = open_kasus()
    addresses = [f"warga{i}@example.org" for i in range(3)]
    with transaction.atomic():  # committed: each send goes to the real broker
        for address in addresses:
            outbox_enqueue(to=address, template="kasus_opened", context={"kasus": kasus}, kasus=kasus)

    worker = start_worker(broker, log, smtp_mail(smtp_server.port))
    try:
        wait_for(smtp_server.rcpt_started.is_set, 20, "a send reaching the mail server", log)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    leased = OutboxEmail.objects.get(lease_until__isnull=False)
    assert leased.state == OutboxEmail.State.PENDING and leased.attempts == 1
    assert smtp_server.message_ids() == []
    # While its lease lasts, the periodic retry leaves the row alone: the sender may still be alive.
    assert leased.pk not in outbox_pending_ids(older_than_seconds=0)

    smtp_server.rcpt_delay = 0
    OutboxEmail.objects.filter(pk=leased.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    worker = start_worker(broker, log, smtp_mail(smtp_server.port))
    try:
        token = request_id_var.set("retry-run-0001")
        try:
            outbox_retry_pending(older_than_seconds=0)  # beat's next run: every pending email is queued again
        finally:
            request_id_var.reset(token)
        wait_for(
            lambda: OutboxEmail.objects.filter(state=OutboxEmail.State.SENT).count() == len(addresses),
            20,
            "every email sent",
            log,
        )
        time.sleep(1)  # any duplicate task still in the queue gets its chance to send twice
    finally:
        stop_worker(worker)
    received = smtp_server.message_ids()
    assert len(received) == len(set(received)) == len(addresses)
    # The worker's task lines are JSON and carry the request id of the run that queued them (the first sends,
    # queued outside any request, may still be in the queue and carry none).
    task_lines = [json.loads(ln) for ln in log.read_text().splitlines() if '"logger": "portal.task"' in ln]
    sends = [ln for ln in task_lines if ln["task"] == "portal.kasus.tasks.outbox_send" and ln["state"] == "SUCCESS"]
    assert {ln["request_id"] for ln in sends} <= {"-", "retry-run-0001"}
    assert any(ln["request_id"] == "retry-run-0001" for ln in sends)
    assert sorted(m["To"] for m in smtp_server.received) == addresses
