import time

import pytest
from django.core import signing
from django.urls import reverse

from audiensi import services
from audiensi.models import Status

from .factories import open_availability, request_audiensi

pytestmark = pytest.mark.django_db


def test_it_refuses_an_expired_resident_link_with_a_clear_page(client, monkeypatch):
    audiensi = request_audiensi(open_availability())
    real_time = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() - services.LINK_MAX_AGE - 60)
    old = services.link_token(audiensi, "batal")
    monkeypatch.setattr(signing.time, "time", real_time)
    for method in (client.get, client.post):
        response = method(reverse("audiensi:link", args=[old]))
        assert response.status_code == 400 and "kedaluwarsa" in response.content.decode()
    audiensi.refresh_from_db()
    assert audiensi.status == Status.MENUNGGU
    assert client.get(reverse("audiensi:link", args=[services.link_token(audiensi, "batal")])).status_code == 200
