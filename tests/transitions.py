"""What the status-table tests share. Each test file writes its expected table out as
action -> {status it may start from: status it leads to}; these helpers compare it with the service's table
and split every (action, status) pair into allowed and forbidden."""

from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest

Table = Mapping[str, Mapping[str, str]]


def allowed_and_forbidden(expected: Table, statuses: Iterable[str]) -> tuple[list[tuple[str, str]], ...]:
    """The (action, status) pairs the expected table allows, and all the others."""
    pairs = [(action, status) for action in expected for status in statuses]
    allowed = [(action, status) for action, status in pairs if status in expected[action]]
    forbidden = [(action, status) for action, status in pairs if status not in expected[action]]
    return allowed, forbidden


def sources(transitions: Mapping[str, tuple[Collection[str], Any]]) -> dict[str, set[str]]:
    """action -> the statuses it may start from, as the service's table says."""
    return {action: set(starts) for action, (starts, _target) in transitions.items()}


def stated(expected: Table) -> dict[str, set[str]]:
    """action -> the statuses it may start from, as the test's written-out table says."""
    return {action: set(moves) for action, moves in expected.items()}


@contextmanager
def refused(error: type[Exception], *named: object) -> Iterator[None]:
    """The block raises `error`, and its message names each of `named` (the status, the action)."""
    with pytest.raises(error) as exc:
        yield
    message = str(exc.value)
    for word in named:
        assert str(word) in message
