import os
import shutil

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from portal.celery import app as celery_app
from tests.world import world  # noqa: F401  (the whole-URLconf fixture, shared by the fuzz and axe tests)

CHROMIUM = "/usr/bin/chromium"


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(items):
    """Transactional tests restore the migrated reference data (regions, roles) after their flush."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
            item.add_marker(
                pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True), append=False
            )


def pytest_runtest_setup(item):
    # CI sets REQUIRE_POSTGRES / REQUIRE_BROWSER so that a skip there is a failure.
    if item.get_closest_marker("postgres") and not on_postgres():
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL-only test ran without PostgreSQL (REQUIRE_POSTGRES is set)")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("browser test without Chromium (REQUIRE_BROWSER is set)")
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")


@pytest.fixture(autouse=True)
def _isolated_side_effects(settings, tmp_path):
    """Tasks run in-process, uploads go to a temporary folder and the cache starts empty.

    Tests of real delivery opt out of eager tasks explicitly (the `eager_off` fixture).
    """
    celery_app.conf.task_always_eager = True
    settings.SITE_URL = "http://testserver"
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()
    # A request's language stays active in the thread: the next test starts in the portal's language.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def eager_off():
    """Publish tasks to the real broker instead of running them in-process."""
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture
def browser_page(live_server):
    """A Playwright page in Debian's Chromium, pointed at the live server. Import is lazy: SQLite runs skip it."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        context = browser.new_context(base_url=live_server.url, locale="id-ID")
        page = context.new_page()
        # Generous: CI runs the browser tests on a 2-core machine beside PostgreSQL, Redis and the live server.
        page.set_default_timeout(30_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.fixture
def login_as(browser_page, live_server, client):
    """Sign a user in to the browser by session cookie (the MFA sign-in itself has its own test)."""

    def _login(user):
        # Requests the last page still has in flight (an image) carry the previous user's cookie, which
        # force_login below ends: their answers would delete the new user's cookie on arrival.
        browser_page.wait_for_load_state("networkidle")
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        # One session cookie at a time: the previous user's must not be the one the server reads.
        browser_page.context.clear_cookies()
        browser_page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
        return browser_page

    return _login


@pytest.fixture(scope="session", autouse=True)
def _release_test_database(django_db_setup, django_db_blocker):
    """End connections other threads left open (the live server's) so the test database can be dropped."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
