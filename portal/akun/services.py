"""Account writes: a person's own profile and language. Residents' rights under UU PDP live in datapribadi."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy

from portal.audit.labels import register_action
from portal.audit.services import audit_record
from portal.wilayah.models import Wilayah

from .models import User

CORRECTED = register_action("akun.corrected", gettext_lazy("Data akun dikoreksi"))


@transaction.atomic
def user_update_profile(
    *, user: User, full_name: str, phone: str, language: str, wilayah: Wilayah | None = None
) -> User:
    """Correct the resident's own data; which fields changed is audited (not their values: they are personal)."""
    before = {"full_name": user.full_name, "phone": user.phone, "language": user.language, "wilayah": user.wilayah_id}
    user.full_name = full_name
    user.phone = phone
    user.language = language
    user.wilayah = wilayah
    user.save(update_fields=["full_name", "phone", "language", "wilayah"])
    after = {"full_name": full_name, "phone": phone, "language": language, "wilayah": user.wilayah_id}
    changed = sorted(k for k in before if before[k] != after[k])
    if changed:
        audit_record(actor=user, action=CORRECTED, changes={"user": user.pk, "fields": changed})
    return user


def user_set_language(*, user: User, language: str) -> User:
    """Remember the language a signed-in person switched to, so the next sign-in speaks it too."""
    user.language = language
    user.save(update_fields=["language"])
    return user
