"""Whole public pages cached per language for anonymous visitors, with conditional GET.

A page is served from the cache only to a visitor with no session and no pending messages (no session cookie,
no messages cookie), and only without a query string (filters and later pages are rendered each time): for
them a public page depends on nothing but its path and language. Everyone else (signed
in, holding a tracking session, a message to show) gets a freshly rendered page, so one visitor never sees
another's account, messages or tracking rights.

The cached HTML holds a placeholder instead of the CSRF token; each answer puts the visitor's own token in
(Django's masking per response, the secret from their own cookie), so no token is ever shared. A form page with
other values unique to each render (the aspirasi form's idempotency key) is cached with cached_form_page: the view
writes a placeholder for each while rendering_for_cache(request), and every answer gets a fresh value; such a page
has no ETag and never answers 304, since a kept copy would carry an earlier answer's value.

Freshness: every committed INSERT, UPDATE or DELETE on a table a public page may show bumps one generation
counter (a database execute wrapper, so queryset updates and bulk writes count too), and an entry of an older
generation is never served. Changes driven by the clock alone (a registration opening, a hold lapsing, the next
sarasehan moving up) show within MAX_AGE seconds. The ETag covers the page's generation, language and the
visitor's CSRF secret; browsers must revalidate every time (Cache-Control: private, no-cache) and shared caches
may not keep these pages at all, since each copy carries its visitor's token.
"""

import hashlib
import time
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

from portal.middleware import shows_private_data

GENERATION_KEY = "page-cache:generation"
MAX_AGE = 60
# Rendered into the cached HTML by the csrf_placeholder context processor, replaced per answer.
CSRF_PLACEHOLDER = "page-cache-csrf-token-placeholder"
# Writes no public page shows: sign-in sessions, the audit trail, mail waiting to go out, staff tools.
UNSHOWN_TABLES = frozenset(
    {
        "django_session",
        "audit_auditentry",
        "kasus_outboxemail",
        "kasus_kodeakses",
        "kasus_filtertersimpan",
        "kasus_templatjawaban",
        "kasus_preferensinotifikasi",
        "account_emailconfirmation",
        "mfa_authenticator",
    }
)
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")


def generation() -> int:
    return cache.get(GENERATION_KEY) or 0


def bump() -> None:
    """Make every cached page stale."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Missing (first write, or evicted): restart from the clock, so no number of the last minute comes back.
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        cache.incr(GENERATION_KEY)


def _written_table(sql: str) -> str | None:
    """The table an INSERT, UPDATE or DELETE statement writes, else None."""
    words = sql[:160].lstrip().split(None, 3)  # a slice first: a bulk insert's SQL can be long
    if not words or words[0].upper() not in _WRITE_VERBS:
        return None
    # INSERT INTO "t", DELETE FROM "t", UPDATE "t"
    name = words[1] if words[0].upper() == "UPDATE" else (words[2] if len(words) > 2 else "")
    return name.strip('"`')


def _watch_writes(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    result = execute(sql, params, many, context)
    table = _written_table(sql)
    if table is not None and table not in UNSHOWN_TABLES:
        connection = context["connection"]
        # Now, so that the transaction itself (a test's, say) reads its own change on its next request; and
        # once more on commit, because a reader may cache the old page between this bump and the commit.
        bump()
        savepoints = set(connection.savepoint_ids)
        if not any(func is bump and sids == savepoints for sids, func, _robust in connection.run_on_commit):
            transaction.on_commit(bump, using=connection.alias)
    return result


def watch_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created receiver: every write on this connection may bump the generation."""
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def rendering_for_cache(request: HttpRequest) -> bool:
    """Whether the view renders a page to keep: each per-answer value must then be written as its placeholder."""
    return getattr(request, "_page_cache_render", False)


def csrf_placeholder(request: HttpRequest) -> dict[str, str]:
    """Context processor: while a page is rendered for the cache, its CSRF token is the placeholder."""
    return {"csrf_token": CSRF_PLACEHOLDER} if rendering_for_cache(request) else {}


def _fill(body: str, per_answer: Mapping[str, Callable[[], str]]) -> str:
    for placeholder, make in per_answer.items():
        body = body.replace(placeholder, make())
    return body


