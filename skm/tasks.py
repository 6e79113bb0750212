from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def skm_send_invitations() -> int:
    """Invite residents whose case closed, whose audiensi took place or who attended a sarasehan. Idempotent."""
    return services.skm_send_invitations()
