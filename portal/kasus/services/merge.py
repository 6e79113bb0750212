"""Merging a duplicate case into another."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import (
    Kasus,
    Pengikut,
)

if TYPE_CHECKING:
    from portal.akun.models import User

from ._base import KasusError, Visibility, _check, kasus_log
from .followers import _pengikut_get_or_create
from .transitions import _transition

# Followers are copied, not moved: the merged case keeps its own list (see _copy_followers).
# Codes are bound to the case they were sent for (their hash includes its id): they stay behind.
NOT_MOVED_ON_MERGE = frozenset(
    {"kasus.riwayat", "kasus.outboxemail", "kasus.kasus", "kasus.pengikut", "kasus.kodeakses"}
)


def _child_relations() -> list[Any]:
    """Relations to Kasus whose rows move to the surviving case on merge (aspirasi, audiensi, ...)."""
    return [
        rel
        for rel in Kasus._meta.related_objects
        if rel.one_to_many
        and not isinstance(rel.related_model, str)
        and rel.related_model._meta.label_lower not in NOT_MOVED_ON_MERGE
    ]


def _move_children(source: Kasus, target: Kasus) -> dict[str, int]:
    moved = {}
    for rel in _child_relations():
        rows = rel.related_model._base_manager.filter(**{rel.field.name: source})
        count = rows.update(**{rel.field.name: target})
        if count:
            moved[rel.related_model._meta.label_lower] = count
    # Cases merged into the source earlier now point straight at the survivor.
    Kasus.objects.filter(merged_into=source).update(merged_into=target)
    return moved


def _copy_followers(source: Kasus, target: Kasus) -> int:
    """The merged case's followers follow the survivor; its reporters there as merged reporters."""
    added = 0
    for row in source.pengikut.all():
        reason = Pengikut.Reason.FOLLOW if row.reason == Pengikut.Reason.FOLLOW else Pengikut.Reason.MERGED_REPORTER
        _row, created = _pengikut_get_or_create(
            kasus=target,
            user=row.user,
            email=row.email,
            language=row.language,
            reason=reason,
            reported_kasus=row.reported_kasus,
        )
        added += created
    return added


@transaction.atomic
def kasus_merge(*, kasus_id: int, into_id: int, actor: User | None, reason: str = "") -> Kasus:
    """Merge a case into another: its children move, both timelines record it. Returns the survivor."""
    if kasus_id == into_id:
        raise KasusError(_("Kasus tidak dapat digabung dengan dirinya sendiri."))
    # Lock both in id order so two opposite merges cannot deadlock.
    locked = {k.pk: k for k in Kasus.objects.select_for_update().filter(pk__in=[kasus_id, into_id]).order_by("pk")}
    if len(locked) < 2:
        raise Kasus.DoesNotExist(f"kasus {kasus_id} or {into_id} does not exist")
    source, target = locked[kasus_id], locked[into_id]
    _check(source, "merge")
    if not target.is_open:
        raise KasusError(_("Kasus tujuan %(ref)s sudah tidak aktif.") % {"ref": target.reference})
    reason = reason.strip()
    moved = _move_children(source, target)
    followers_added = _copy_followers(source, target)
    # The survivor now holds the source's files, audiensi and points: it keeps the stricter privacy of the two.
    stricter = [
        name for name in ("is_anonymous", "is_confidential") if getattr(source, name) and not getattr(target, name)
    ]
    if stricter:
        for name in stricter:
            setattr(target, name, True)
        target.save(update_fields=[*stricter, "updated_at"])
    _transition(
        source,
        "merge",
        actor=actor,
        kind="kasus.merged",
        params={"ref": target.reference},
        data={"into": target.pk, "into_reference": target.reference, "reason": reason, "moved": moved},
        extra_fields={"merged_into": target},
        notify_context={"target": target},
    )
    kasus_log(
        kasus=target,
        kind="kasus.merge_received",
        visibility=Visibility.PUBLIK,
        params={"ref": source.reference},
        actor=actor,
        data={
            "from": source.pk,
            "from_reference": source.reference,
            "reason": reason,
            "moved": moved,
            "followers_added": followers_added,
            "privacy_raised": stricter,
        },
    )
    return target
