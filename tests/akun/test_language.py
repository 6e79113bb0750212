import pytest
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
