"""The notification outbox: emails are rendered and stored with the change, sent after commit.

If the broker is down when the transaction commits, the row stays pending and
the periodic task `outbox_retry_pending` sends it later.
"""

import base64
import datetime as dt
import logging
import smtplib
import time
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.tokens import unsubscribe_headers, unsubscribe_url

from .models import Kasus, OutboxEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# Temporary failures wait 1, 2, 4 … minutes, at most an hour, between tries (ten tries span about 8.5 hours).
BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 3600
# Longer than any SMTP conversation can last (EMAIL_TIMEOUT per step): a live sender never loses its lease.
LEASE_SECONDS = 300
# After a failed publish, skip the broker for this long: a request that notifies
# several people waits for one connect timeout, not one per email.
BROKER_PAUSE_SECONDS = 30.0
_broker = {"down_until": 0.0}


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str

    def as_json(self) -> dict:
        return {
            "filename": self.filename,
            "content": base64.b64encode(self.content).decode("ascii"),
            "mimetype": self.mimetype,
        }


def outbox_enqueue(
    *,
    to: str,
    template: str,
    context: dict,
    language: str = "id",
    kasus: Kasus | None = None,
    attachments: list[Attachment] | None = None,
    headers: dict[str, str] | None = None,
    hold: bool = False,
) -> OutboxEmail | None:
    """Render `email/<template>{_subject.txt,.txt,.html}` in the recipient's language and store it.

    Must be called inside the transaction that makes the change; the send is
    queued only when that transaction commits. A case update sent to a follower (`is_follower` in the
    context, as notify_followers sets it) carries a one-click unsubscribe from that case. A `hold` email waits
    for the recipient's daily digest and is never sent on its own.
    """
    if not to:
        return None
    headers = dict(headers or {})
    if kasus is not None and context.get("is_follower"):
        url = unsubscribe_url("k", kasus.pk, to)
        headers.update(unsubscribe_headers(url))
        context = {**context, "unsubscribe_url": url}
    ctx = {"site_url": settings.SITE_URL, "portal_name": settings.PORTAL_NAME, "sla": settings.PORTAL_SLA, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"email/{template}_subject.txt", ctx).split())
        body_text = render_to_string(f"email/{template}.txt", ctx)
        body_html: str
        try:
            body_html = render_to_string(f"email/{template}.html", ctx)
        except TemplateDoesNotExist:
            body_html = ""
    row = OutboxEmail.objects.create(
        to=to,
        subject=subject[:250],
        body_text=body_text,
        body_html=body_html,
        template=template,
        kasus=kasus,
        attachments=[a.as_json() for a in attachments or []],
        headers=headers,
        state=OutboxEmail.State.DIGEST if hold else OutboxEmail.State.PENDING,
    )
    if not hold:
        transaction.on_commit(lambda: outbox_dispatch(row.pk))
    return row


def outbox_dispatch(outbox_id: int, *, force: bool = False) -> bool:
    """Queue the send. A broker that is down leaves the row pending for the retry task.

    Returns whether the task was queued. `force` tries the broker even within
    the pause that follows a failure (the retry task does).
    """
    from .tasks import outbox_send

    eager = outbox_send.app.conf.task_always_eager
    if not (force or eager) and time.monotonic() < _broker["down_until"]:
        return False
    try:
        outbox_send.delay(outbox_id)
    except Exception:  # noqa: BLE001 - any broker failure must not break the request
        _broker["down_until"] = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("broker unavailable; outbox email %s waits for the retry task", outbox_id, exc_info=True)
        return False
    _broker["down_until"] = 0.0
    return True


def _claim(outbox_id: int) -> OutboxEmail | None:
    """Take the lease on a pending email that is due, or None when it is sent, failed, leased or waiting.

    One conditional UPDATE: of two workers claiming at once, the second finds the lease taken.
    """
    now = timezone.now()
    claimed = (
        OutboxEmail.objects.filter(pk=outbox_id, state=OutboxEmail.State.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + dt.timedelta(seconds=LEASE_SECONDS), attempts=F("attempts") + 1)
    )
    return OutboxEmail.objects.get(pk=outbox_id) if claimed else None


def _message(row: OutboxEmail) -> EmailMultiAlternatives:
    # A Message-ID of the row's own: were the mail server to accept a message whose acknowledgement a killed
    # worker never recorded, the copy sent again is recognisable as the same message.
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to],
        headers={
            **(row.headers or {}),
            "Message-ID": f"<outbox-{row.pk}-{int(row.created_at.timestamp())}@{domain}>",
        },
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for att in row.attachments:
        message.attach(att["filename"], base64.b64decode(att["content"]), att["mimetype"])
    return message


def permanent_refusal(exc: Exception) -> bool:
    """A 5xx answer about this recipient or this message: trying again would be refused again."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def backoff_seconds(attempts: int) -> int:
    return min(BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), BACKOFF_MAX_SECONDS)


def outbox_deliver(*, outbox_id: int) -> bool:
    """Send one pending email that is due. Returns True when it was sent by this call.

    The row is claimed with a lease before the mail server is contacted and marked sent right after it
    accepts; the SMTP conversation holds no database transaction open.
    """
    row = _claim(outbox_id)
    if row is None:
        return False
    try:
        _message(row).send()
    except Exception as exc:  # noqa: BLE001 - record any transport failure and retry later
        now = timezone.now()
        row.last_error = str(exc)[:1000]
        row.lease_until = None
        if permanent_refusal(exc):
            row.state = OutboxEmail.State.FAILED
            row.failed_reason = str(exc)[:300]
        elif row.attempts >= MAX_ATTEMPTS:
            row.state = OutboxEmail.State.FAILED
            row.failed_reason = _("Gagal %(count)d kali; server email tidak dapat dihubungi.") % {"count": row.attempts}
        else:
            row.next_attempt_at = now + dt.timedelta(seconds=backoff_seconds(row.attempts))
        row.save(update_fields=["last_error", "lease_until", "state", "failed_reason", "next_attempt_at"])
        logger.warning("outbox email %s not sent (attempt %s): %s", row.pk, row.attempts, type(exc).__name__)
        return False
    OutboxEmail.objects.filter(pk=row.pk).update(
        state=OutboxEmail.State.SENT, sent_at=timezone.now(), lease_until=None, next_attempt_at=None
    )
    return True


def outbox_requeue(*, outbox_ids: list[int]) -> int:
    """Give failed emails another round of attempts (after the mail server was fixed)."""
    with transaction.atomic():
        ids = list(
            OutboxEmail.objects.select_for_update()
            .filter(pk__in=outbox_ids, state=OutboxEmail.State.FAILED)
            .values_list("pk", flat=True)
        )
        OutboxEmail.objects.filter(pk__in=ids).update(
            state=OutboxEmail.State.PENDING, attempts=0, next_attempt_at=None, failed_reason=""
        )
        for outbox_id in ids:
            transaction.on_commit(partial(outbox_dispatch, outbox_id))
    return len(ids)


def outbox_pending_ids(*, older_than_seconds: int = 30, limit: int = 500) -> list[int]:
    """Pending emails due for a try: not waiting out a backoff, not held by a live lease."""
    now = timezone.now()
    cutoff = now - dt.timedelta(seconds=older_than_seconds)
    return list(
        OutboxEmail.objects.filter(state=OutboxEmail.State.PENDING, created_at__lte=cutoff)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
