from celery import shared_task

from . import services
from .outbox import outbox_deliver, outbox_dispatch, outbox_pending_ids


@shared_task(ignore_result=True)
def outbox_send(outbox_id: int) -> bool:
    return outbox_deliver(outbox_id=outbox_id)


@shared_task(ignore_result=True)
def outbox_retry_pending(older_than_seconds: int = 30) -> int:
    """Queue the emails whose first dispatch failed; stop at the first failure (the broker is still down)."""
    queued = 0
    for outbox_id in outbox_pending_ids(older_than_seconds=older_than_seconds):
        if not outbox_dispatch(outbox_id, force=True):
            break
        queued += 1
    return queued


@shared_task(ignore_result=True)
def beat_heartbeat() -> None:
    """Run by beat every minute: /readyz reports beat as stopped when the last run is too old."""
    from portal.health import record_beat_heartbeat

    record_beat_heartbeat()


@shared_task(ignore_result=True)
def kasus_sla_sweep() -> dict:
    """Escalate overdue cases and close answered ones whose dispute window passed. Idempotent."""
    return {
        "escalated": services.kasus_escalate_overdue(),
        "closed": services.kasus_autoclose_answered(),
    }


@shared_task(ignore_result=True)
def kasus_retention_pseudonymise() -> int:
    """Pseudonymise reporters of cases closed longer than the consent text's retention period. Idempotent."""
    return services.kasus_retention_sweep()


@shared_task(ignore_result=True)
def staff_digest() -> int:
    """Run by beat once a day: one email per staff address with the routine notices held for it."""
    from .digest import staff_digest_send

    return staff_digest_send()
