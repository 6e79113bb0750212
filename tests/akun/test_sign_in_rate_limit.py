"""allauth's sign-in limits count the same client address as every other limit of the portal."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from portal.akun.adapter import AccountAdapter

pytestmark = pytest.mark.django_db
LIMITED = "Terlalu banyak percobaan masuk yang gagal"


def fail_sign_in(client, n: int, forwarded: str):
    data = {"login": f"tidak-ada{n}@example.org", "password": "salah-sekali"}
    return client.post(reverse("account_login"), data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)


def test_allauth_reads_the_portal_client_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.9, 203.0.113.1")
    assert AccountAdapter(request).get_client_ip(request) == "203.0.113.1"


def test_failed_sign_ins_behind_the_load_balancer_are_counted_per_resident(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(10):  # allauth allows 10 failed sign-ins a minute per address
        fail_sign_in(client, n, "203.0.113.1")
    blocked = fail_sign_in(client, 10, "203.0.113.1")
    other = fail_sign_in(client, 11, "203.0.113.2")
    assert LIMITED in blocked.content.decode() and LIMITED not in other.content.decode()


def test_failed_sign_ins_from_one_ipv6_64_share_the_count(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        fail_sign_in(client, n, f"2001:db8:7:8::{n + 1:x}")
    assert LIMITED in fail_sign_in(client, 10, "2001:db8:7:8::ff").content.decode()
