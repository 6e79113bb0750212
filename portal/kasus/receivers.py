"""allauth hooks: the only signals the case record listens to."""

from typing import Any

from allauth.account.models import EmailAddress
from django.http import HttpRequest

from . import services


def link_guest_cases(sender: Any, request: HttpRequest | None, email_address: EmailAddress, **kwargs: Any) -> None:
    """A resident verified an address on their account: the cases they sent as a guest from it become theirs."""
    services.kasus_link_guest_cases(user=email_address.user, email=email_address.email)
