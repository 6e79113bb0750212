"""Security headers: CSP everywhere with nothing inline, no-store on private pages, Permissions-Policy."""

import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import reverse

from audiensi.services import link_token
from sarasehan.selectors import registration_token
from tests.audiensi.factories import open_availability, request_audiensi
from tests.factories import UserFactory, open_kasus, staff
from tests.sarasehan.factories import register, sarasehan

pytestmark = pytest.mark.django_db

# What a CSP without 'unsafe-inline' blocks: script blocks (JSON data blocks are not run), style blocks and
# attributes, event-handler attributes (htmx's hx-on included) and javascript: URLs.
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    re.compile(r"<style[\s>]", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"\shx-on", re.I),
    re.compile(r"javascript:", re.I),
]


def inline_code(html: str) -> list[str]:
    return [m.group(0) for pattern in INLINE for m in pattern.finditer(html)]


def test_no_template_holds_inline_script_or_style():
    found = {}
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        hits = inline_code(path.read_text())
        if hits:
            found[str(path.relative_to(settings.BASE_DIR))] = hits
    assert found == {}


def test_the_policy_allows_nothing_inline():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["default-src"] == ["'self'"]
    assert not any("unsafe" in source for sources in directives.values() for source in sources)


# Pages of every kind: (name, who signs in, how to build the URL) ---------------------------------------------------


def resident():
    return UserFactory()


def admin_user():
    return staff("admin", is_staff=True, is_superuser=True)


def tracking_url():
    return reverse("kasus:track_detail", args=[open_kasus(reporter_email="tamu@example.org").tracking_token])


def audiensi_link_url():
    return reverse("audiensi:link", args=[link_token(request_audiensi(open_availability()), "batal")])


def registration_url():
    return reverse("sarasehan:registration", args=[registration_token(register(sarasehan()))])


PUBLIC = {
    "home": (None, lambda: "/"),
    "aspirasi form": (None, lambda: reverse("aspirasi:submit")),
    "sarasehan list": (None, lambda: reverse("sarasehan:list")),
    "sign in": (None, lambda: reverse("account_login")),
    "sign up": (None, lambda: reverse("account_signup")),
}
PRIVATE = {
    "resident cases": (resident, lambda: reverse("kasus:mine")),
    "resident profile": (resident, lambda: reverse("akun_profile")),
    "tracking page": (None, tracking_url),
    "sarasehan registration": (None, registration_url),
    "audiensi link": (None, audiensi_link_url),
    "audiensi of a resident": (resident, lambda: reverse("audiensi:mine")),
    "staff queue": (lambda: staff("petugas"), lambda: reverse("kasus:queue")),
    "staff sarasehan": (lambda: staff("protokol"), lambda: reverse("sarasehan:staff_list")),
    "admin index": (admin_user, lambda: reverse("admin:index")),
    "admin change list": (admin_user, lambda: reverse("admin:kasus_kasus_changelist")),
    "admin change form": (admin_user, lambda: reverse("admin:akun_user_change", args=[UserFactory().pk])),
}


ASKS_FOR_LOCATION = {"aspirasi form"}


def get(client, who, url):
    if who is not None:
        client.force_login(who())
    response = client.get(url())
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("page", [*PUBLIC, *PRIVATE])
def test_every_kind_of_page_has_the_csp_and_permissions_policy(client, page):
    response = get(client, *{**PUBLIC, **PRIVATE}[page])
    assert "default-src 'self'" in response["Content-Security-Policy"]
    # Only the aspirasi form's "use my location" may ask the browser for the position.
    geolocation = "geolocation=(self)" if page in ASKS_FOR_LOCATION else "geolocation=()"
    assert "camera=()" in response["Permissions-Policy"] and geolocation in response["Permissions-Policy"]


@pytest.mark.parametrize("page", [*PUBLIC, *PRIVATE])
def test_no_rendered_page_holds_inline_script_or_style(client, page):
    assert inline_code(get(client, *{**PUBLIC, **PRIVATE}[page]).content.decode()) == []


@pytest.mark.parametrize("page", PRIVATE)
def test_pages_with_personal_data_are_never_stored(client, page):
    assert "no-store" in get(client, *PRIVATE[page])["Cache-Control"]


def test_a_public_page_for_a_guest_may_be_cached(client):
    assert "no-store" not in client.get(reverse("sarasehan:list")).get("Cache-Control", "")


def test_the_answer_to_a_form_post_is_never_stored(client):
    response = client.post(reverse("kasus:track"), {"reference": "X", "email": "saya@example.org"})
    assert response.status_code == 400 and "no-store" in response["Cache-Control"]


def test_the_pending_email_change_form_is_hidden_without_an_inline_style(client):
    user = resident()
    EmailAddress.objects.create(user=user, email="baru@example.org", verified=False, primary=False)
    client.force_login(user)
    html = client.get(reverse("account_email")).content.decode()
    assert 'id="pending-email"' in html and inline_code(html) == []
