"""The SP4N-LAPOR! tracking number of a case: one case per number."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import (
    Kasus,
    Status,
    normalize_lapor_tracking_id,
    validate_lapor_tracking_id,
)

if TYPE_CHECKING:
    from portal.akun.models import User

from ._base import KasusError, Visibility, _lock, kasus_log


def _clean_lapor_tracking_id(value: str) -> str:
    value = normalize_lapor_tracking_id(value)
    try:
        validate_lapor_tracking_id(value)
    except ValidationError as exc:
        raise KasusError(exc.messages[0]) from exc
    return value


def _lapor_taken(lapor_tracking_id: str, *, kasus_pk: int | None) -> KasusError | None:
    if not lapor_tracking_id:
        return None
    # pk=None (a case not saved yet) excludes nothing, which is what is meant here.
    holder = Kasus.objects.filter(lapor_tracking_id=lapor_tracking_id).exclude(pk=kasus_pk).first()  # type: ignore[misc]
    if holder is None:
        return None
    return KasusError(
        _("Nomor SP4N-LAPOR! %(id)s sudah tercatat pada kasus %(ref)s.")
        % {"id": lapor_tracking_id, "ref": holder.reference}
    )


@contextmanager
def _lapor_unique(lapor_tracking_id: str, *, kasus_pk: int | None = None) -> Iterator[None]:
    """Refuse a number another case holds: checked first for a clear message, and by the database
    constraint when two people record the same number at the same moment."""
    taken = _lapor_taken(lapor_tracking_id, kasus_pk=kasus_pk)
    if taken is not None:
        raise taken
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        taken = _lapor_taken(lapor_tracking_id, kasus_pk=kasus_pk)
        if taken is None:
            raise
        raise taken from None


@transaction.atomic
def kasus_link_lapor(*, kasus_id: int, actor: User | None, lapor_tracking_id: str) -> Kasus:
    """Attach or change the case's SP4N-LAPOR! tracking number; an empty one removes the link."""
    value = _clean_lapor_tracking_id(lapor_tracking_id)
    kasus = _lock(kasus_id)
    if kasus.status == Status.DIGABUNG:
        raise KasusError(
            _("Kasus %(ref)s sudah digabung; catat nomor SP4N-LAPOR! pada kasus tujuannya.") % {"ref": kasus.reference}
        )
    previous = kasus.lapor_tracking_id
    if value == previous:
        return kasus
    kasus.lapor_tracking_id = value
    with _lapor_unique(value, kasus_pk=kasus.pk):
        kasus.save(update_fields=["lapor_tracking_id", "updated_at"])
    # The reporter sees it: they may follow the same report on lapor.go.id.
    kasus_log(
        kasus=kasus,
        kind="kasus.lapor_linked",
        visibility=Visibility.PELAPOR,
        params={"id": value},
        actor=actor,
        data={"from": previous, "to": value},
    )
    return kasus
