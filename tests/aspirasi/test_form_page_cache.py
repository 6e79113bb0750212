"""The aspirasi form from the page cache: each guest gets their own token and idempotency key, nobody else's page."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aspirasi.forms import IDEMPOTENCY_KEY_PLACEHOLDER
from portal import page_cache
from tests.factories import UserFactory, kecamatan

from .factories import form_data

pytestmark = pytest.mark.django_db

SUBMIT = "/aspirasi/kirim/"
KEY_RE = re.compile(r'name="idempotency_key" value="([^"]*)"')
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def form_page(client) -> str:
    response = client.get(SUBMIT)
    assert response.status_code == 200
    return response.content.decode()


def key_of(html: str) -> str:
    return KEY_RE.search(html).group(1)


def test_every_answer_from_the_cache_carries_a_fresh_idempotency_key():
    first, second = Client(), Client()
    pages = [form_page(first), form_page(first), form_page(second), form_page(second)]
    keys = [key_of(html) for html in pages]
    assert len(set(keys)) == 4
    assert all(re.fullmatch(r"[0-9a-f]{32}", key) for key in keys)
    assert not any(IDEMPOTENCY_KEY_PLACEHOLDER in html or page_cache.CSRF_PLACEHOLDER in html for html in pages)


def test_the_form_is_served_from_the_cache_without_a_query(client):
    form_page(client)
    with CaptureQueriesContext(connection) as ctx:
        html = form_page(client)
    assert ctx.captured_queries == []
    assert 'name="reporter_email"' in html and "<optgroup" in html


def test_each_guest_sends_the_cached_form_with_their_own_csrf_token():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    form_page(first)  # the page is cached now
    pages = {visitor: form_page(visitor) for visitor in (first, second)}
    tokens = {visitor: TOKEN_RE.search(html).group(1) for visitor, html in pages.items()}
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    for visitor, html in pages.items():
        data = form_data(idempotency_key=key_of(html), csrfmiddlewaretoken=tokens[visitor], kirim=None)
        response = visitor.post(SUBMIT, data)
        assert response.status_code == 200
        assert "Periksa laporan Anda sebelum mengirim" in response.content.decode()
    # Another guest's token does not pass with this guest's cookie.
    data = form_data(idempotency_key=key_of(pages[first]), csrfmiddlewaretoken=tokens[second], kirim=None)
    assert first.post(SUBMIT, data).status_code == 403


def test_a_form_with_an_error_is_rendered_fresh_with_the_values_typed(client):
    form_page(client)
    form_page(client)
    key = key_of(form_page(client))
    data = form_data(title="", description="Lampu jalan di depan balai desa padam sejak Senin.", idempotency_key=key)
    response = client.post(SUBMIT, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tuliskan judul laporan Anda." in html
    assert "Lampu jalan di depan balai desa padam sejak Senin." in html
    assert key_of(html) == key  # the same submission: a retry must not make a second case
    assert "no-store" in response["Cache-Control"]


def test_a_signed_in_residents_form_is_neither_cached_nor_served_to_a_guest():
    resident = Client()
    resident.force_login(UserFactory())
    logout = reverse("account_logout")
    for _ in range(2):
        response = resident.get(SUBMIT)
        html = response.content.decode()
        assert logout in html and 'name="reporter_email"' not in html
        assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    guest = Client()
    for _ in range(2):
        html = form_page(guest)
        assert logout not in html and 'name="reporter_email"' in html
    # The guest's cached page is not the resident's either.
    html = resident.get(SUBMIT).content.decode()
    assert logout in html and 'name="reporter_email"' not in html


def test_the_form_page_has_no_etag_and_never_answers_304(client):
    form_page(client)
    response = client.get(SUBMIT)
    assert "ETag" not in response
    assert {"private", "no-store"} <= {d.strip() for d in response["Cache-Control"].split(",")}
    assert client.get(SUBMIT, HTTP_IF_NONE_MATCH="*").status_code == 200


def test_a_kecamatan_chosen_in_the_link_is_rendered_for_that_link(client):
    form_page(client)
    form_page(client)  # the plain form is cached now
    place = kecamatan()
    html = client.get(f"{SUBMIT}?kecamatan={place.pk}").content.decode()
    assert f'<option value="{place.pk}" selected>' in html
    assert f'<option value="{place.pk}" selected>' not in form_page(client)
