"""Request ids, one JSON log line per request and per Celery task, the error pages and Sentry.

Operators follow one request through the web log, the tasks it queued and a resident's quote of the
500 page by its request id. No line carries personal data: the path is logged with secret tokens
masked and without its query values, the user as an id.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from celery import signals as celery_signals
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views import defaults

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
# A proxy's id is kept only if it is short and plain: it goes into logs and pages unescaped by them.
SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# URL parameters that are keys, not names: a log reader must not be able to use them.
SECRET_KWARGS = ("token", "code", "key", "uidb36")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
request_log = logging.getLogger("portal.request")
task_log = logging.getLogger("portal.task")


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str:
    return request_id_var.get()


def incoming_request_id(request: HttpRequest) -> str:
    """The load balancer's `X-Request-ID` when it is safe to log, else a fresh one."""
    given = request.META.get(REQUEST_ID_HEADER, "")
    return given if SAFE_REQUEST_ID.match(given) else new_request_id()


def loggable_path(request: HttpRequest) -> str:
    """The path with secret URL parameters (tracking tokens, codes) masked; the query string is left out."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if any(secret in name for secret in SECRET_KWARGS) and str(value):
                path = path.replace(str(value), f"<{name}>")
    return path


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the request id and any `extra` fields."""

    RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": current_request_id(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in self.RESERVED})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class RequestIdMiddleware:
    """Give every request an id (answered as `X-Request-ID`) and log one JSON line when it is answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = incoming_request_id(request)
        # An attribute HttpRequest does not declare; the error pages read it back with getattr.
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            request_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": loggable_path(request),
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user": user.pk if user is not None and user.is_authenticated else "anon",
                    "request_id": request_id,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page with the request id to quote; a lost database connection is a 503 "try again" instead.

    Rendered without the request's context processors: they may need the database that just failed.
    """
    error = sys.exc_info()[1]
    # The driver's own classes too: closing a server-side cursor (a select's options read with iterator())
    # raises psycopg's error unwrapped when the server has just gone away.
    driver = connection.Database  # type: ignore[attr-defined]  # each backend sets its DB-API module
    unavailable = isinstance(error, OperationalError | InterfaceError | driver.OperationalError | driver.InterfaceError)
    template = loader.get_template("503.html" if unavailable else "500.html")
    body = template.render({"request_id": getattr(request, "request_id", current_request_id())})
    response = HttpResponseServerError(body)
    if unavailable:
        response.status_code = 503
        response["Retry-After"] = "30"
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page; a session that could not be saved (its row lost while the database restarted) is a 503
    "try again" instead: nothing the visitor sent was wrong."""
    if isinstance(exception, SessionInterrupted):
        body = loader.get_template("503.html").render(
            {"request_id": getattr(request, "request_id", current_request_id())}
        )
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response
    return defaults.bad_request(request, exception)


# Celery: the request id travels in the message headers; each task logs one line when it ends.
_task_started: dict[str | None, float] = {}


@celery_signals.before_task_publish.connect
def _add_request_id(headers: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    if headers is not None:
        headers.setdefault("request_id", current_request_id())


def _task_request_id(task: Any) -> str:
    given = getattr(task.request, "request_id", None) or (task.request.headers or {}).get("request_id")
    if isinstance(given, str) and (given == "-" or SAFE_REQUEST_ID.match(given)):
        return given
    return current_request_id()


@celery_signals.task_prerun.connect
def _task_start(task_id: str | None = None, task: Any = None, **_kwargs: Any) -> None:
    _task_started[task_id] = time.monotonic()
    task.request.portal_token = request_id_var.set(_task_request_id(task))


@celery_signals.task_postrun.connect
def _task_end(task_id: str | None = None, task: Any = None, state: str | None = None, **_kwargs: Any) -> None:
    started = _task_started.pop(task_id, None)
    task_log.info(
        "task",
        extra={
            "task": task.name,
            "task_id": task_id,
            "state": state,
            "duration_ms": round((time.monotonic() - started) * 1000, 1) if started is not None else None,
            "request_id": current_request_id(),
        },
    )
    token = getattr(task.request, "portal_token", None)
    if token is not None:
        request_id_var.reset(token)


# Sentry: personal data never leaves the portal, even inside an exception's message or a local variable.
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE = re.compile(r"(?:\+62|\b0)[\s-]?8[\d\s-]{7,14}\d")


def scrub(value: Any) -> Any:
    """Replace every email address and Indonesian phone number in a nested event structure."""
    if isinstance(value, str):
        return PHONE.sub("[phone]", EMAIL.sub("[email]", value))
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def sentry_before_send(event: Event, _hint: Hint) -> Event:
    return scrub(event)


def configure_sentry(dsn: str, *, environment: str = "production", **options: Any) -> bool:
    """Report errors to Sentry when a DSN is configured; returns whether it was."""
    if not dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        before_send=sentry_before_send,
        before_send_transaction=sentry_before_send,
        **options,
    )
    return True
