"""How every transition table in the portal is read: kasus, audiensi, sarasehan and its registrations.

A table maps each action to the statuses it may start from and the status it leads to (None: the status stays,
or for kasus, returns to where it paused). Each app keeps its own table and its own refusal text.
"""

from collections.abc import Mapping
from typing import Any

TransitionTable = Mapping[str, tuple[frozenset[str], str | None]]


def allowed_in(table: TransitionTable, status: str) -> set[str]:
    """The actions a row in `status` may take."""
    return {action for action, (sources, _to) in table.items() if status in sources}


def allows(table: TransitionTable, action: str, status: str) -> bool:
    return status in table[action][0]


def moved_fields(target: str | None, changes: Mapping[str, Any] | None) -> dict[str, Any]:
    """The fields a transition writes: the new status when the action moves it, then the action's own changes."""
    return {**({"status": target} if target is not None else {}), **(changes or {})}
