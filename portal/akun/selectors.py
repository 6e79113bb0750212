"""Reads about accounts that several apps ask."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress

if TYPE_CHECKING:
    from portal.akun.models import User


def email_verified(user: User, email: str | None = None) -> bool:
    """Whether `email` (the account's own address when not given) is verified on the account."""
    verified: bool = EmailAddress.objects.filter(
        user=user, email__iexact=user.email if email is None else email, verified=True
    ).exists()
    return verified
