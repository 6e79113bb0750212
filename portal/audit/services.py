"""The one way an audit entry is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import models

from .models import AuditEntry

if TYPE_CHECKING:
    from portal.akun.models import User


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append who did `action` (namespaced, like "sarasehan.published") to which object.

    `actor` is None only for the portal's own periodic work. Call it inside the service's transaction,
    so the entry exists exactly when the change does.
    """
    if "." not in action:
        raise ValueError("audit action must be namespaced, like 'sarasehan.published'")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=changes or {},
    )


def audit_record_many(
    *,
    actor: User | None,
    action: str,
    objs: Sequence[models.Model],
    changes: Callable[[Any], dict[str, Any]],
) -> list[AuditEntry]:
    """audit_record for several objects in one insert (a list page showing many of them at once)."""
    if "." not in action:
        raise ValueError("audit action must be namespaced, like 'sarasehan.published'")
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=user,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            changes=changes(obj),
        )
        for obj in objs
    )
