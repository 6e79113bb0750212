"""Each signed sarasehan link works only for its own purpose and object."""

import pytest
from django.urls import reverse

from aspirasi import services as aspirasi_services
from audiensi import services as audiensi_services
from sarasehan import selectors
from tests.aspirasi.factories import submit
from tests.audiensi.factories import open_availability, request_audiensi

from .factories import register, sarasehan

pytestmark = pytest.mark.django_db


def test_it_refuses_a_link_signed_for_another_purpose(client):
    reg = register(sarasehan())
    audiensi = request_audiensi(open_availability())
    aspirasi = submit(reporter_name="Tamu", reporter_email="tamu@example.org").aspirasi
    registration_token = selectors.registration_token(reg)
    audiensi_token = audiensi_services.link_token(audiensi, "batal")
    confirm_token = aspirasi_services.confirm_token(aspirasi)

    assert client.get(reverse("audiensi:link", args=[registration_token])).status_code == 400
    assert client.get(reverse("audiensi:link", args=[confirm_token])).status_code == 400
    assert client.get(reverse("aspirasi:confirm", args=[registration_token])).status_code == 400
    assert client.get(reverse("aspirasi:confirm", args=[audiensi_token])).status_code == 400
    assert client.get(reverse("sarasehan:registration", args=[audiensi_token])).status_code == 404
    assert client.get(reverse("sarasehan:registration", args=[confirm_token])).status_code == 404
    aspirasi.kasus.refresh_from_db()
    assert aspirasi.kasus.confirmed_at is None
