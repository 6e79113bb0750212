"""Roles are Django groups, created by a migration. A user has at most one staff role."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.akun.models import User

PETUGAS = "petugas"
PROTOKOL = "protokol"
OPD = "opd"
PIMPINAN = "pimpinan"
ADMIN = "admin"

STAFF_ROLES = (PETUGAS, PROTOKOL, OPD, PIMPINAN, ADMIN)
ROLE_LABELS = {
    PETUGAS: _("Petugas (Humas)"),
    PROTOKOL: _("Protokol"),
    OPD: _("Petugas OPD"),
    PIMPINAN: _("Pimpinan"),
    ADMIN: _("Administrator"),
}


ROLES_ATTR = "_portal_roles"


def _remember(user: User, groups: Iterable[str]) -> frozenset[str]:
    """The user's roles from their group names (a superuser is also ADMIN), kept on the object for the request."""
    roles = frozenset(groups) | ({ADMIN} if user.is_superuser else set())
    # A per-request cache on the user object, not a model field.
    setattr(user, ROLES_ATTR, roles)
    return roles


def user_roles(user: User | AnonymousUser) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, ROLES_ATTR, None)
    if cached is None:
        cached = _remember(user, user.groups.values_list("name", flat=True))  # type: ignore[arg-type]
    return cached


def prime_roles(users: Iterable[User]) -> None:
    """Fill user_roles()' cache on many user objects with one query: a timeline's actors, one object per entry.

    Prefetching actor__groups built a related manager per entry: 7 % of the staff case page (benchmarks/README.md).
    """
    pending = [user for user in users if getattr(user, ROLES_ATTR, None) is None]
    if not pending:
        return
    names: dict[int, set[str]] = defaultdict(set)
    membership = get_user_model().groups.through.objects.filter(user_id__in={user.pk for user in pending})
    for user_id, name in membership.values_list("user_id", "group__name"):
        names[user_id].add(name)
    for user in pending:
        _remember(user, names[user.pk])


def has_role(user: User | AnonymousUser, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_staff_member(user: User | AnonymousUser) -> bool:
    return bool(user_roles(user) & set(STAFF_ROLES))


def is_warga(user: User | AnonymousUser) -> bool:
    return getattr(user, "is_authenticated", False) and not is_staff_member(user)


def role_recipients(*roles: str) -> dict[str, str]:
    """Email address -> language of every active user holding one of `roles`: the one way to email staff roles."""
    users = get_user_model().objects.filter(groups__name__in=roles, is_active=True).distinct()
    return {email.lower(): language for email, language in users.values_list("email", "language") if email}
