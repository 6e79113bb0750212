"""Signing in speaks the language saved in the account (allauth and Django both send user_logged_in)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation


@receiver(user_logged_in)
def speak_the_accounts_language(sender, request, user, **kwargs) -> None:
    if request is None or not user.language:
        return
    translation.activate(user.language)
    request.LANGUAGE_CODE = user.language
    # The middleware writes the cookie on the response: it outlives the session that logout flushes.
    request.language_from_account = user.language
