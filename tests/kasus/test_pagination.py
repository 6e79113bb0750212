"""Every paginated list of the case record uses the one pagination partial."""

import pytest
from django.urls import reverse

from portal.kasus import views
from tests.factories import UserFactory, open_kasus, staff

pytestmark = pytest.mark.django_db


def test_the_residents_own_cases_page_through_the_shared_partial(client):
    reporter = UserFactory()
    for _ in range(views.QUEUE_PAGE_SIZE + 1):
        open_kasus(reporter=reporter)
    client.force_login(reporter)
    response = client.get(reverse("kasus:mine"))
    assert "_pagination.html" in [t.name for t in response.templates]
    assert "Halaman 1 dari 2" in response.content.decode() and "?page=2" in response.content.decode()


def test_the_queue_keeps_its_filters_in_the_shared_partials_links(client):
    for _ in range(views.QUEUE_PAGE_SIZE + 1):
        open_kasus()
    client.force_login(staff("petugas"))
    response = client.get(reverse("kasus:queue"), {"status": "baru"})
    assert "_pagination.html" in [t.name for t in response.templates]
    assert "?status=baru&amp;page=2" in response.content.decode()


def test_a_single_page_shows_no_pagination(client):
    client.force_login(staff("petugas"))
    assert 'class="pagination"' not in client.get(reverse("kasus:commitments")).content.decode()
