"""The resident's signed links (cancel, reschedule, accept or decline a proposal)."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from ..models import Audiensi

LINK_SALT = "audiensi.tautan"
LINK_MAX_AGE = 60 * 24 * 3600
LINK_ACTIONS = ("batal", "jadwal-ulang", "terima", "tolak")


# Signed links -------------------------------------------------------------------------------


def link_token(audiensi: Audiensi, action: str) -> str:
    if action not in LINK_ACTIONS:
        raise ValueError(action)
    return signing.dumps({"a": audiensi.pk, "act": action}, salt=LINK_SALT, compress=True)


def link_url(audiensi: Audiensi, action: str) -> str:
    site_url: str = settings.SITE_URL
    return site_url + reverse("audiensi:link", args=[link_token(audiensi, action)])


def link_read(token: str) -> tuple[int, str]:
    """The audiensi id and action of a signed link. Raises signing.BadSignature when tampered or expired."""
    payload = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    if not isinstance(payload, dict) or payload.get("act") not in LINK_ACTIONS or not isinstance(payload.get("a"), int):
        raise signing.BadSignature("unexpected payload")
    return payload["a"], payload["act"]
