"""Cases sent as a guest join the account that proves the same address."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.db import transaction

from portal.akun.selectors import email_verified

from ..models import (
    Kasus,
    Pengikut,
)

if TYPE_CHECKING:
    from portal.akun.models import User

from ._base import Visibility, _lock, kasus_log
from .opening import CONFIRMED_BY_EMAIL


def kasus_link_guest_cases(*, user: User, email: str) -> list[Kasus]:
    """Cases sent as a guest from `email` join the account that has just verified it. Idempotent.

    Only when the address is proven on both sides: verified on the account, and confirmed by the guest
    through the link emailed for the case. A case recorded by staff, or confirmed at a sarasehan door,
    proves nothing about the address and stays a guest's case.
    """
    email = (email or "").strip().lower()
    if not email or not user.is_active or not email_verified(user, email):
        return []
    candidates = list(
        Kasus.objects.filter(
            reporter__isnull=True,
            reporter_email=email,
            riwayat__kind="kasus.confirmed",
            riwayat__data__via=CONFIRMED_BY_EMAIL,
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    return [kasus for kasus in (_link_guest_case(pk, user, email) for pk in candidates) if kasus is not None]


def kasus_link_guest_cases_of_address(*, email: str) -> list[Kasus]:
    """A guest has just proved `email` through the emailed link: if an account verified it, the cases are its."""
    address = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
    if address is None:
        return []
    return kasus_link_guest_cases(user=address.user, email=email)


@transaction.atomic
def _link_guest_case(kasus_id: int, user: User, email: str) -> Kasus | None:
    kasus = _lock(kasus_id)
    if kasus.reporter_id is not None or kasus.reporter_email != email:
        return None  # linked meanwhile
    kasus.reporter = user
    kasus.save(update_fields=["reporter", "updated_at"])
    # The guest followed this case (and the cases it was merged into) by address; now they follow by account.
    for row in Pengikut.objects.select_for_update().filter(user__isnull=True, email=email, reported_kasus=kasus):
        if Pengikut.objects.filter(kasus_id=row.kasus_id, user=user).exists():
            row.delete()
        else:
            row.user, row.email = user, ""
            row.save(update_fields=["user", "email"])
    kasus_log(
        kasus=kasus,
        kind="kasus.linked_account",
        visibility=Visibility.PELAPOR,
        params={},
        actor=user,
        by_reporter=True,
        data={"user": user.pk},
    )
    return kasus
