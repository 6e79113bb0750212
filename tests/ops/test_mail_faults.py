"""A real mail server refusing, timing out, then accepting: retried with backoff, never twice, refusals shown."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.kasus.models import OutboxEmail
from portal.kasus.outbox import outbox_deliver, outbox_enqueue
from portal.kasus.tasks import outbox_retry_pending
from tests.factories import UserFactory, open_kasus, staff


def backoff_passes() -> None:
    """Time moves on: every waiting email is due again."""
    past = timezone.now() - dt.timedelta(seconds=1)
    OutboxEmail.objects.filter(state=OutboxEmail.State.PENDING).update(next_attempt_at=past, created_at=past)


def states() -> dict[str, tuple[str, int]]:
    return {row.to: (row.state, row.attempts) for row in OutboxEmail.objects.all()}


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_outbox_retries_a_refusing_mail_server_with_backoff_and_sends_each_email_once(smtp_server, client):
    kasus = open_kasus(reporter=UserFactory())
    addresses = ["ani@example.org", "budi@example.org", "tolak@example.org"]
    rows = [outbox_enqueue(to=a, template="kasus_opened", context={"kasus": kasus}, kasus=kasus) for a in addresses]

    smtp_server.mode = "tempfail"  # 451 to every recipient
    started = timezone.now()
    assert [outbox_deliver(outbox_id=r.pk) for r in rows] == [False, False, False]
    for row in OutboxEmail.objects.all():
        assert row.state == "pending" and row.attempts == 1 and "451" in row.last_error
        assert 55 <= (row.next_attempt_at - started).total_seconds() <= 65
    assert outbox_retry_pending(older_than_seconds=0) == 0  # nothing is due yet
    assert smtp_server.message_ids() == []

    smtp_server.mode = "timeout"  # the server stops answering within EMAIL_TIMEOUT
    backoff_passes()
    outbox_retry_pending(older_than_seconds=0)
    for row in OutboxEmail.objects.all():
        assert row.state == "pending" and row.attempts == 2
        assert (row.next_attempt_at - timezone.now()).total_seconds() > 100  # the second wait is longer

    smtp_server.mode = "accept"
    smtp_server.refuse = {"tolak@example.org"}  # 550: this mailbox does not exist
    backoff_passes()
    outbox_retry_pending(older_than_seconds=0)
    assert states() == {
        "ani@example.org": ("sent", 3),
        "budi@example.org": ("sent", 3),
        "tolak@example.org": ("failed", 3),
    }
    refused = OutboxEmail.objects.get(to="tolak@example.org")
    assert "550" in refused.failed_reason

    backoff_passes()
    outbox_retry_pending(older_than_seconds=0)
    for row in rows:
        outbox_deliver(outbox_id=row.pk)
    received = smtp_server.message_ids()
    assert len(received) == len(set(received)) == 2  # each accepted email reached the server once

    client.force_login(staff("petugas"))
    page = client.get(reverse("kasus:detail", args=[kasus.reference])).content.decode()
    assert "Email yang tidak terkirim" in page and "tolak@example.org" in page and "Mailbox unavailable" in page
