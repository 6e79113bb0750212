"""The request type of pages behind login_required or staff_required, for the type checker: a signed-in user."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def admin_actor(request: HttpRequest) -> User:
    """The user of a request whose signature must stay HttpRequest but that a login check let in (the admin site)."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def signed_in_user(request: HttpRequest) -> User | None:
    """The signed-in user, or None for a visitor: what services take as an optional actor or reporter."""
    return request.user if request.user.is_authenticated else None
