from celery import shared_task

from . import services
from .outbox import outbox_deliver, outbox_dispatch, outbox_pending_ids


@shared_task(ignore_result=True)
def outbox_send(outbox_id: int) -> bool:
    return outbox_deliver(outbox_id=outbox_id)


@shared_task(ignore_result=True)
def outbox_retry_pending(older_than_seconds: int = 30) -> int:
    ids = outbox_pending_ids(older_than_seconds=older_than_seconds)
    for outbox_id in ids:
        outbox_dispatch(outbox_id)
    return len(ids)


@shared_task(ignore_result=True)
def kasus_sla_sweep() -> dict:
    """Escalate overdue cases and close answered ones whose dispute window passed. Idempotent."""
    return {
        "escalated": services.kasus_escalate_overdue(),
        "closed": services.kasus_autoclose_answered(),
    }
