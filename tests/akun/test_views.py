"""Account pages: allauth inside the portal layout, in Indonesian; the profile page."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.akun.models import User
from tests.factories import PASSWORD, UserFactory, desa, staff

pytestmark = pytest.mark.django_db


def assert_in_portal_layout(body: str) -> None:
    assert 'class="site-header"' in body and 'class="site-footer"' in body
    assert "Pemerintah Kabupaten Wonogiri" in body


def test_it_renders_the_signup_page_in_indonesian_with_the_extra_fields(client):
    body = client.get(reverse("account_signup")).content.decode()
    assert_in_portal_layout(body)
    assert "<h1>" in body and "Daftar" in body and "Sudah memiliki akun?" in body
    assert "Nama lengkap" in body and 'name="phone"' in body and 'name="wilayah"' in body
    assert "Sign Up" not in body and "Password" not in body


def test_it_signs_a_resident_up_with_name_phone_and_desa(client):
    place = desa()
    response = client.post(
        reverse("account_signup"),
        {
            "email": "Baru@Example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "full_name": "Warga Baru",
            "phone": "081234567890",
            "wilayah": place.pk,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="baru@example.org")
    assert (user.full_name, user.phone, user.wilayah) == ("Warga Baru", "081234567890", place)
    assert len(mail.outbox) == 1 and "baru@example.org" in mail.outbox[0].to


def test_it_keeps_signup_values_on_error(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "dua@example.org", "password1": PASSWORD, "password2": "lain", "full_name": "Warga Dua"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'value="Warga Dua"' in body and "error-message" in body
    assert not User.objects.filter(email="dua@example.org").exists()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("account_login", "Lupa kata sandi Anda?"),
        ("account_reset_password", "Reset Kata Sandi"),
    ],
)
def test_it_renders_entrance_pages_in_the_portal_layout(client, name, text):
    body = client.get(reverse(name)).content.decode()
    assert_in_portal_layout(body)
    assert text in body


@pytest.mark.parametrize("name", ["account_email", "account_change_password", "mfa_index"])
def test_it_renders_account_management_pages_in_the_portal_layout(client, name):
    client.force_login(UserFactory())
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_in_portal_layout(response.content.decode())


def test_it_sends_staff_without_mfa_to_an_indonesian_totp_activation_page(client):
    client.force_login(staff("petugas", mfa=False))
    response = client.get(reverse("kasus:queue"), follow=True)
    body = response.content.decode()
    assert response.redirect_chain[0][0] == reverse("mfa_activate_totp")
    assert_in_portal_layout(body)
    assert "autentikasi dua langkah" in body


def test_it_shows_the_profile_with_account_links(client):
    client.force_login(UserFactory(full_name="Siti Aminah"))
    body = client.get(reverse("akun_profile")).content.decode()
    assert 'value="Siti Aminah"' in body
    for name in ("account_email", "account_change_password", "mfa_index"):
        assert reverse(name) in body


def test_it_updates_the_profile(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("akun_profile"), {"full_name": "Nama Baru", "phone": "0899", "language": "en"}, follow=True
    )
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.language) == ("Nama Baru", "0899", "en")
    assert response.redirect_chain[-1][0] == reverse("akun_profile")


def test_it_keeps_profile_values_on_error(client):
    user = UserFactory(full_name="Lama")
    client.force_login(user)
    response = client.post(reverse("akun_profile"), {"full_name": "", "phone": "0811", "language": "id"})
    assert response.status_code == 400 and 'value="0811"' in response.content.decode()
    user.refresh_from_db()
    assert user.full_name == "Lama"


def test_it_requires_sign_in_for_the_profile(client):
    response = client.get(reverse("akun_profile"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_it_lists_the_staff_role_on_the_profile(client):
    client.force_login(staff("pimpinan"))
    assert "Pimpinan" in client.get(reverse("akun_profile")).content.decode()
