"""Aspirasi submissions per client address (behind the load balancer) and per mailbox."""

import pytest

from aspirasi import kept
from aspirasi.models import Lampiran
from portal.kasus.models import Kasus

from .factories import form_data, jpeg_bytes, upload

pytestmark = pytest.mark.django_db
SUBMIT = "/aspirasi/kirim/"
LIMITED = "Terlalu banyak kiriman"


def test_behind_the_load_balancer_each_resident_has_their_own_count(client, settings):
    settings.ASPIRASI_RATE_LIMIT = "1/3600"
    settings.TRUSTED_PROXY_COUNT = 1
    lb = {"REMOTE_ADDR": "10.0.0.2"}
    client.post(SUBMIT, form_data(reporter_email="a@example.org"), HTTP_X_FORWARDED_FOR="203.0.113.1", **lb)
    other = client.post(SUBMIT, form_data(reporter_email="b@example.org"), HTTP_X_FORWARDED_FOR="203.0.113.2", **lb)
    again = client.post(SUBMIT, form_data(reporter_email="c@example.org"), HTTP_X_FORWARDED_FOR="203.0.113.1", **lb)
    assert LIMITED not in other.content.decode() and LIMITED in again.content.decode()
    assert Kasus.objects.count() == 2


def test_a_forged_forwarded_header_does_not_reset_the_count(client, settings):
    settings.ASPIRASI_RATE_LIMIT = "1/3600"
    settings.TRUSTED_PROXY_COUNT = 1
    lb = {"REMOTE_ADDR": "10.0.0.2"}
    client.post(SUBMIT, form_data(reporter_email="a@example.org"), HTTP_X_FORWARDED_FOR="203.0.113.1", **lb)
    forged = "198.51.100.99, 203.0.113.1"
    response = client.post(SUBMIT, form_data(reporter_email="b@example.org"), HTTP_X_FORWARDED_FOR=forged, **lb)
    assert LIMITED in response.content.decode()


def test_a_new_address_in_the_same_ipv6_64_shares_the_count(client, settings):
    settings.ASPIRASI_RATE_LIMIT = "1/3600"
    client.post(SUBMIT, form_data(reporter_email="a@example.org"), REMOTE_ADDR="2001:db8:5:6::1")
    response = client.post(SUBMIT, form_data(reporter_email="b@example.org"), REMOTE_ADDR="2001:db8:5:6::2")
    assert LIMITED in response.content.decode()


def test_gmail_dots_tags_and_case_count_as_one_mailbox(client, settings):
    settings.ASPIRASI_RATE_LIMIT = "2/3600"
    client.post(SUBMIT, form_data(reporter_email="siti.rahayu@gmail.com"), REMOTE_ADDR="203.0.113.1")
    client.post(SUBMIT, form_data(reporter_email="SitiRahayu+1@gmail.com"), REMOTE_ADDR="203.0.113.2")
    response = client.post(SUBMIT, form_data(reporter_email="s.i.t.i.rahayu@googlemail.com"), REMOTE_ADDR="203.0.113.3")
    assert LIMITED in response.content.decode()
    assert Kasus.objects.count() == 2


def test_the_photo_of_a_refused_submission_is_kept_for_the_next_try(client, settings):
    settings.ASPIRASI_RATE_LIMIT = "1/3600"
    client.post(SUBMIT, form_data(reporter_email="a@example.org"))
    data = form_data(reporter_email="b@example.org", lampiran=[upload("jalan.jpg", jpeg_bytes())])
    refused = client.post(SUBMIT, data).content.decode()
    assert LIMITED in refused and "Berkas jalan.jpg tetap tersimpan" in refused
    settings.ASPIRASI_RATE_LIMIT = "5/3600"
    client.post(SUBMIT, form_data(reporter_email="b@example.org", keep_files="1"))
    assert Lampiran.objects.get().kasus == Kasus.objects.get(reporter_email="b@example.org")


def test_a_report_sent_at_once_copies_its_photo_to_no_cache(client, monkeypatch):
    kept_now = []
    monkeypatch.setattr(kept, "keep_files", lambda request, files: kept_now.append(files))
    client.post(SUBMIT, form_data(lampiran=[upload("jalan.jpg", jpeg_bytes())]))
    assert Lampiran.objects.count() == 1 and kept_now == []
