"""A confidential case's title stays off the resident action page unless the reporter is signed in."""

import pytest
from django.urls import reverse

from portal.kasus import services
from tests.factories import UserFactory

from .factories import submit

pytestmark = pytest.mark.django_db


def test_it_keeps_a_confidential_title_off_the_resident_action_page_for_a_link_holder(client):
    kasus = submit(title="Dugaan pelecehan oleh perangkat desa", is_confidential=True).kasus
    services.kasus_request_info(kasus_id=kasus.pk, actor=None, question="Kapan kejadiannya?")
    url = reverse("aspirasi:add_info", args=[kasus.tracking_token])
    body = client.get(url, follow=True).content.decode()  # on to the one-time code page
    assert "Dugaan pelecehan" not in body and "Kasus rahasia" in body
    client.force_login(UserFactory())  # signed in, but not the reporter: the link alone still proves nothing
    assert "Dugaan pelecehan" not in client.get(url, follow=True).content.decode()


def test_it_shows_a_confidential_title_on_the_resident_action_page_to_the_reporter(client):
    reporter = UserFactory()
    kasus = submit(reporter=reporter, title="Dugaan pelecehan oleh perangkat desa", is_confidential=True).kasus
    services.kasus_request_info(kasus_id=kasus.pk, actor=None, question="Kapan kejadiannya?")
    client.force_login(reporter)
    assert "Dugaan pelecehan" in client.get(reverse("aspirasi:add_info", args=[kasus.tracking_token])).content.decode()
