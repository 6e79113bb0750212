"""Request ids, JSON log lines, the 500 and 503 pages, Sentry."""

import json
import logging

import pytest
import sentry_sdk
from django.db import OperationalError, connection
from django.test import Client
from django.urls import path

from portal import observability
from portal.kasus.tasks import beat_heartbeat
from portal.urls import urlpatterns as portal_urls
from tests.factories import UserFactory


def boom(request):
    raise RuntimeError("budi@example.org 081234567890")


def db_gone(request):
    raise OperationalError("server closed the connection unexpectedly")


def driver_db_gone(request):
    # What closing a server-side cursor raises, not wrapped by Django, when the server has just gone away.
    raise connection.Database.OperationalError("consuming input failed: server closed the connection unexpectedly")


urlpatterns = [path("boom/", boom), path("db-gone/", db_gone), path("driver-db-gone/", driver_db_gone), *portal_urls]
handler500 = "portal.observability.server_error"


def json_lines(caplog, logger: str) -> list[dict]:
    formatter = observability.JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == logger]


@pytest.mark.django_db
def test_it_logs_one_json_line_per_request_without_query_values(client, caplog):
    caplog.set_level(logging.INFO, logger="portal.request")
    response = client.get("/lacak/?ref=ASP-2026-000001&email=siti@example.org", HTTP_X_REQUEST_ID="lb-req-12345678")
    (line,) = json_lines(caplog, "portal.request")
    assert response["X-Request-ID"] == "lb-req-12345678"
    assert line["method"] == "GET" and line["path"] == "/lacak/" and line["status"] == response.status_code
    assert line["request_id"] == "lb-req-12345678" and line["user"] == "anon" and line["duration_ms"] >= 0
    assert "siti" not in json.dumps(line) and "ASP-2026" not in json.dumps(line)


@pytest.mark.django_db
def test_it_logs_the_user_as_an_id_and_masks_tracking_tokens(client, caplog):
    warga = UserFactory()
    client.force_login(warga)
    caplog.set_level(logging.INFO, logger="portal.request")
    client.get("/lacak/SECRETTOKEN123456/")
    (line,) = json_lines(caplog, "portal.request")
    assert line["user"] == warga.pk and "SECRETTOKEN123456" not in line["path"]
    assert warga.email not in json.dumps(line)


def test_it_replaces_an_unsafe_request_id_with_a_generated_one(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    given = response["X-Request-ID"]
    assert "<" not in given and len(given) == 32


@pytest.mark.django_db
def test_a_task_logs_its_line_with_the_request_id_that_queued_it(caplog):
    caplog.set_level(logging.INFO, logger="portal.task")
    token = observability.request_id_var.set("req-abcdef123")
    try:
        beat_heartbeat.delay()
    finally:
        observability.request_id_var.reset(token)
    (line,) = json_lines(caplog, "portal.task")
    assert line["task"] == "portal.kasus.tasks.beat_heartbeat" and line["state"] == "SUCCESS"
    assert line["request_id"] == "req-abcdef123" and line["duration_ms"] >= 0 and line["task_id"]


def test_publishing_a_task_puts_the_request_id_in_its_headers():
    headers: dict = {}
    token = observability.request_id_var.set("req-abcdef123")
    try:
        observability._add_request_id(headers=headers)
    finally:
        observability.request_id_var.reset(token)
    assert headers == {"request_id": "req-abcdef123"}


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_the_500_page_shows_the_request_id_to_quote():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", HTTP_X_REQUEST_ID="quote-me-12345")
    page = response.content.decode()
    assert response.status_code == 500 and "quote-me-12345" in page and "Terjadi kesalahan" in page
    assert "budi@example.org" not in page and "Traceback" not in page


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_lost_database_connection_is_a_translated_try_again_page():
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = "en"
    response = client.get("/db-gone/", HTTP_X_REQUEST_ID="quote-me-12345")
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Please try again" in page and "quote-me-12345" in page


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_connection_lost_under_the_driver_is_a_try_again_page_too():
    client = Client(raise_request_exception=False)
    response = client.get("/driver-db-gone/")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "Silakan coba lagi" in response.content.decode()


def test_sentry_is_off_without_a_dsn():
    assert observability.configure_sentry("") is False
    assert not sentry_sdk.get_client().is_active()


def test_sentry_reports_errors_with_emails_and_phones_scrubbed():
    events: list[dict] = []

    class Capture(sentry_sdk.transport.Transport):
        def capture_envelope(self, envelope):
            events.extend(item.payload.json for item in envelope.items if item.type == "event")

    assert observability.configure_sentry(
        "https://public@sentry.invalid/1", transport=Capture(), default_integrations=False
    )
    try:
        try:
            raise RuntimeError("reporter siti@example.org, +62 812-3456-7890")
        except RuntimeError:
            sentry_sdk.capture_exception()
        sentry_sdk.flush()
    finally:
        sentry_sdk.init()  # no DSN: off again for the other tests
    (event,) = events
    text = json.dumps(event)
    assert "RuntimeError" in text and "siti@example.org" not in text and "3456" not in text
    assert "[email]" in text and "[phone]" in text
