"""A confirmed audiensi can be added to the resident's calendar from their page."""

import pytest
from django.urls import reverse

from audiensi import services
from tests.factories import UserFactory, staff

from .factories import open_availability, request_audiensi

pytestmark = pytest.mark.django_db


def test_a_confirmed_audiensi_offers_an_ics_file_to_its_requester(client):
    warga = UserFactory()
    audiensi = request_audiensi(open_availability(), user=warga)
    services.audiensi_confirm(audiensi_id=audiensi.pk, actor=staff("protokol"))
    client.force_login(warga)
    page = client.get(reverse("audiensi:mine_detail", args=[audiensi.pk])).content.decode()
    response = client.get(reverse("audiensi:mine_ics", args=[audiensi.pk]))
    assert reverse("audiensi:mine_ics", args=[audiensi.pk]) in page
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "METHOD:PUBLISH" in body and "BEGIN:VEVENT" in body


def test_the_ics_file_is_refused_before_confirmation_and_to_others(client):
    warga = UserFactory()
    audiensi = request_audiensi(open_availability(), user=warga)
    client.force_login(warga)
    assert client.get(reverse("audiensi:mine_ics", args=[audiensi.pk])).status_code == 404
    services.audiensi_confirm(audiensi_id=audiensi.pk, actor=staff("protokol"))
    client.force_login(UserFactory())
    assert client.get(reverse("audiensi:mine_ics", args=[audiensi.pk])).status_code == 404
