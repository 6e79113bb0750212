from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """Bahasa Indonesia first: English only when the visitor switched to it or their account says so.

    The browser's Accept-Language is ignored on purpose: many residents' phones
    are set to English, yet the portal of their regency should speak Indonesian
    unless they ask otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            user = getattr(request, "user", None)
            language = user.language if user is not None and user.is_authenticated else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        self._remember(request, response)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response

    def _remember(self, request, response) -> None:
        """Keep the language the person chose across signing in and out.

        Signing in sets the account's language; switching while signed in saves it to the account.
        The choice lives in a cookie, not the session, so signing out (which flushes the session) keeps it.
        """
        from .services import user_set_language

        account_language = getattr(request, "language_from_account", None)
        if account_language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                account_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
            )
            return
        chosen = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        user = getattr(request, "user", None)
        if chosen is None or chosen.value not in self.supported or user is None or not user.is_authenticated:
            return
        if user.language != chosen.value:
            user_set_language(user=user, language=chosen.value)