def _cacheable_request(request: HttpRequest) -> bool:
    # Not with a query string: each distinct URL would be an entry, and anyone can make up URLs to fill Redis.
    return (
        request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def _key(request: HttpRequest) -> str:
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    path = hashlib.sha256(request.path.encode()).hexdigest()
    return f"page-cache:{language}:{path}"


def _etag(entry: dict[str, Any], request: HttpRequest) -> str:
    """Weak: the page's generation and language, and the visitor's CSRF secret (their copy holds its token)."""
    secret = request.META.get("CSRF_COOKIE", "")
    digest = hashlib.sha256(f"{entry['digest']}:{secret}".encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def _not_modified(request: HttpRequest, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header or not request.META.get("CSRF_COOKIE"):
        return False
    wanted = etag.removeprefix("W/")
    return any(tag.removeprefix("W/") == wanted for tag in parse_etags(header))


def _render_for_cache(
    view: Callable[..., HttpResponse],
    per_answer: Mapping[str, Callable[[], str]],
    stamp: int,
    request: HttpRequest,
    *args: Any,
    **kwargs: Any,
) -> dict[str, Any] | HttpResponse:
    """Render the page with the CSRF placeholder: the entry to store, or the response itself if it may not be.

    `stamp` is the generation read before rendering, so a write racing the render leaves the entry stale.
    """
    token_used_before = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
    request._page_cache_render = True  # type: ignore[attr-defined]
    try:
        response = view(request, *args, **kwargs)
    finally:
        request._page_cache_render = False  # type: ignore[attr-defined]
    if response.streaming:
        return response
    if (
        response.status_code != 200
        or response.cookies
        or request.session.modified
        or request.user.is_authenticated
        or len(get_messages(request))
        # The view asked for a real token (get_token): the page would carry this visitor's secret.
        or (request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False) and not token_used_before)
    ):
        placeholders = {CSRF_PLACEHOLDER: lambda: get_token(request), **per_answer}
        if any(placeholder.encode() in response.content for placeholder in placeholders):
            charset = response.charset
            response.content = _fill(response.content.decode(charset), placeholders).encode(charset)
        return response
    body = response.content.decode(response.charset)
    return {
        "generation": stamp,
        "expires": timezone.now().timestamp() + MAX_AGE,
        "digest": hashlib.sha256(f"{stamp}:{body}".encode()).hexdigest(),
        "body": body,
        "headers": dict(response.items()),
    }


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve `view`'s GET from the page cache to anonymous visitors without a session (see the module)."""
    return _cached(view, {})


def cached_form_page(
    per_answer: Mapping[str, Callable[[], str]],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """cached_page for a page holding values unique to each render: {placeholder: what makes a fresh value}."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        return _cached(view, per_answer)

    return decorator


def _cached(
    view: Callable[..., HttpResponse], per_answer: Mapping[str, Callable[[], str]]
) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        found = cache.get_many([GENERATION_KEY, key])
        current = found.get(GENERATION_KEY, 0)
        entry = found.get(key)
        if entry is None or entry["generation"] != current or entry["expires"] <= timezone.now().timestamp():
            rendered = _render_for_cache(view, per_answer, current, request, *args, **kwargs)
            if isinstance(rendered, HttpResponse):
                return rendered
            entry = rendered
            cache.set(key, entry, timeout=MAX_AGE)
        # A page with per-answer values has no ETag: no earlier copy may stand in for a fresh one.
        revalidated = not per_answer and not shows_private_data(request)
        # A visitor without a CSRF cookie holds no copy made for them, so only a returning one can match.
        if revalidated and _not_modified(request, _etag(entry, request)):
            response: HttpResponse = HttpResponseNotModified()
            response["ETag"] = _etag(entry, request)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        # The visitor's own token; it sets their CSRF cookie when they have none yet.
        response = HttpResponse(_fill(entry["body"], {CSRF_PLACEHOLDER: lambda: get_token(request), **per_answer}))
        for name, value in entry["headers"].items():
            response[name] = value
        if revalidated:
            response["ETag"] = _etag(entry, request)
            patch_cache_control(response, private=True, no_cache=True)
        return response

    return wrapper
