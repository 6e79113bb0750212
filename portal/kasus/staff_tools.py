"""Staff shortcuts composed of the case services: fewer clicks per case, the same timeline entries.

Kept apart from services.py (being split into a package) so the two can merge without conflict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict

from . import selectors, services
from .filters import KasusFilter
from .models import Kasus, late_q

if TYPE_CHECKING:
    from portal.akun.models import User
    from portal.wilayah.models import Kategori, Opd


@transaction.atomic
def kasus_verify_and_dispose(
    *,
    kasus_id: int,
    actor: User | None,
    opd: Opd,
    kategori: Kategori | None = None,
    priority: str | None = None,
    note: str = "",
) -> Kasus:
    """Verify a new case and route it to an OPD in one step: two transitions, two timeline entries, or neither."""
    services.kasus_verify(kasus_id=kasus_id, actor=actor, kategori=kategori, priority=priority)
    return services.kasus_dispose(kasus_id=kasus_id, actor=actor, opd=opd, note=note)


def _queue(user: User, params: QueryDict) -> QuerySet[Kasus]:
    filterset = KasusFilter(params or None, queryset=selectors.staff_cases(user), hide_opd=selectors.is_opd_only(user))
    return filterset.qs if filterset.is_valid() else selectors.staff_cases(user)


def next_in_queue(user: User, kasus: Kasus, params: QueryDict) -> Kasus | None:
    """The case after this one in the queue as filtered by params, in the queue's order (overdue first, newest first).

    Read before the action changes the case, so "next" means the row below it on the page the officer came from.
    """
    queue = _queue(user, params).exclude(pk=kasus.pk)
    late = late_q()
    overdue = queue.filter(late).order_by("-created_at", "-pk")
    rest = queue.exclude(late).order_by("-created_at", "-pk")
    older = Q(created_at__lt=kasus.created_at) | Q(created_at=kasus.created_at, pk__lt=kasus.pk)
    if not _queue(user, params).filter(pk=kasus.pk).exists():
        return overdue.first() or rest.first()
    if Kasus.objects.filter(late_q(), pk=kasus.pk).exists():
        return overdue.filter(older).first() or rest.first()
    return rest.filter(older).first()
