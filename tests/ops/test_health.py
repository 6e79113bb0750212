"""/healthz and /readyz: what a load balancer and an operator read."""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from portal import health
from portal.kasus.models import OutboxEmail
from portal.kasus.tasks import beat_heartbeat


@pytest.fixture(autouse=True)
def _fresh_migration_check():
    health._migrations["checked_at"] = float("-inf")


def test_healthz_answers_without_touching_the_database(client):
    response = client.get("/healthz")  # no django_db mark: any query would raise
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_probes_answer_a_pod_address_outside_allowed_hosts_over_plain_http(client, settings):
    settings.ALLOWED_HOSTS = ["aspirasi.wonogirikab.go.id"]
    settings.SECURE_SSL_REDIRECT = True
    beat_heartbeat()
    assert client.get("/healthz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400


@pytest.mark.django_db
def test_readyz_names_every_check_and_is_ready_when_all_pass(client):
    beat_heartbeat()
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert {"database", "migrations", "outbox", "beat"} <= set(body["checks"])
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_readyz_is_cheap_enough_for_a_probe_every_few_seconds(client, django_assert_max_num_queries):
    beat_heartbeat()
    client.get("/readyz")
    # The migration check is cached: a repeated probe runs SELECT 1 and the outbox query only.
    with django_assert_max_num_queries(2):
        assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_fails_when_beat_has_not_run_recently(client):
    cache.delete(health.BEAT_HEARTBEAT_KEY)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["beat"]["ok"] is False


@pytest.mark.django_db
def test_readyz_fails_when_the_oldest_pending_email_is_older_than_the_threshold(client, settings):
    settings.READYZ_OUTBOX_MAX_AGE = 600
    beat_heartbeat()
    OutboxEmail.objects.create(
        to="warga@example.org",
        subject="s",
        body_text="b",
        template="t",
        created_at=timezone.now() - dt.timedelta(hours=1),
    )
    response = client.get("/readyz")
    outbox = response.json()["checks"]["outbox"]
    assert response.status_code == 503
    assert outbox["ok"] is False and outbox["oldest_pending_seconds"] >= 3600 and outbox["max_seconds"] == 600
    assert "warga@example.org" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_fails_when_a_migration_is_not_applied(client, monkeypatch):
    beat_heartbeat()
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan", lambda self, targets: [("kasus", False)]
    )
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["migrations"] == {"ok": False}


@pytest.mark.django_db
def test_readyz_reports_an_unreachable_redis_without_its_address(client, settings):
    settings.REDIS_URL = "redis://:s3cret@127.0.0.1:1/0"
    beat_heartbeat()
    response = client.get("/readyz")
    text = response.content.decode()
    assert response.status_code == 503 and json.loads(text)["checks"]["redis"]["ok"] is False
    assert "s3cret" not in text and "127.0.0.1" not in text


@pytest.mark.django_db
def test_readyz_runs_only_the_checks_a_load_balancer_names(client):
    cache.delete(health.BEAT_HEARTBEAT_KEY)  # beat stopped: the operator's alarm, not a reason to drop every pod
    response = client.get("/readyz?checks=database,migrations,redis,nonsense")
    body = response.json()
    assert response.status_code == 200 and "beat" not in body["checks"] and "nonsense" not in body["checks"]
    assert {"database", "migrations"} <= set(body["checks"])
