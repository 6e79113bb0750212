"""The notification outbox: emails are rendered and stored with the change, sent after commit.

If the broker is down when the transaction commits, the row stays pending and
the periodic task `outbox_retry_pending` sends it later.
"""

import base64
import datetime as dt
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.ikuti.tokens import unsubscribe_headers, unsubscribe_url

from .models import Kasus, OutboxEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
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
) -> OutboxEmail | None:
    """Render `email/<template>{_subject.txt,.txt,.html}` in the recipient's language and store it.

    Must be called inside the transaction that makes the change; the send is
    queued only when that transaction commits. A case update sent to a follower (`is_follower` in the
    context, as notify_followers sets it) carries a one-click unsubscribe from that case.
    """
    if not to:
        return None
    headers = dict(headers or {})
    if kasus is not None and context.get("is_follower"):
        headers.update(unsubscribe_headers("k", kasus.pk, to))
        context = {**context, "unsubscribe_url": unsubscribe_url("k", kasus.pk, to)}
    ctx = {"site_url": settings.SITE_URL, "portal_name": settings.PORTAL_NAME, "sla": settings.PORTAL_SLA, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"email/{template}_subject.txt", ctx).split())
        body_text = render_to_string(f"email/{template}.txt", ctx)
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
    )
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


def outbox_deliver(*, outbox_id: int) -> bool:
    """Send one pending email. Returns True when it was sent by this call."""
    with transaction.atomic():
        row = OutboxEmail.objects.select_for_update().filter(pk=outbox_id, state=OutboxEmail.State.PENDING).first()
        if row is None:
            return False
        message = EmailMultiAlternatives(
            subject=row.subject,
            body=row.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[row.to],
            headers=row.headers or None,
        )
        if row.body_html:
            message.attach_alternative(row.body_html, "text/html")
        for att in row.attachments:
            message.attach(att["filename"], base64.b64decode(att["content"]), att["mimetype"])
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - record any transport failure and retry later
            row.attempts += 1
            row.last_error = str(exc)[:1000]
            if row.attempts >= MAX_ATTEMPTS:
                row.state = OutboxEmail.State.FAILED
            row.save(update_fields=["attempts", "last_error", "state"])
            return False
        row.state = OutboxEmail.State.SENT
        row.attempts += 1
        row.sent_at = timezone.now()
        row.save(update_fields=["state", "attempts", "sent_at"])
        return True


def outbox_requeue(*, outbox_ids: list[int]) -> int:
    """Give failed emails another round of attempts (after the mail server was fixed)."""
    with transaction.atomic():
        ids = list(
            OutboxEmail.objects.select_for_update()
            .filter(pk__in=outbox_ids, state=OutboxEmail.State.FAILED)
            .values_list("pk", flat=True)
        )
        OutboxEmail.objects.filter(pk__in=ids).update(state=OutboxEmail.State.PENDING, attempts=0)
        for outbox_id in ids:
            transaction.on_commit(lambda outbox_id=outbox_id: outbox_dispatch(outbox_id))
    return len(ids)


def outbox_pending_ids(*, older_than_seconds: int = 30, limit: int = 500) -> list[int]:
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    return list(
        OutboxEmail.objects.filter(state=OutboxEmail.State.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
