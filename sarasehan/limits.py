"""Registration attempts counted in the cache, per client address and per normalised email.

`client_address` and `normalise_email` are the only places sarasehan reads who is asking:
at merge they point at the project's single implementation in `portal.ratelimit`.
The cache fails open (portal.cache), so a Redis outage lets registrations through.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is trivially forged unless a trusted proxy rewrites REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR", "")


def normalise_email(email: str) -> str:
    """One mailbox, one key: case and a "+tag" (and Gmail's dots) do not make a new address."""
    local, _at, domain = email.strip().lower().rpartition("@")
    if not local:
        return email.strip().lower()
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def _limit(setting: str) -> tuple[int, int] | None:
    """(count, seconds) from a "count/seconds" setting; None for "off" (benchmarks only)."""
    value = str(getattr(settings, setting))
    if value.lower() == "off":
        return None
    count, _sep, seconds = value.partition("/")
    return int(count), int(seconds or 3600)


def _over(key: str, setting: str) -> bool:
    limit = _limit(setting)
    if limit is None:
        return False
    count, seconds = limit
    cache.add(key, 0, timeout=seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        used = 1
    return used > count


def registration_over_limit(*, address: str, email: str) -> bool:
    """Count one registration attempt; True when the address or the email has used up its allowance."""
    over_address = bool(address) and _over(f"sarasehan:rl:addr:{address}", "SARASEHAN_LIMIT_PER_ADDRESS")
    over_email = bool(email) and _over(f"sarasehan:rl:email:{normalise_email(email)}", "SARASEHAN_LIMIT_PER_EMAIL")
    return over_address or over_email
