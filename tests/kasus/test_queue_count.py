"""Past a threshold the staff queue shows the planner's estimate instead of counting every case on each view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.kasus import selectors
from tests.factories import open_kasus, staff

pytestmark = pytest.mark.django_db


def counts(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.postgres
def test_the_queue_shows_an_estimate_without_counting_past_the_threshold(client, monkeypatch):
    for _ in range(3):
        open_kasus()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE kasus_kasus")
    monkeypatch.setattr(selectors, "EXACT_COUNT_UP_TO", 0)
    client.force_login(staff("petugas"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("kasus:queue"))
    assert response.status_code == 200
    assert "sekitar" in response.content.decode()
    # Every count stops after the threshold's row (LIMIT 1), however many cases there are.
    assert counts(ctx.captured_queries)
    assert all("LIMIT 1)" in sql for sql in counts(ctx.captured_queries))


def test_the_queue_counts_exactly_below_the_threshold(client):
    for _ in range(3):
        open_kasus()
    client.force_login(staff("petugas"))
    response = client.get(reverse("kasus:queue"))
    assert response.status_code == 200
    assert "sekitar" not in response.content.decode()
    assert response.context["page"].paginator.count == 3
