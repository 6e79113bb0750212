"""/kasus-saya/ shows the audiensi's own status, and is laid out as cards on a phone."""

import pytest
from django.urls import reverse

from tests.audiensi.factories import open_availability, request_audiensi
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_my_cases_show_the_real_status_of_an_audiensi(client):
    warga = UserFactory()
    request_audiensi(open_availability(), user=warga)
    client.force_login(warga)
    html = client.get(reverse("kasus:mine")).content.decode()
    assert "Audiensi: Menunggu keputusan protokol" in html
    assert 'class="cards-on-phone"' in html and 'data-label="Status"' in html
