"""Files a resident chose, kept server-side for a short while so an error elsewhere on the form costs no re-upload.

The checked files (already re-encoded, see files.clean_upload) sit in the cache under a random key held in the
session, so only that browser can use them; they expire on their own after KEPT_SECONDS.
"""

import secrets

from django.core.cache import cache
from django.http import HttpRequest

from .files import CleanFile

SESSION_KEY = "aspirasi_kept_files"
KEPT_SECONDS = 30 * 60


def _cache_key(token: str) -> str:
    return f"aspirasi-kept:{token}"


def keep_files(request: HttpRequest, files: list[CleanFile]) -> None:
    """Replace the kept files with these (a new choice replaces the old one, as the file input does)."""
    token = secrets.token_urlsafe(16)
    forget_files(request)
    cache.set(_cache_key(token), list(files), KEPT_SECONDS)
    request.session[SESSION_KEY] = token


def kept_files(request: HttpRequest) -> list[CleanFile]:
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str):
        return []
    return cache.get(_cache_key(token)) or []


def forget_files(request: HttpRequest) -> None:
    token = request.session.pop(SESSION_KEY, None)
    if isinstance(token, str):
        cache.delete(_cache_key(token))
