"""The beat schedule run in-process (`manage.py run_periodic`, what `make run` starts), on a hand-moved clock."""

import datetime as dt
import threading
from io import StringIO

import pytest
from celery.schedules import crontab, schedule
from django.core.management import call_command
from django.utils import timezone

from portal.celery import app as celery_app
from portal.kasus.management.commands import run_periodic
from portal.kasus.periodic import PeriodicRunner
from tests.factories import kasus_at

PROBE = "tests.kasus.periodic_probe"
ran: list[str] = []


@celery_app.task(name=PROBE)
def periodic_probe(label: str) -> str:
    if label == "boom":
        raise RuntimeError("a task failed")
    ran.append(label)
    return label


class Clock:
    def __init__(self, *args):
        self.now = timezone.make_aware(dt.datetime(*args))

    def __call__(self) -> dt.datetime:
        return self.now

    def move(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock():
    ran.clear()
    return Clock(2026, 6, 8, 9, 7)


def probe_schedule(clock: Clock, **extra) -> dict:
    entries = {
        "every-minute": {"task": PROBE, "schedule": schedule(dt.timedelta(seconds=60), nowfun=clock), "args": ["m"]},
        "quarter-hour": {"task": PROBE, "schedule": crontab(minute="*/15", nowfun=clock), "args": ["q"]},
    }
    return {**entries, **extra}


def test_it_runs_each_entry_when_it_is_due_and_says_how_long_to_wait(clock):
    runner = PeriodicRunner(probe_schedule(clock))
    assert runner.run_pending() == pytest.approx(60, abs=1) and ran == []
    clock.move(seconds=30)
    assert runner.run_pending() == pytest.approx(30, abs=1) and ran == []
    clock.move(seconds=31)
    runner.run_pending()
    assert ran == ["m"]
    clock.move(minutes=7)  # 09:15:01: the quarter-hour entry is due, and the minute one again
    runner.run_pending()
    assert sorted(ran) == ["m", "m", "q"]
    clock.move(seconds=20)
    runner.run_pending()
    assert sorted(ran) == ["m", "m", "q"]


def test_it_runs_every_entry_once_at_start_without_moving_the_schedule(clock):
    runner = PeriodicRunner(probe_schedule(clock))
    runner.run_all()
    assert sorted(ran) == ["m", "q"]
    clock.move(seconds=61)
    runner.run_pending()
    assert sorted(ran) == ["m", "m", "q"]


def test_a_failing_task_does_not_stop_the_others(clock, capsys):
    every_minute = schedule(dt.timedelta(seconds=60), nowfun=clock)
    runner = PeriodicRunner(probe_schedule(clock, broken={"task": PROBE, "schedule": every_minute, "args": ["boom"]}))
    clock.move(seconds=61)
    runner.run_pending()
    assert ran == ["m"] and "a task failed" in capsys.readouterr().err
    clock.move(seconds=61)
    runner.run_pending()
    assert ran == ["m", "m"]


@pytest.mark.django_db
def test_once_runs_the_production_schedule_and_the_sla_sweep_escalates_a_late_case():
    late = kasus_at("didisposisikan")
    late.__class__.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    out = StringIO()
    call_command("run_periodic", once=True, stdout=out)
    late.refresh_from_db()
    assert late.escalation_level == 1 and late.riwayat.filter(kind="kasus.overdue").count() == 1
    assert "[kasus-sla-sweep] {'escalated': 1, 'closed': 0}" in out.getvalue()
    for name in celery_app.conf.beat_schedule:
        assert f"[{name}] " in out.getvalue()


class FakeRunner:
    """Stands in for the schedule so the test sees which thread runs it and that it stops with the server."""

    instances: list["FakeRunner"] = []

    def __init__(self, **kwargs):
        self.names = ["kasus-sla-sweep"]
        self.started = threading.Event()
        self.thread_name = ""
        self.stopped = False
        FakeRunner.instances.append(self)

    def run(self, stop: threading.Event) -> None:
        self.thread_name = threading.current_thread().name
        self.started.set()
        stop.wait()
        self.stopped = True


def serve_with(monkeypatch, run_main: str | None) -> FakeRunner:
    FakeRunner.instances.clear()
    served = []

    def fake_call_command(name, addrport):
        served.append((name, addrport))
        runner = FakeRunner.instances[0]
        if run_main:
            assert runner.started.wait(5)  # the schedule runs while the server serves
        # Ctrl-C ends runserver here.

    monkeypatch.setattr(run_periodic, "PeriodicRunner", FakeRunner)
    monkeypatch.setattr(run_periodic, "call_command", fake_call_command)
    if run_main is None:
        monkeypatch.delenv("RUN_MAIN", raising=False)
    else:
        monkeypatch.setenv("RUN_MAIN", run_main)
    call_command("run_periodic", runserver="127.0.0.1:8000", stdout=StringIO())
    assert served == [("runserver", "127.0.0.1:8000")]
    return FakeRunner.instances[0]


def test_with_runserver_the_serving_process_runs_the_schedule_on_a_thread_and_stops_it_with_the_server(monkeypatch):
    runner = serve_with(monkeypatch, "true")
    assert runner.thread_name == "periodic" and runner.stopped


def test_the_autoreloaders_watcher_process_runs_no_schedule(monkeypatch):
    runner = serve_with(monkeypatch, None)
    assert not runner.started.is_set()
