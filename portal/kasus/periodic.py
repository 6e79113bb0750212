"""The production beat schedule, run in this process: what `celery beat` plus a worker do, with no server.

Celery's own `Scheduler` decides when each entry of CELERY_BEAT_SCHEDULE is due, exactly as beat does;
instead of publishing the task to a broker, it runs it here with `Task.apply()`. The embedded default
(`make run`) uses this so the demo sweeps SLAs, expires holds, sends reminders, retries the outbox and
purges, like production does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast

from celery import Celery
from celery.beat import ScheduleEntry, Scheduler
from django.db import close_old_connections, connections

from portal.celery import app as celery_app

Report = Callable[[str, Any], None]


class InProcessScheduler(Scheduler):
    """Celery's in-memory scheduler whose due tasks run in this process instead of going to the broker."""

    def __init__(
        self, app: Celery, *, beat_schedule: dict[str, dict[str, Any]], report: Report | None = None, **kwargs: Any
    ) -> None:
        self.beat_schedule = beat_schedule
        self.report = report
        super().__init__(app, **kwargs)

    def setup_schedule(self) -> None:
        # No `celery.backend_cleanup` entry: the portal stores no task results. On the empty schedule this
        # is what merge_inplace does, whose stub takes entries rather than the settings' dicts.
        self.update_from_dict(self.beat_schedule)

    @property
    def producer(self) -> None:  # type: ignore[override]  # None on purpose: no broker connection is opened
        return None  # nothing is published

    def apply_async(self, entry: ScheduleEntry, producer: Any = None, advance: bool = True, **kwargs: Any) -> Any:
        # Scheduler.reserve returns the advanced entry (celery-types says an event_t).
        entry = cast(ScheduleEntry, self.reserve(entry)) if advance else entry
        assert entry.name is not None and entry.task is not None, "beat schedule entries have a name and a task"
        # throw=True: a failure reaches apply_entry, which logs it and keeps the schedule going.
        result = self.app.tasks[entry.task].apply(entry.args, entry.kwargs, throw=True).result
        if self.report is not None:
            self.report(entry.name, result)
        return None


class PeriodicRunner:
    """Run every entry of a beat schedule when it is due; `run_pending()` never sleeps, `run()` does."""

    def __init__(
        self,
        beat_schedule: dict[str, dict[str, Any]] | None = None,
        *,
        app: Celery = celery_app,
        report: Report | None = None,
        max_interval: float = 60,
    ) -> None:
        app.loader.import_default_modules()  # registers every app's tasks, as a worker does at start
        self.scheduler = InProcessScheduler(
            app,
            beat_schedule=app.conf.beat_schedule if beat_schedule is None else beat_schedule,
            report=report,
            max_interval=max_interval,
        )

    @property
    def names(self) -> list[str]:
        return sorted(self.scheduler.schedule)

    def run_all(self) -> None:
        """Run every entry once now, without moving its schedule (a demo shows the sweep's work at once)."""
        for name in self.names:
            self.scheduler.apply_entry(self.scheduler.schedule[name])

    def run_pending(self) -> float:
        """Run the entries that are due; return the seconds until the next one is."""
        delay = self.scheduler.tick()
        while delay == 0:
            delay = self.scheduler.tick()
        return delay

    def run(self, stop: threading.Event) -> None:
        """Run every entry once, then each when due, until `stop` is set (waiting on it, not sleeping,
        lets Ctrl-C stop the loop between tasks rather than in the middle of one)."""
        try:
            self.run_all()
            while not stop.is_set():
                close_old_connections()  # this thread's connection may have timed out while it waited
                stop.wait(self.run_pending())
        finally:
            connections.close_all()  # this thread's own connections
