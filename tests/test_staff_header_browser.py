"""On a 360 px phone the staff links are one short bar, not a block of wrapped lines above every page (issue 13.6)."""

import pytest

from tests.factories import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_staff_bar_is_one_short_line_on_a_phone_and_every_link_is_reachable(login_as):
    page = login_as(staff("admin"))
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/petugas/")
    bar = page.locator("nav.staff-bar")
    height = bar.evaluate("el => el.getBoundingClientRect().height")
    line = bar.locator("a").first.evaluate("el => el.getBoundingClientRect().height")
    assert height < 2 * line + 16  # one row of links, not four
    last = bar.locator("a").last
    last.scroll_into_view_if_needed()
    assert last.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the bar scrolls, not the page
