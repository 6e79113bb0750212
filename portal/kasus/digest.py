"""Daily digest for staff: routine notices held in the outbox (state "digest") go out as one email per address."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import OutboxEmail
from .outbox import outbox_enqueue

# One digest lists at most this many notices; the rest wait for the next day's.
DIGEST_LIMIT = 200


def staff_digest_send() -> int:
    """Send each address its held notices as one email and mark them sent. Returns the digests queued."""
    addresses = (
        OutboxEmail.objects.filter(state=OutboxEmail.State.DIGEST).values_list("to", flat=True).distinct().order_by()
    )
    return sum(1 for to in list(addresses) if _send_one(to))


@transaction.atomic
def _send_one(to: str) -> bool:
    rows = list(
        OutboxEmail.objects.select_for_update(skip_locked=True)
        .filter(state=OutboxEmail.State.DIGEST, to=to)
        .order_by("created_at", "pk")[:DIGEST_LIMIT]
    )
    if not rows:
        return False
    user = get_user_model().objects.filter(email__iexact=to).only("language").first()
    outbox_enqueue(
        to=to,
        template="staff_digest",
        context={
            "items": rows,
            "preferences_url": settings.SITE_URL.rstrip("/") + reverse("kasus:preferences"),
        },
        language=user.language if user else settings.LANGUAGE_CODE,
    )
    OutboxEmail.objects.filter(pk__in=[row.pk for row in rows]).update(
        state=OutboxEmail.State.SENT, sent_at=timezone.now()
    )
    return True
