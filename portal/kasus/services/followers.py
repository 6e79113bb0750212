"""Pengikut: who follows a case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import (
    Kasus,
    Pengikut,
)

if TYPE_CHECKING:
    from portal.akun.models import User

from ._base import _user_or_none


def _pengikut_get_or_create(
    *,
    kasus: Kasus,
    user: User | None,
    email: str,
    language: str,
    reason: str,
    reported_kasus: Kasus | None,
) -> tuple[Pengikut | None, bool]:
    email = "" if user is not None else (email or "").strip().lower()
    if user is None and not email:
        return None, False
    rows = Pengikut.objects.filter(kasus=kasus)
    existing = (rows.filter(user=user) if user is not None else rows.filter(user__isnull=True, email=email)).first()
    if existing is not None:
        return existing, False
    row = Pengikut.objects.create(
        kasus=kasus, user=user, email=email, language=language, reason=reason, reported_kasus=reported_kasus
    )
    return row, True


def pengikut_add(
    *,
    kasus: Kasus,
    user: User | None = None,
    email: str = "",
    language: str = "id",
    reason: str = Pengikut.Reason.FOLLOW,
    reported_kasus: Kasus | None = None,
) -> Pengikut | None:
    """Let a user (or a guest's email) follow a case; an address already following it keeps its row.

    Runs inside the caller's transaction, which holds the case's lock. None when there is no one to add.
    """
    row, _created = _pengikut_get_or_create(
        kasus=kasus,
        user=_user_or_none(user),
        email=email,
        language=language,
        reason=reason,
        reported_kasus=reported_kasus,
    )
    return row
