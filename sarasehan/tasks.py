from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def sarasehan_reminders() -> int:
    """Send the day-before reminder of every sarasehan due. Idempotent: each is sent once."""
    sent = 0
    for sarasehan_id in services.reminders_due():
        sent += services.sarasehan_send_reminder(sarasehan_id=sarasehan_id, actor=None)
    return sent


@shared_task(ignore_result=True)
def sarasehan_release_holds() -> int:
    """Give back the seats of unconfirmed guests whose hold lapsed. Idempotent."""
    return sum(services.pendaftaran_release_holds(sarasehan_id=pk) for pk in services.holds_due())
