"""Anonymous GETs of the public pages write nothing (no session, no row) in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import page_cache
from tests.factories import open_kasus, staff

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")
# (page, queries when rendered, queries of a later anonymous visit); a page that grows by a query shows here.
# The cached pages (portal.page_cache) answer a returning anonymous visitor without the database.
PAGES = [
    ("/", 1, 0),
    ("/sarasehan/", 2, 0),
    ("/audiensi/", 5, 0),
    ("/transparansi/", 8, 0),
    ("/transparansi/janji/", 4, 0),
    ("/transparansi/peta/", 0, 0),
    ("/lacak/", 0, 0),
    ("/aspirasi/kirim/", 1, 0),
]


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.mark.parametrize(("path", "rendered", "cached"), PAGES)
def test_an_anonymous_get_writes_nothing_and_sets_no_session(client, path, rendered, cached):
    client.get(path)  # warm caches a first visit may fill
    page_cache.bump()  # the page itself is rendered again
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    assert writes(ctx.captured_queries) == []
    assert "sessionid" not in response.cookies
    assert len(ctx.captured_queries) == rendered
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    assert len(ctx.captured_queries) == cached


@pytest.mark.parametrize("page", ["tracking", "staff queue", "form"])
def test_a_private_page_is_never_stored_by_a_shared_cache(client, page):
    kasus = open_kasus()
    if page == "staff queue":
        client.force_login(staff("petugas"))
    path = {"tracking": f"/lacak/{kasus.tracking_token}/", "staff queue": "/petugas/", "form": "/aspirasi/kirim/"}[page]
    response = client.get(path)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "Cookie" in response["Vary"]


def test_the_home_page_varies_on_cookie(client):
    # Signed-in visitors see their own menu: a shared cache must key the page on the cookie.
    assert "Cookie" in client.get("/")["Vary"]
