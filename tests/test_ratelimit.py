"""portal.ratelimit: the one client address, IPv6 buckets, mailbox keys and the shared counter."""

import pytest
from django.test import RequestFactory

from portal.ratelimit import address_bucket, client_address, configured, hit, hit_address, normalise_email

rf = RequestFactory()


def request(remote: str = "198.51.100.7", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.post("/lacak/", **extra)


# Client address -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        pytest.param(0, "198.51.100.7", "203.0.113.1", "198.51.100.7", id="no-trusted-proxy-ignores-the-header"),
        pytest.param(1, "10.0.0.2", "203.0.113.1", "203.0.113.1", id="one-proxy-the-address-it-appended"),
        pytest.param(2, "10.0.0.3", "203.0.113.1, 10.0.0.2", "203.0.113.1", id="two-proxies-second-from-the-right"),
        pytest.param(1, "10.0.0.2", "1.2.3.4, 5.6.7.8, 203.0.113.1", "203.0.113.1", id="forged-entries-left-ignored"),
        pytest.param(2, "10.0.0.3", "203.0.113.1", "10.0.0.3", id="header-shorter-than-the-chain-connecting-address"),
        pytest.param(1, "10.0.0.2", "<script>, not-an-ip", "10.0.0.2", id="garbage-trusted-entry-connecting-address"),
        pytest.param(1, "10.0.0.2", "203.0.113.1:51234", "203.0.113.1", id="port-stripped"),
        pytest.param(1, "10.0.0.2", "[2001:db8::1]:443", "2001:db8::1", id="brackets-and-port-stripped"),
        pytest.param(1, "::ffff:198.51.100.7", None, "198.51.100.7", id="ipv4-mapped-read-as-ipv4"),
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxies_saw(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(request(remote, forwarded)) == expected


# Buckets and mailboxes ----------------------------------------------------------------------------------------------


def test_ipv6_addresses_share_a_bucket_per_64():
    assert address_bucket("2001:db8:1:2::1") == address_bucket("2001:db8:1:2:ffff:ffff:ffff:ffff")
    assert address_bucket("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert address_bucket("2001:db8:1:3::1") != address_bucket("2001:db8:1:2::1")


def test_ipv4_addresses_keep_their_own_bucket():
    assert address_bucket("203.0.113.1") == "203.0.113.1"
    assert address_bucket("203.0.113.2") != address_bucket("203.0.113.1")


@pytest.mark.parametrize(
    "given",
    [
        "Budi.Santoso@Gmail.com",
        "budisantoso+lapor@gmail.com",
        "b.u.d.i.santoso+x@googlemail.com",
        " BUDISANTOSO@gmail.com ",
    ],
)
def test_gmail_variants_are_one_mailbox(given):
    assert normalise_email(given) == "budisantoso@gmail.com"


def test_dots_count_where_the_provider_keeps_them_but_tags_and_case_do_not():
    assert normalise_email("Budi.Santoso+rt05@Yahoo.co.id") == "budi.santoso@yahoo.co.id"
    assert normalise_email("budi.santoso@yahoo.co.id") != normalise_email("budisantoso@yahoo.co.id")


def test_a_value_without_a_mailbox_is_only_lowered():
    assert normalise_email(" Not-An-Email ") == "not-an-email"


# Counting -----------------------------------------------------------------------------------------------------------


def test_it_allows_the_limit_and_refuses_the_next_attempt():
    assert [hit("uji", "k", 3, 60) for _ in range(4)] == [True, True, True, False]
    assert hit("uji", "lain", 3, 60) is True
    assert hit("uji-lain", "k", 3, 60) is True


def test_a_new_ipv6_address_in_the_same_64_does_not_reset_the_count(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert hit_address("uji", request("2001:db8:1:2::1"), 1, 60)
    assert not hit_address("uji", request("2001:db8:1:2::beef"), 1, 60)
    assert hit_address("uji", request("2001:db8:1:3::1"), 1, 60)


def test_rotating_forged_headers_does_not_escape_the_limit(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    results = [hit_address("uji", request("10.0.0.2", f"192.0.2.{i}, 203.0.113.1"), 2, 60) for i in range(3)]
    assert results == [True, True, False]


def test_the_limit_reads_off_and_count_per_seconds(settings):
    settings.UJI_RATE_LIMIT = "off"
    assert configured("UJI_RATE_LIMIT", "5/3600") is None
    settings.UJI_RATE_LIMIT = "7/60"
    assert configured("UJI_RATE_LIMIT", "5/3600") == (7, 60)
