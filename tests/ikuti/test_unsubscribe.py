import pytest
from django.core import mail
from django.test import Client

from portal.ikuti.models import LanggananWilayah
from portal.kasus import services
from portal.kasus.models import OutboxEmail, Pengikut
from portal.tokens import unsubscribe_token, unsubscribe_url
from tests.factories import OpdFactory, UserFactory

from .factories import public_case, subscription

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    return url.removeprefix("http://testserver")


@pytest.fixture
def mail_client() -> Client:
    """What a mail client is: no session, no CSRF cookie, and CSRF checks on."""
    return Client(enforce_csrf_checks=True)


def test_a_one_click_post_unsubscribes_from_a_place_without_session_or_csrf(mail_client):
    row = subscription()
    url = path_of(unsubscribe_url("w", row.pk, row.email))
    response = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not LanggananWilayah.objects.filter(pk=row.pk).exists()


def test_opening_the_unsubscribe_link_only_asks_for_confirmation(mail_client):
    row = subscription()
    url = path_of(unsubscribe_url("w", row.pk, row.email))
    response = mail_client.get(url)
    assert response.status_code == 200 and b'method="post"' in response.content
    assert LanggananWilayah.objects.filter(pk=row.pk).exists()
    assert mail_client.post(url).status_code == 200  # the page's button
    assert not LanggananWilayah.objects.filter(pk=row.pk).exists()


def test_a_forged_unsubscribe_token_changes_nothing(mail_client):
    row = subscription()
    token = unsubscribe_token("w", row.pk, row.email)
    assert mail_client.post(f"/berhenti/{token[:-2]}xx/").status_code == 400
    assert mail_client.post("/berhenti/rusak/").status_code == 400
    assert LanggananWilayah.objects.filter(pk=row.pk).exists()


def test_an_unsubscribe_link_older_than_a_year_is_refused(mail_client, monkeypatch):
    row = subscription()
    url = path_of(unsubscribe_url("w", row.pk, row.email))
    monkeypatch.setattr("portal.tokens.UNSUBSCRIBE_MAX_AGE", -1)
    assert mail_client.post(url).status_code == 400
    assert LanggananWilayah.objects.filter(pk=row.pk).exists()


def test_a_token_for_one_address_does_not_unsubscribe_another(mail_client):
    row = subscription(email="pemilik@example.org")
    mail_client.post(path_of(unsubscribe_url("w", row.pk, "orang.lain@example.org")))
    assert LanggananWilayah.objects.filter(pk=row.pk).exists()


def test_a_case_update_to_a_follower_carries_a_one_click_unsubscribe_that_works(
    mail_client, django_capture_on_commit_callbacks
):
    kasus, follower = public_case(), UserFactory()
    services.pengikut_add(kasus=kasus, user=follower)
    with django_capture_on_commit_callbacks(execute=True):
        services.kasus_dispose(kasus_id=kasus.pk, actor=None, opd=OpdFactory())
    to_follower = next(m for m in mail.outbox if m.to == [follower.email])
    to_reporter = next(m for m in mail.outbox if m.to == [kasus.reporter.email])
    assert "List-Unsubscribe" not in to_reporter.extra_headers  # the reporter's own case is not optional
    header = to_follower.extra_headers["List-Unsubscribe"]
    assert header.strip("<>") in to_follower.body and "/berhenti/" not in to_reporter.body
    assert to_follower.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail_client.post(path_of(header.strip("<>"))).status_code == 200
    assert not Pengikut.objects.filter(kasus=kasus, user=follower).exists()
    assert OutboxEmail.objects.filter(to=follower.email).exclude(headers={}).exists()
