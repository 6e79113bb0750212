from celery import shared_task

from .services import digest_send_due


@shared_task(ignore_result=True)
def langganan_digest() -> int:
    """Daily; weekly subscriptions are included on Mondays. Idempotent: each subscription records its last digest."""
    return digest_send_due()
