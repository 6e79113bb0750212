"""The staff queue reads a bounded amount whatever the table holds: bounded pages, bounded counts, indexed search."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.kasus import selectors, views
from portal.kasus.models import Kasus
from tests.factories import open_kasus, staff

pytestmark = pytest.mark.django_db


def overdue(kasus: Kasus) -> Kasus:
    Kasus.objects.filter(pk=kasus.pk).update(due_at=timezone.now() - dt.timedelta(days=2))
    return kasus


def queries(client, params: dict) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("kasus:queue"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_pages_read_overdue_cases_first_then_the_rest_newest_first_across_page_edges():
    cases = [open_kasus(title=f"Kasus {i}") for i in range(7)]
    for kasus in cases[1:4]:
        overdue(kasus)
    newest_first = list(reversed(cases))
    expected = [k.pk for k in newest_first if k in cases[1:4]] + [k.pk for k in newest_first if k not in cases[1:4]]
    rows = selectors.OverdueFirst(Kasus.objects.confirmed())
    pages = [rows[start : start + 2] for start in range(0, 7, 2)]
    assert [k.pk for page in pages for k in page] == expected


def test_the_queue_pages_stop_at_the_row_limit_and_say_so(client, monkeypatch):
    monkeypatch.setattr(selectors, "QUEUE_ROWS_LIMIT", 3)
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    for i in range(5):
        open_kasus(title=f"Kasus {i}")
    client.force_login(staff("petugas"))
    response = client.get(reverse("kasus:queue"), {"page": 9})
    page = response.context["page"]
    assert (page.paginator.num_pages, page.number, len(page)) == (2, 2, 1)
    body = response.content.decode()
    assert "5 kasus" in body
    assert "3 kasus pertama" in body


def test_a_deep_page_and_both_searches_read_as_many_queries_with_few_or_many_cases(client, monkeypatch):
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    client.force_login(staff("petugas"))
    first = open_kasus(title="Jembatan putus di Desa Gedong")
    for i in range(8):
        overdue(open_kasus()) if i % 3 == 0 else open_kasus()
    cases = [{"page": 4}, {"q": "jembatan"}, {"q": first.reference}]
    few = [queries(client, params) for params in cases]
    # The fourth page stays past the overdue cases: the same reads, now over more rows before and after it.
    for _ in range(30):
        open_kasus()
    assert [queries(client, params) for params in cases] == few


def test_a_case_number_or_its_beginning_finds_the_case(client):
    wanted = open_kasus(title="Jembatan putus")
    open_kasus(title="Lampu jalan mati")
    client.force_login(staff("petugas"))
    for query in (wanted.reference, wanted.reference.lower(), wanted.reference[:-1]):
        page = client.get(reverse("kasus:queue"), {"q": query}).context["page"]
        assert wanted.pk in [k.pk for k in page]


@pytest.mark.postgres
def test_the_text_search_reads_the_full_text_index_on_postgresql(client):
    wanted = open_kasus(title="Jembatan gantung miring", summary="Papan lantai lapuk dan kabel kendur.")
    open_kasus(title="Lampu jalan mati", summary="Sudah sebulan gelap.")
    client.force_login(staff("petugas"))
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("kasus:queue"), {"q": "Kabel  lapuk"}).context["page"]
    assert [k.pk for k in page] == [wanted.pk]
    assert any("pencarian @@ to_tsquery('simple'" in q["sql"] for q in ctx.captured_queries)


def test_a_status_filter_shows_that_statuss_overdue_cases_first(client):
    cases = [open_kasus(title=f"Kasus {i}") for i in range(4)]
    late = [overdue(cases[0]), overdue(cases[2])]
    client.force_login(staff("petugas"))
    page = client.get(reverse("kasus:queue"), {"status": "baru"}).context["page"]
    assert [k.pk for k in page] == [late[1].pk, late[0].pk, cases[3].pk, cases[1].pk]


def test_a_status_that_is_never_late_lists_its_cases_newest_first_without_a_lateness_read(client):
    cases = [overdue(open_kasus(title=f"Kasus {i}")) for i in range(3)]
    Kasus.objects.filter(pk__in=[k.pk for k in cases]).update(status="menunggu_informasi")
    client.force_login(staff("petugas"))
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("kasus:queue"), {"status": "menunggu_informasi"}).context["page"]
    assert [k.pk for k in page] == [k.pk for k in reversed(cases)]
    assert not any("COALESCE" in q["sql"] for q in ctx.captured_queries)


def test_overdue_only_with_a_status_that_is_never_late_lists_nothing(client):
    overdue(open_kasus())
    Kasus.objects.update(status="menunggu_informasi")
    client.force_login(staff("petugas"))
    response = client.get(reverse("kasus:queue"), {"status": "menunggu_informasi", "overdue": "on"})
    assert response.status_code == 200 and list(response.context["page"]) == []


@pytest.mark.postgres
def test_a_text_search_the_planner_expects_to_match_far_past_the_limit_is_estimated_not_counted(client, monkeypatch):
    monkeypatch.setattr(selectors, "ESTIMATE_ONLY_PAST", 0)
    wanted = open_kasus(title="Jembatan gantung miring")
    client.force_login(staff("petugas"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("kasus:queue"), {"q": "jembatan"})
    assert [k.pk for k in response.context["page"]] == [wanted.pk]
    assert "sekitar" in response.content.decode()
    assert not any(q["sql"].startswith("SELECT COUNT(") for q in ctx.captured_queries)


@pytest.mark.postgres
def test_a_text_search_the_planner_expects_to_match_a_few_is_counted_exactly(client):
    wanted = open_kasus(title="Jembatan gantung miring")
    open_kasus(title="Lampu jalan mati")
    client.force_login(staff("petugas"))
    response = client.get(reverse("kasus:queue"), {"q": "jembatan"})
    assert [k.pk for k in response.context["page"]] == [wanted.pk]
    assert "sekitar" not in response.content.decode() and "1 kasus" in response.content.decode()


def test_a_text_search_lists_its_overdue_matches_first(client):
    matches = [open_kasus(title=f"Jembatan retak {i}") for i in range(3)]
    open_kasus(title="Lampu jalan mati")
    overdue(matches[0])
    client.force_login(staff("petugas"))
    page = client.get(reverse("kasus:queue"), {"q": "jembatan"}).context["page"]
    assert [k.pk for k in page] == [matches[0].pk, matches[2].pk, matches[1].pk]
