from django.conf import settings

from portal.celery import app


def test_it_schedules_only_tasks_that_exist():
    app.loader.import_default_modules()
    missing = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] not in app.tasks]
    assert missing == []
