"""Probes: `/healthz` (the process answers) and `/readyz` (it can do its work), for the load balancer and operator.

Both are answered by a middleware placed before host validation and the HTTPS redirect: a probe reaches a
pod by its IP address over plain HTTP, which ALLOWED_HOSTS and SECURE_SSL_REDIRECT would refuse. The
bodies name checks and ages only, never data or settings.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

BEAT_HEARTBEAT_KEY = "portal:beat:heartbeat"
MIGRATIONS_CHECK_SECONDS = 10.0
# Per process: reading every migration file for each probe would cost more than the probe's interval allows.
_migrations = {"checked_at": float("-inf"), "ok": False}


def record_beat_heartbeat() -> None:
    cache.set(BEAT_HEARTBEAT_KEY, time.time(), timeout=24 * 3600)


def _database() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _migrated() -> bool:
    now = time.monotonic()
    if now - _migrations["checked_at"] > MIGRATIONS_CHECK_SECONDS:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrations["ok"] = not executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations["checked_at"] = now
    return bool(_migrations["ok"])


def _redis() -> bool:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    finally:
        client.close()


def _outbox_age() -> float | None:
    from portal.kasus.models import OutboxEmail

    oldest = (
        OutboxEmail.objects.filter(state=OutboxEmail.State.PENDING)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return None if oldest is None else (timezone.now() - oldest).total_seconds()


def _outbox() -> dict:
    age = _outbox_age()
    limit = settings.READYZ_OUTBOX_MAX_AGE
    return {"ok": age is None or age <= limit, "oldest_pending_seconds": age and round(age), "max_seconds": limit}


def _beat() -> dict:
    last = cache.get(BEAT_HEARTBEAT_KEY)
    age = None if last is None else max(0.0, time.time() - last)
    limit = settings.READYZ_BEAT_MAX_AGE
    return {"ok": age is not None and age <= limit, "last_run_seconds": age and round(age), "max_seconds": limit}


def _run(check: Callable[[], bool | dict]) -> dict:
    try:
        result = check()
    except Exception as exc:  # noqa: BLE001 - a probe reports the failure, it never raises it
        return {"ok": False, "error": type(exc).__name__}
    return result if isinstance(result, dict) else {"ok": bool(result)}


CHECKS = ("database", "migrations", "outbox", "redis", "beat")


def readiness(only: set[str] | None = None) -> tuple[bool, dict[str, dict]]:
    """Every check by name (or those in `only`) with `ok` and, for the ages, the seconds against the limit."""
    wanted = set(CHECKS) if not only else only & set(CHECKS)
    if not settings.REDIS_URL:
        wanted.discard("redis")
    checks: dict[str, dict] = {}
    database = _run(_database)
    if "database" in wanted:
        checks["database"] = database
    for name, check in (("migrations", _migrated), ("outbox", _outbox)):
        if name in wanted:
            checks[name] = _run(check) if database["ok"] else {"ok": False, "error": "database unavailable"}
    if "redis" in wanted:
        checks["redis"] = _run(_redis)
    if "beat" in wanted:
        checks["beat"] = _run(_beat)
    return all(c["ok"] for c in checks.values()), checks


def healthz() -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """All checks, or those named in `?checks=a,b` (a load balancer need not drop every pod when beat stops)."""
    only = {name.strip() for name in request.GET.get("checks", "").split(",") if name.strip()}
    ok, checks = readiness(only or None)
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503)


class HealthCheckMiddleware:
    """Answer the probes before any middleware that validates the host, redirects or opens a session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            if request.path == "/healthz":
                return healthz()
            if request.path == "/readyz":
                return readyz(request)
        return self.get_response(request)
