"""Refuse request input Django cannot read as text before any view or CSRF check parses it.

Listed last in MIDDLEWARE so the 400 page has the visitor's language and account; it still runs
before CsrfViewMiddleware reads the body, which happens in process_view.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Charsets whose bytes Django decodes without failing; anything else (utf-16, unknown names) is refused.
READABLE_CHARSETS = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class MalformedInputMiddleware:
    """400 for a form body in an unreadable charset, and for NUL in the path or query string.

    PostgreSQL refuses NUL in text, so a NUL reaching a query would be a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._malformed(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)

    @staticmethod
    def _malformed(request: HttpRequest) -> bool:
        if request.content_type in FORM_TYPES:
            charset = (request.content_params or {}).get("charset")
            if charset is not None and charset.strip().lower() not in READABLE_CHARSETS:
                return True
        if "\x00" in request.path_info:
            return True
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists())
