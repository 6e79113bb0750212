from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def audiensi_expire_pending() -> int:
    """Release slots of requests not decided in time. Idempotent; run every few minutes."""
    return services.audiensi_expire_pending(actor=None)


@shared_task(ignore_result=True)
def audiensi_send_reminders() -> int:
    """Remind residents of tomorrow's confirmed audiensi, once each. Idempotent; run hourly."""
    return services.audiensi_send_reminders(actor=None)
