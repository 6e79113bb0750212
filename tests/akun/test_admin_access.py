import pytest

from tests.factories import staff


@pytest.mark.django_db
def test_it_opens_the_admin_for_an_admin_with_two_factor(client):
    client.force_login(staff("admin", is_staff=True, is_superuser=True))
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_it_keeps_an_admin_without_two_factor_out_of_the_admin(client):
    client.force_login(staff("admin", is_staff=True, is_superuser=True, mfa=False))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_the_portal_sign_in(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/login/")
