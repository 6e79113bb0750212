"""Reads of the case record reused by several views."""

from django.http import HttpRequest

from .models import Kasus

OWNER_SESSION_KEY = "kasus_owner"


def viewer_is_reporter(kasus: Kasus, request: HttpRequest) -> bool:
    """The signed-in reporter, or a visitor who proved ownership at /lacak/ or holds the tracking link."""
    user = request.user
    if user.is_authenticated and kasus.reporter_id == user.pk:
        return True
    if kasus.pk in request.session.get(OWNER_SESSION_KEY, []):
        return True
    token = (getattr(request, "resolver_match", None) and request.resolver_match.kwargs.get("token")) or ""
    return bool(token) and token == kasus.tracking_token
