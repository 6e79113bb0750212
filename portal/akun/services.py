from django.db import transaction

from .models import User


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, phone: str, language: str) -> User:
    user.full_name = full_name
    user.phone = phone
    user.language = language
    user.save(update_fields=["full_name", "phone", "language"])
    return user


def user_set_language(*, user: User, language: str) -> User:
    """Remember the language a signed-in person switched to, so the next sign-in speaks it too."""
    user.language = language
    user.save(update_fields=["language"])
    return user
