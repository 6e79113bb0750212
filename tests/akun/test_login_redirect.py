"""After sign-in each person lands where they work."""

import pytest
from django.test import RequestFactory

from portal.akun.adapter import AccountAdapter
from tests.factories import PASSWORD, UserFactory, staff

pytestmark = pytest.mark.django_db


def landing(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return AccountAdapter(request).get_login_redirect_url(request)


def test_a_resident_signing_in_lands_on_their_cases(client):
    resident = UserFactory()
    response = client.post("/akun/login/", {"login": resident.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/kasus-saya/"


def test_a_resident_signing_in_with_next_goes_there(client):
    resident = UserFactory()
    response = client.post("/akun/login/?next=/audiensi/saya/", {"login": resident.email, "password": PASSWORD})
    assert response["Location"] == "/audiensi/saya/"


@pytest.mark.parametrize("role", ["petugas", "opd", "pimpinan", "admin"])
def test_staff_land_on_the_case_queue(role):
    assert landing(staff(role)) == "/petugas/"


def test_protokol_lands_on_the_audiensi_list():
    assert landing(staff("protokol")) == "/petugas/audiensi/"
