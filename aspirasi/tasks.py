from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def aspirasi_purge_unconfirmed() -> int:
    """Delete guest submissions whose 7-day confirmation link expired unused. Idempotent."""
    return services.aspirasi_purge_unconfirmed()
