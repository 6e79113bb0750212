"""Feature apps add sections to the case pages without portal.kasus importing them.

An app registers a panel in its AppConfig.ready(); the staff case page, the
public tracking page and the resident's case page include every panel
registered for them, with the case and the request in the context.
A staff panel that offers its own form for a generic case action (say, an
answer with attachments) returns `replaces_actions={"jawab"}` in its context and
the page leaves out the generic form. A panel whose context names an `actions_template` has that template
rendered (with the panel's context) in the page's actions area, where staff look for what to do next.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from .models import Kasus

Where = Literal["staff", "public"]
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Panel:
    template: str
    where: Where
    # Returns extra context, or None to hide the panel for this case and viewer.
    context: Callable[[Kasus, HttpRequest], dict | None]


_PANELS: list[Panel] = []


def register_panel(*, template: str, where: Where, context: Callable[[Kasus, HttpRequest], dict | None]) -> None:
    panel = Panel(template=template, where=where, context=context)
    if panel not in _PANELS:
        _PANELS.append(panel)


def panels_for(kasus: Kasus, request: HttpRequest, where: Where) -> list[tuple[str, dict]]:
    """(template, context) of each panel that has something to show here."""
    shown = []
    for panel in _PANELS:
        if panel.where != where:
            continue
        ctx = panel.context(kasus, request)
        if ctx is not None:
            shown.append((panel.template, ctx))
    return shown


def panel_rows(rows: QuerySet[M], *related: str) -> list[M]:
    """A panel's rows with `related` joined, asking first whether there are any.

    Most cases have none for most panels, and compiling the joined query for nothing cost about twice the
    question, on every case page (benchmarks/README.md).
    """
    if not rows.exists():
        return []
    return list(rows.select_related(*related))
