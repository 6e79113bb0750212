"""Pengikut: who follows a case."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import (
    Kabar,
    Kasus,
    Pengikut,
    PreferensiNotifikasi,
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
    new_case: bool = False,
) -> tuple[Pengikut | None, bool]:
    email = "" if user is not None else (email or "").strip().lower()
    if user is None and not email:
        return None, False
    if not new_case:
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
    new_case: bool = False,
) -> Pengikut | None:
    """Let a user (or a guest's email) follow a case; an address already following it keeps its row.

    Runs inside the caller's transaction, which holds the case's lock. None when there is no one to add.
    `new_case`: the case was created in this transaction, so no one follows it yet and nothing is looked up.
    """
    row, _created = _pengikut_get_or_create(
        kasus=kasus,
        user=_user_or_none(user),
        email=email,
        language=language,
        reason=reason,
        reported_kasus=reported_kasus,
        new_case=new_case,
    )
    return row


def pengikut_set_kabar(*, kasus: Kasus, user: User, kabar: str) -> Pengikut | None:
    """Record which emails this user wants from this case ("" = the account's choice); None if not following."""
    row = Pengikut.objects.filter(kasus=kasus, user=user).first()
    if row is None or kabar not in ("", *Kabar.values):
        return None
    if row.kabar != kabar:
        row.kabar = kabar
        row.save(update_fields=["kabar"])
    return row


def guest_reporter_essentials_only(*, kasus_id: int, email: str) -> bool:
    """A guest reporter's one-click choice from an email: from now on only the answer and requests for information.

    Guests have no preferences page; the signed link in their step emails is the credential. False when the
    address is not this case's guest reporter.
    """
    email = email.strip().lower()
    row = Pengikut.objects.filter(
        kasus_id=kasus_id, kasus__reporter__isnull=True, user__isnull=True, email=email, reason=Pengikut.Reason.REPORTER
    ).first()
    if row is None:
        return False
    if row.kabar != Kabar.PENTING:
        row.kabar = Kabar.PENTING
        row.save(update_fields=["kabar"])
    return True


def preferensi_set(*, user: User, kabar: str, digest: bool) -> PreferensiNotifikasi:
    """Save the account's email choices; the digest applies to staff notices only."""
    pref, _created = PreferensiNotifikasi.objects.update_or_create(
        user=user, defaults={"kabar": kabar, "digest": digest}
    )
    return pref


def preferensi_of(user: User) -> PreferensiNotifikasi:
    """The account's choices, or the defaults (every step, no digest) when it never chose."""
    return PreferensiNotifikasi.objects.filter(user=user).first() or PreferensiNotifikasi(user=user)
