"""Sarasehan registration is limited per client address and per mailbox, like every public form."""

import pytest
from django.urls import reverse

from sarasehan.models import PendaftaranSarasehan
from tests.factories import desa

from .factories import sarasehan

pytestmark = pytest.mark.django_db
LIMITED = "Terlalu banyak pendaftaran"


def post(client, s, email: str, **extra):
    data = {"name": "Sumarni", "email": email, "phone": "0812", "desa": desa().pk, "topic": ""}
    return client.post(reverse("sarasehan:detail", args=[s.slug]), data, **extra)


def test_it_limits_registrations_from_one_address(client, settings):
    settings.SARASEHAN_LIMIT_PER_ADDRESS = "2/3600"
    first, second, third = sarasehan(), sarasehan(), sarasehan()
    post(client, first, "a@example.org", REMOTE_ADDR="203.0.113.1")
    post(client, second, "b@example.org", REMOTE_ADDR="203.0.113.1")
    response = post(client, third, "c@example.org", REMOTE_ADDR="203.0.113.1")
    assert response.status_code == 429 and LIMITED in response.content.decode()
    assert PendaftaranSarasehan.objects.count() == 2


def test_it_limits_one_mailbox_however_it_is_spelt(client, settings):
    settings.SARASEHAN_LIMIT_PER_EMAIL = "1/3600"
    first, second = sarasehan(), sarasehan()
    post(client, first, "sumarni.w@gmail.com", REMOTE_ADDR="203.0.113.1")
    response = post(client, second, "SumarniW+sarasehan@gmail.com", REMOTE_ADDR="203.0.113.2")
    assert LIMITED in response.content.decode()
    assert PendaftaranSarasehan.objects.count() == 1


def test_it_counts_residents_behind_the_load_balancer_separately(client, settings):
    settings.SARASEHAN_LIMIT_PER_ADDRESS = "1/3600"
    settings.TRUSTED_PROXY_COUNT = 1
    s = sarasehan()
    post(client, s, "a@example.org", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.1")
    response = post(client, s, "b@example.org", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert response.status_code == 302
    assert PendaftaranSarasehan.objects.count() == 2
