"""Request bodies over the limit are refused before anything reads them.

First in MIDDLEWARE: the CSRF check reads request.POST, and Django spools every upload over
FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file as it parses, so a later check is too late.
"""

import io
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

CHUNK_BYTES = 64 * 1024


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_REQUEST_BODY_BYTES
        declared = request.META.get("CONTENT_LENGTH")
        if declared:
            try:
                length = int(declared)
            except ValueError:
                return HttpResponseBadRequest()
            if length > limit:
                return too_large(request)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = _read_chunked(request.META["wsgi.input"], limit)
            if body is None:
                return too_large(request)
            # Django reads only CONTENT_LENGTH bytes and would see an empty body: hand it the one read here.
            request.META["CONTENT_LENGTH"] = str(len(body))
            request._stream = LimitedStream(io.BytesIO(body), len(body))  # type: ignore[assignment]
        return self.get_response(request)


def _read_chunked(stream, limit: int) -> bytes | None:
    """The whole body, in memory, or None as soon as it passes the limit (the rest is never read)."""
    body = bytearray()
    while chunk := stream.read(CHUNK_BYTES):
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def too_large_page(request: HttpRequest) -> HttpResponse:
    """The same page at an address of its own, for the proxy's error_page when it refuses a body itself."""
    return too_large(request)


def too_large(request: HttpRequest) -> HttpResponse:
    """The friendly 413 page, in the visitor's language (the language middleware has not run yet)."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = settings.LANGUAGE_CODE
    back = request.META.get("HTTP_REFERER", "")
    try:
        allowed_hosts = {request.get_host()}
    except DisallowedHost:
        allowed_hosts = set()
    if not url_has_allowed_host_and_scheme(back, allowed_hosts=allowed_hosts):
        back = "/"
    with translation.override(language):
        response = render(request, "aspirasi/too_large.html", {"back": back}, status=413)
    response.headers["Content-Language"] = language
    return response
