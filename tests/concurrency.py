"""Calls released at the same moment on real PostgreSQL connections, one thread each."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None


def at_once(*calls: Callable[[], Any]) -> list[Outcome]:
    """Run each call in a thread of its own, all released together by a barrier; the outcomes in call order.

    Each thread closes its own database connection, so the test database can be dropped afterwards.
    """
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def work(call: Callable[[], Any], outcome: Outcome) -> None:
        try:
            barrier.wait(timeout=30)
            outcome.value = call()
        except BaseException as exc:  # noqa: BLE001 - the test asserts on every outcome
            outcome.error = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=pair) for pair in zip(calls, outcomes, strict=True)]
    for thread in threads:
        thread.start()
    for thread, outcome in zip(threads, outcomes, strict=True):
        thread.join(timeout=60)
        if thread.is_alive():
            outcome.error = TimeoutError("still running after 60 s")
    return outcomes


def errors(outcomes: list[Outcome]) -> list[BaseException]:
    return [o.error for o in outcomes if o.error is not None]
