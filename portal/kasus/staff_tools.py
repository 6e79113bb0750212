"""Staff shortcuts composed of the case services: fewer clicks per case, the same timeline entries.

Kept apart from services.py (being split into a package) so the two can merge without conflict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from portal.akun import roles as r

from . import selectors, services
from .filters import KasusFilter
from .models import FilterTersimpan, Kasus, Riwayat, Status, late_q

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


@transaction.atomic
def kasus_assign(*, kasus_id: int, actor: User | None, officer: User | None) -> Kasus:
    """Give the case to one officer (or to nobody), with an internal timeline entry."""
    kasus = Kasus.objects.select_for_update().get(pk=kasus_id)
    if kasus.assigned_to_id == (officer.pk if officer else None):
        return kasus
    if officer is not None and not r.has_role(officer, r.PETUGAS, r.OPD):
        raise services.KasusError(_("Kasus hanya dapat ditugaskan kepada petugas atau staf OPD."))
    if officer is not None and selectors.is_opd_only(officer) and officer.opd_id != kasus.opd_id:
        raise services.KasusError(_("Staf OPD hanya dapat ditugaskan kasus yang didisposisikan ke OPD-nya."))
    kasus.assigned_to = officer
    kasus.save(update_fields=["assigned_to", "updated_at"])
    name = (officer.full_name or officer.email) if officer else ""
    services.kasus_log(
        kasus=kasus,
        kind="kasus.assigned",
        visibility=Riwayat.Visibility.INTERNAL,
        params={"officer": name},
        data={"officer": officer.pk if officer else None},
        actor=actor,
    )
    return kasus


# Queue columns a officer may sort by (?urut=<key> or ?urut=-<key>); without one the queue is overdue first.
SORTS = {"nomor": "reference", "judul": "title", "status": "status", "batas": "due_at"}
# "Next" in a sorted queue walks a list of ids; a longer queue is narrowed with filters first.
SORTED_NEXT_LIMIT = 2000


def sort_key(params: QueryDict) -> str:
    """The valid ?urut= of the query string, or "" for the default order."""
    value = params.get("urut", "")
    return value if value.lstrip("-") in SORTS else ""


def sorted_queue(queryset: QuerySet[Kasus], key: str) -> QuerySet[Kasus]:
    field = SORTS[key.lstrip("-")]
    descending = key.startswith("-")
    return queryset.order_by(f"-{field}" if descending else field, "-pk" if descending else "pk")


def _queue(user: User, params: QueryDict) -> QuerySet[Kasus]:
    filterset = KasusFilter(
        params or None, queryset=selectors.staff_cases(user), hide_opd=selectors.is_opd_only(user), user=user
    )
    return filterset.qs if filterset.is_valid() else selectors.staff_cases(user)


def next_in_queue(user: User, kasus: Kasus, params: QueryDict) -> Kasus | None:
    """The case after this one in the queue as filtered by params, in the queue's order (overdue first, newest first).

    Read before the action changes the case, so "next" means the row below it on the page the officer came from.
    """
    key = sort_key(params)
    if key:
        ids = list(sorted_queue(_queue(user, params), key).values_list("pk", flat=True)[:SORTED_NEXT_LIMIT])
        after = ids[ids.index(kasus.pk) + 1 :] if kasus.pk in ids else ids
        return Kasus.objects.filter(pk=after[0]).first() if after else None
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


# Bulk actions from the queue: each case goes through its own service call (and timeline entry), one at a time,
# so a refusal on one case leaves the others done. The cap keeps one request short.
BULK_LIMIT = 100
BULK_VERIFY, BULK_DISPOSE, BULK_ASSIGN = "verifikasi", "disposisi", "tugaskan"


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def bulk_apply(
    *, user: User, kasus_ids: list[int], action: str, opd: Opd | None = None, officer: User | None = None
) -> BulkResult:
    """Apply one staff action to each chosen case the user may open; report which succeeded and why others did not.

    "disposisi" verifies a still-new case first (the one-step verify and dispose), so a page of new cases is
    routed with one submit.
    """
    result = BulkResult()
    cases = selectors.staff_cases(user).filter(pk__in=kasus_ids[:BULK_LIMIT]).order_by("pk")
    for kasus in cases:
        try:
            if action == BULK_VERIFY:
                services.kasus_verify(kasus_id=kasus.pk, actor=user)
            elif action == BULK_DISPOSE and opd is not None:
                if kasus.status == Status.BARU:
                    kasus_verify_and_dispose(kasus_id=kasus.pk, actor=user, opd=opd)
                else:
                    services.kasus_dispose(kasus_id=kasus.pk, actor=user, opd=opd)
            elif action == BULK_ASSIGN:
                kasus_assign(kasus_id=kasus.pk, actor=user, officer=officer)
            else:
                raise ValueError(action)
        except services.KasusError as exc:
            result.refused.append((kasus.reference, str(exc)))
        else:
            result.done.append(kasus.reference)
    return result


# A short list stays useful on the queue page, and bounds what one account can store.
SAVED_FILTER_LIMIT = 20


def _clean_query(query: str) -> str:
    """The filter part of a queue query string: no page number, and only what fits the field."""
    params = QueryDict(query, mutable=True)
    params.pop("page", None)
    return params.urlencode()[:1000]


@transaction.atomic
def filter_save(*, user: User, name: str, query: str) -> FilterTersimpan:
    """Save (or overwrite, by name) the user's current queue filter."""
    name = name.strip()[:80]
    # The user's row is the lock: two saves at once cannot both pass the limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    existing = FilterTersimpan.objects.filter(user=user)
    if not existing.filter(name=name).exists() and existing.count() >= SAVED_FILTER_LIMIT:
        raise services.KasusError(_("Anda sudah menyimpan %(n)d filter. Hapus satu dulu.") % {"n": SAVED_FILTER_LIMIT})
    saved, _created = FilterTersimpan.objects.update_or_create(
        user=user, name=name, defaults={"query": _clean_query(query)}
    )
    return saved


def saved_filters(user: User) -> QuerySet[FilterTersimpan]:
    return FilterTersimpan.objects.filter(user=user)


def filter_delete(*, user: User, pk: int) -> bool:
    """Delete one of the user's saved filters; False when it was not theirs or already gone."""
    deleted, _rows = FilterTersimpan.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)
