"""Rotating SECRET_KEY with SECRET_KEY_FALLBACKS keeps residents signed in and emailed links working."""

import pytest

from tests.factories import UserFactory

OLD, NEW = "old-key-" + "a" * 50, "new-key-" + "b" * 50


@pytest.mark.django_db
def test_a_session_signed_with_the_old_key_survives_a_rotation_with_the_old_key_as_fallback(client, settings):
    settings.SECRET_KEY = OLD
    client.force_login(UserFactory())
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]
    assert client.get("/kasus-saya/").status_code == 200


@pytest.mark.django_db
def test_without_the_fallback_the_old_sessions_end(client, settings):
    settings.SECRET_KEY = OLD
    client.force_login(UserFactory())
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, []
    assert client.get("/kasus-saya/").status_code == 302
