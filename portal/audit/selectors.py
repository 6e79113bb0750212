"""Reads of the audit log for the staff page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Q, QuerySet

from portal.akun.models import User
from portal.akun.roles import STAFF_ROLES

from .labels import action_label
from .models import AuditEntry


def entries() -> QuerySet[AuditEntry]:
    """Every entry, newest first, with its actor in the same query."""
    return AuditEntry.objects.select_related("actor").order_by("-created_at", "-id")


def actors() -> QuerySet[User]:
    """Whom the page can filter by: staff and superusers (only they act on audited objects)."""
    staff = Q(groups__name__in=STAFF_ROLES) | Q(is_superuser=True)
    return User.objects.filter(staff).distinct().order_by("email")


def object_type_label(object_type: str) -> str:
    """The model's readable name ("OPD"), or the stored label when the model is gone."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def object_type_choices() -> list[tuple[str, str]]:
    """The object types of models that may appear in the log, by readable name."""
    labels = {model._meta.label_lower: str(model._meta.verbose_name) for model in apps.get_models()}
    return sorted(labels.items(), key=lambda item: item[1].lower())


@dataclass(frozen=True)
class EntryRow:
    """One entry as the page shows it."""

    entry: AuditEntry
    actor: str
    action: str
    object_type: str
    changes: list[tuple[str, Any, Any]]


def _changes(changes: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Field -> (old, new) pairs, and any other shape as it was stored."""
    rows = []
    for field, value in changes.items():
        if isinstance(value, list | tuple) and len(value) == 2:
            rows.append((field, value[0], value[1]))
        else:
            rows.append((field, None, value))
    return rows


def entry_rows(page: list[AuditEntry], *, system_label: str) -> list[EntryRow]:
    return [
        EntryRow(
            entry=entry,
            actor=str(entry.actor) if entry.actor is not None else system_label,
            action=action_label(entry.action),
            object_type=object_type_label(entry.object_type) if entry.object_type else "",
            changes=_changes(entry.changes),
        )
        for entry in page
    ]
