"""The page cache (portal.page_cache): what a visitor sees next is never an older or another visitor's page."""

import datetime as dt
import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal import page_cache
from portal.kasus import services
from portal.kasus.models import Status
from sarasehan.models import Sarasehan
from tests.factories import OpdFactory, UserFactory, kasus_at
from tests.sarasehan.factories import register, sarasehan

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def public_pages(kasus=None, event=None) -> list[str]:
    pages = [
        "/",
        "/sarasehan/",
        "/audiensi/",
        "/transparansi/",
        "/transparansi/peta/",
        "/transparansi/janji/",
        "/lacak/",
    ]
    if kasus is not None:
        pages += [f"/lacak/{kasus.tracking_token}/", reverse("akuntabilitas:kasus", args=[kasus.reference])]
    if event is not None:
        pages.append(reverse("sarasehan:detail", args=[event.slug]))
    return pages


def visit_twice(client, path: str) -> str:
    """The page as a returning anonymous visitor gets it: the second answer comes from the cache."""
    client.get(path)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def status_label(kasus) -> str:
    return str(Status(kasus.status).label)


@pytest.mark.parametrize("page", ["tracking", "public case"])
def test_a_status_change_shows_on_the_next_request(client, page):
    kasus = kasus_at("didisposisikan")
    path = {"tracking": f"/lacak/{kasus.tracking_token}/", "public case": f"/transparansi/kasus/{kasus.reference}/"}[
        page
    ]
    assert str(Status.DIDISPOSISIKAN.label) in visit_twice(client, path)
    services.kasus_start(kasus_id=kasus.pk, actor=None)
    kasus.refresh_from_db()
    assert str(Status.DITINDAKLANJUTI.label) in client.get(path).content.decode()


@pytest.mark.parametrize("page", ["tracking", "public case"])
def test_a_new_timeline_entry_shows_on_the_next_request(client, page):
    kasus = kasus_at("didisposisikan")
    path = {"tracking": f"/lacak/{kasus.tracking_token}/", "public case": f"/transparansi/kasus/{kasus.reference}/"}[
        page
    ]
    assert "Pengaspalan ulang ruas jalan" not in visit_twice(client, path)
    services.tindak_lanjut_add(
        kasus_id=kasus.pk,
        actor=None,
        description="Pengaspalan ulang ruas jalan",
        opd=OpdFactory(),
        due_date=timezone.localdate() + dt.timedelta(days=30),
    )
    assert "Pengaspalan ulang ruas jalan" in client.get(path).content.decode()


def test_a_new_registration_shows_in_the_seats_left_on_the_next_request(client):
    event = sarasehan(capacity=10)
    path = reverse("sarasehan:detail", args=[event.slug])
    assert "<strong>10</strong> / 10" in visit_twice(client, path)
    register(event, 3)
    assert "<strong>7</strong> / 10" in client.get(path).content.decode()


def test_a_new_sarasehan_shows_on_the_home_page_and_the_list(client):
    for path in ("/", "/sarasehan/"):
        assert "Sarasehan Pertanian Organik" not in visit_twice(client, path)
    sarasehan(title="Sarasehan Pertanian Organik")
    for path in ("/", "/sarasehan/"):
        assert "Sarasehan Pertanian Organik" in client.get(path).content.decode()


def test_a_language_switch_shows_on_every_cached_page(client):
    kasus = kasus_at("didisposisikan")
    pages = public_pages(kasus, sarasehan())
    for path in pages:
        assert '<html lang="id">' in visit_twice(client, path)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    for path in pages:
        assert '<html lang="en">' in client.get(path).content.decode(), path


def test_signing_in_and_out_shows_on_every_cached_page(client):
    user = UserFactory(email="warga@example.org", password="rahasia-panjang-123")
    kasus = kasus_at("didisposisikan")
    pages = public_pages(kasus, sarasehan())
    logout = reverse("account_logout")
    for path in pages:
        assert logout not in visit_twice(client, path)
    client.force_login(user)
    for path in pages:
        assert logout in client.get(path).content.decode(), path
    client.post(logout)
    for path in pages:
        html = client.get(path).content.decode()
        assert logout not in html and reverse("account_login") in html, path


def test_a_pending_message_is_shown_not_the_cached_page(client, rf):
    visit_twice(client, "/")
    carrier = HttpResponse()
    storage = CookieStorage(rf.get("/"))
    storage.add(messages.INFO, "Pesan khusus untuk pengunjung ini")
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    assert "Pesan khusus untuk pengunjung ini" in client.get("/").content.decode()


def test_each_visitor_gets_their_own_csrf_token_from_a_cached_page():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for visitor in (first, second):
        html = visit_twice(visitor, "/")
        assert page_cache.CSRF_PLACEHOLDER not in html
        tokens.append(TOKEN_RE.search(html).group(1))
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    # Each visitor's token works with their own cookie (the language switch posts it).
    for visitor, token in zip((first, second), tokens, strict=True):
        response = visitor.post(reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
        assert response.status_code == 302


def test_a_public_page_answers_a_matching_etag_with_304_and_a_changed_page_with_200(client):
    visit_twice(client, "/")
    response = client.get("/")
    etag = response["ETag"]
    assert etag.startswith('W/"')
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-cache"} <= directives  # a shared cache may not keep a page holding a token
    assert "Cookie" in response["Vary"]
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    sarasehan(title="Sarasehan Baru Sekali")
    response = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Sarasehan Baru Sekali" in response.content.decode()


def test_another_visitors_etag_does_not_match(client):
    visit_twice(client, "/")
    etag = client.get("/")["ETag"]
    other = Client()
    other.get("/")
    assert other.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_the_tracking_page_from_the_cache_is_still_private(client):
    kasus = kasus_at("didisposisikan")
    path = f"/lacak/{kasus.tracking_token}/"
    visit_twice(client, path)
    response = client.get(path)
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "Cookie" in response["Vary"]
    assert "ETag" not in response


def test_a_page_older_than_its_max_age_is_rendered_again(client, monkeypatch):
    opens = timezone.now() + dt.timedelta(seconds=30)
    event = sarasehan(capacity=10, registration_opens_at=opens)
    path = reverse("sarasehan:detail", args=[event.slug])
    assert 'name="email"' not in visit_twice(client, path)
    later = opens + dt.timedelta(seconds=page_cache.MAX_AGE)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert 'name="email"' in client.get(path).content.decode()  # the registration form opened


def test_a_page_with_a_query_string_is_rendered_each_time(client):
    path = "/transparansi/janji/?halaman=2"
    visit_twice(client, path)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    assert ctx.captured_queries


def test_a_queryset_update_outside_the_services_also_shows_on_the_next_request(client):
    event = sarasehan(title="Sarasehan Lama")
    path = reverse("sarasehan:detail", args=[event.slug])
    assert "Sarasehan Lama" in visit_twice(client, path)
    Sarasehan.objects.filter(pk=event.pk).update(title="Sarasehan Berganti Judul")
    assert "Sarasehan Berganti Judul" in client.get(path).content.decode()
