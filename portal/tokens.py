"""Signed links: a guest's confirmation (expires) and the one-click unsubscribe (the token is the credential).

Shared by portal.kasus (every case email carries the unsubscribe link) and portal.ikuti (follows, places)."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_SALT = "ikuti.konfirmasi"
UNSUBSCRIBE_SALT = "ikuti.berhenti"
CONFIRM_MAX_AGE = 3 * 24 * 3600
# Every signed link expires (tests/test_signed_links.py); each email carries a fresh one, so a year is ample.
UNSUBSCRIBE_MAX_AGE = 365 * 24 * 3600


def confirm_token(payload: dict) -> str:
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


def confirm_payload(token: str) -> dict | None:
    """The request a confirmation link carries, or None when it is forged, damaged or expired."""
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return payload if isinstance(payload, dict) else None


def unsubscribe_token(kind: str, key: int, email: str) -> str:
    """`kind` is "k" (following a case, key = its id), "w" (a place subscription, key = its id) or "r" (a guest
    reporter's step emails of their case, key = its id: the link switches them to the essentials)."""
    return signing.dumps([kind, key, email.lower()], salt=UNSUBSCRIBE_SALT)


def unsubscribe_payload(token: str) -> tuple[str, int, str] | None:
    try:
        kind, key, email = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if kind not in ("k", "w", "r") or not isinstance(key, int) or not isinstance(email, str):
        return None
    return kind, key, email


def unsubscribe_url(kind: str, key: int, email: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("ikuti:berhenti", args=[unsubscribe_token(kind, key, email)])


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to `url` (the body's link)."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
