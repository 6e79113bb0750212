"""One client address and one rate limiter for every public form (aspirasi, /lacak/, sign-in, sarasehan).

Counters live in the default cache, which is Redis in production, so every web process shares them. The
cache fails open (`portal.cache.ResilientRedisCache`): while Redis is down limits pause rather than refusing
residents.
"""

import hashlib
import ipaddress
import os

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

# Providers whose mailboxes ignore dots in the local part; googlemail.com is the same mailbox as gmail.com.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def _parse_address(value: str) -> str:
    """The address in `value` (a port or IPv6 brackets removed), or "" when it is not an IP address."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def client_address(request: HttpRequest) -> str:
    """The visitor's IP address, trusting exactly TRUSTED_PROXY_COUNT proxies in front of the portal.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so the client is
    the N-th entry from the right; anything further left was written by the client and may be forged. With no
    trusted proxy the header is ignored. A header too short for the proxies we expect did not come through
    them, so the connecting address is used.
    """
    remote = _parse_address(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return _parse_address(forwarded[-proxies]) or remote


def address_bucket(address: str) -> str:
    """The rate-limit key of an address: IPv4 as is, IPv6 per /64 (one customer line holds a whole /64)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    return str(parsed)


def normalise_email(email: str) -> str:
    """One key per mailbox: lower case, no +tag, and no dots where the provider ignores them."""
    email = email.strip().lower()
    local, at, domain = email.rpartition("@")
    if not at or not local:
        return email
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        domain = DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"


def configured(name: str, default: str) -> tuple[int, int] | None:
    """(count, seconds) from the setting or environment variable `name`, e.g. "5/3600"; None for "off".

    "off" exists for the benchmarks, which post hundreds of forms from one address.
    """
    value = str(getattr(settings, name, "") or os.environ.get(name, default))
    if value.lower() == "off":
        return None
    count, _sep, seconds = value.partition("/")
    return int(count), int(seconds or 3600)


def hit(bucket: str, key: str, limit: int, window: int) -> bool:
    """Count one attempt for `key` in `bucket`; True while at most `limit` attempts fell in the current window.

    A fixed window from the first attempt: `add` starts it with its expiry, Redis INCR is atomic and keeps
    the expiry, so concurrent processes never lose a count.
    """
    digest = hashlib.sha256(key.encode()).hexdigest()
    cache_key = f"rl:{bucket}:{digest}"
    cache.add(cache_key, 0, timeout=window)
    try:
        used = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window)
        used = 1
    return used <= limit


def hit_address(bucket: str, request: HttpRequest, limit: int, window: int) -> bool:
    """`hit` keyed by the visitor's address bucket."""
    return hit(bucket, address_bucket(client_address(request)), limit, window)
