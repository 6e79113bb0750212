"""Reference data (Wilayah, Opd, Kategori, Pejabat, HariLibur, and staff accounts edited in the admin).

One generic pair of services for every reference model: they carry no domain rule of their own, only the
audit trail, so one place serves them all (HariLibur included, although its model lives in portal.kasus).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from portal.audit.labels import REFERENCE_CHANGED, REFERENCE_CREATED, REFERENCE_DELETED
from portal.audit.services import audit_record

if TYPE_CHECKING:
    from portal.akun.models import User

# Never copied into the audit log, only named as changed.
SECRET_FIELDS = frozenset({"password"})


def _value(obj: models.Model, name: str) -> Any:
    """A JSON-ready, readable value of one field: the related object's name for a relation."""
    field = obj._meta.get_field(name)
    if name in SECRET_FIELDS:
        return "***"
    if field.many_to_many:
        return sorted(str(related) for related in getattr(obj, name).all())
    value = getattr(obj, name)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _model_fields(obj: models.Model, names: Iterable[str]) -> list[str]:
    """The changed form fields that are fields of the model (a user's password1/password2 are not)."""
    own = {field.name for field in obj._meta.get_fields() if field.concrete}
    return [name for name in names if name in own]


@transaction.atomic
def reference_save(
    *,
    actor: User,
    obj: models.Model,
    changed_fields: Iterable[str],
    save_m2m: Callable[[], None] | None = None,
) -> models.Model:
    """Save a new or edited reference object and record who changed which fields (old -> new)."""
    fields = _model_fields(obj, changed_fields)
    model = type(obj)
    old = model._default_manager.select_for_update().filter(pk=obj.pk).first() if obj.pk else None
    before = {name: _value(old, name) for name in fields} if old is not None else {}
    obj.save()
    if save_m2m is not None:
        save_m2m()
    changes = {name: [before.get(name), _value(obj, name)] for name in fields}
    changes = {name: pair for name, pair in changes.items() if pair[0] != pair[1] or name in SECRET_FIELDS}
    action = REFERENCE_CHANGED if old is not None else REFERENCE_CREATED
    audit_record(actor=actor, action=action, obj=obj, changes=changes)
    return obj


@transaction.atomic
def reference_delete(*, actor: User, obj: models.Model) -> None:
    """Delete a reference object, recording it first: the entry keeps its id and name."""
    audit_record(actor=actor, action=REFERENCE_DELETED, obj=obj)
    obj.delete()
