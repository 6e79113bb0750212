import pytest
from allauth.account.models import EmailAddress
from django.conf import settings

from tests.factories import UserFactory


@pytest.mark.django_db
def test_it_speaks_indonesian_even_to_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    assert 'lang="id"' in response.content.decode()


@pytest.mark.django_db
def test_it_switches_to_english_when_the_visitor_asks(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert response["Content-Language"] == "en"
    assert "Make your voice heard by the Regent of Wonogiri" in response.content.decode()


@pytest.mark.django_db
def test_it_follows_the_language_saved_in_the_profile(client):
    user = UserFactory(language="en")
    client.force_login(user)
    assert client.get("/")["Content-Language"] == "en"
    client.post("/akun/profil/", {"full_name": user.full_name, "phone": "", "language": "id"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "id"
    assert client.get("/")["Content-Language"] == "id"


PASSWORD = "rahasia-yang-panjang-123"  # noqa: S105 - a test account's


def sign_in(client, user):
    password = PASSWORD
    user.set_password(password)
    user.save()
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return client.post("/akun/login/", {"login": user.email, "password": password})


@pytest.mark.django_db
def test_it_speaks_the_accounts_language_on_signing_in(client):
    user = UserFactory(language="en")
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    response = sign_in(client, user)
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get("/")["Content-Language"] == "en"


@pytest.mark.django_db
def test_it_keeps_the_language_chosen_while_signed_in_through_signing_out_and_in(client):
    user = UserFactory(language="id")
    sign_in(client, user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    client.post("/akun/logout/")
    assert client.get("/")["Content-Language"] == "en"
    sign_in(client, user)
    assert client.get("/")["Content-Language"] == "en"
