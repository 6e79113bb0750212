from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


def shows_private_data(request: HttpRequest) -> bool:
    """Whether the page may hold personal data or action links, so no browser or proxy may keep a copy.

    Signed-in pages (resident and staff pages, the admin: the header alone names the account), pages reached
    by a secret link (tracking, registration, confirmation: the token in the URL is the key), and any answer
    to a form post (it echoes what was typed).
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    match = request.resolver_match
    if match is not None and "token" in match.kwargs:
        return True
    return request.method == "POST"


class PrivacyHeadersMiddleware:
    """Permissions-Policy on every response; Cache-Control: no-store on every page that shows personal data."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if shows_private_data(request):
            add_never_cache_headers(response)
        return response
