"""The protokol audiensi list pages through the shared pagination partial and keeps its filters."""

import pytest
from django.urls import reverse

from audiensi import views
from portal.akun import roles
from tests.factories import staff

from .factories import open_availability, request_audiensi

pytestmark = pytest.mark.django_db


def test_it_links_the_next_page_keeping_the_pejabat_filter(client, monkeypatch):
    monkeypatch.setattr(views, "STAFF_PAGE_SIZE", 1)
    pejabat = open_availability()
    request_audiensi(pejabat, index=0)
    request_audiensi(pejabat, index=1)
    client.force_login(staff(roles.PROTOKOL))
    body = client.get(reverse("audiensi:staff_list"), {"pejabat": pejabat.slug}).content.decode()
    assert 'class="pagination"' in body
    assert f"?pejabat={pejabat.slug}&amp;page=2" in body
