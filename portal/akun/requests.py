"""The request type of pages behind login_required or staff_required, for the type checker: a signed-in user."""

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def signed_in_user(request: HttpRequest) -> User | None:
    """The signed-in user, or None for a visitor: what services take as an optional actor or reporter."""
    return request.user if request.user.is_authenticated else None
