"""What axe cannot see (issue 13.10), in Chromium: 200 % zoom without loss, focus order, visible focus, errors
tied to their fields.
"""

import re

import pytest

from tests.audiensi.factories import open_availability
from tests.factories import UserFactory, kasus_at, staff
from tests.sarasehan.factories import sarasehan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Elements reaching past the viewport's right edge, or cut by a box that hides its overflow. A box that scrolls
# (a wide table in .table-wrap) keeps its content reachable, so what is inside one does not count; nor do the
# visually hidden texts and the skip link, which sit off-screen on purpose.
LOST_CONTENT = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = el => { for (let a = el.parentElement; a; a = a.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(a).overflowX)) return true; } return false; };
  const lost = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || el.closest(".visually-hidden, .skip-link") || scrolls(el)) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden") continue;
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : "");
    if (box.right > width + 1) lost.push(`${name} reaches ${Math.round(box.right)} px`);
    else if (["hidden", "clip"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      lost.push(`${name} cuts ${el.scrollWidth - el.clientWidth} px`);
  }
  return lost;
}"""

# Walks the Tab key through the page from its start; returns each focused element's name and position.
TAB_WALK = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    name: el.tagName.toLowerCase() + (el.id ? "#" + el.id : el.name ? "[name=" + el.name + "]" : ""),
    top: box.top + window.scrollY, left: box.left, bottom: box.bottom + window.scrollY,
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    visible: box.width > 0 && box.height > 0,
  };
}"""


def tab_through(page, limit: int = 80) -> list[dict]:
    """Press Tab from the top of the page until focus leaves the document or comes round again."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    stops: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(TAB_WALK)
        if stop["name"] == "body" or (stops and stop == stops[0]):
            break
        stops.append(stop)
    return stops


@pytest.fixture
def zoomed(browser_page, live_server):
    """A 1280 × 800 screen at 200 % zoom: 640 CSS px wide, each drawn with two device pixels."""
    context = browser_page.context.browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 640, "height": 400}, device_scale_factor=2
    )
    yield context.new_page()
    context.close()


def test_main_pages_at_200_percent_zoom_lose_nothing_and_need_no_sideways_scroll(zoomed, live_server, client):
    event = sarasehan()
    kasus_at("dijawab")
    pages = ["/", "/aspirasi/kirim/", "/aspirasi/transparansi/", "/transparansi/", "/akun/login/", "/akun/signup/"]
    pages += ["/sarasehan/", f"/sarasehan/{event.slug}/", "/lacak/"]
    for url in pages:
        zoomed.goto(url)
        assert zoomed.evaluate("document.documentElement.scrollWidth") <= 640, url
        assert zoomed.evaluate(LOST_CONTENT) == [], url
    client.force_login(staff("petugas"))
    zoomed.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    for url in ["/petugas/", "/petugas/dasbor/"]:
        zoomed.goto(url)
        assert zoomed.evaluate("document.documentElement.scrollWidth") <= 640, url
        assert zoomed.evaluate(LOST_CONTENT) == [], url


@pytest.mark.parametrize("width", [360, 1280])
def test_tab_order_on_the_aspirasi_form_follows_the_visual_order(browser_page, width):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/aspirasi/kirim/")
    form = page.evaluate(
        "() => { const b = document.querySelector('form.aspirasi-form').getBoundingClientRect();"
        " return {top: b.top + window.scrollY, bottom: b.bottom + window.scrollY}; }"
    )
    stops = [s for s in tab_through(page) if form["top"] <= s["top"] <= form["bottom"]]
    assert len(stops) > 10  # the walk reached the form's fields, not just the header
    for before, after in zip(stops, stops[1:], strict=False):
        same_row = after["top"] < before["bottom"] and after["left"] > before["left"]
        assert after["top"] >= before["top"] - 1 or same_row, f"{after['name']} comes after {before['name']}"


def test_every_link_and_button_shows_where_the_keyboard_focus_is(browser_page, login_as):
    page = browser_page
    for url in ["/", "/aspirasi/kirim/", "/akun/login/"]:
        page.goto(url)
        stops = tab_through(page)
        assert len(stops) > 5, url
        assert [s["name"] for s in stops if s["visible"] and not s["outline"]] == [], url
    login_as(staff("petugas"))
    page.goto("/petugas/")
    stops = tab_through(page)
    assert [s["name"] for s in stops if s["visible"] and not s["outline"]] == []


# Each error message's id is in its field's aria-describedby, so a screen reader reads it with the field.
ERRORS_UNTIED = """() => [...document.querySelectorAll(".error-message")].filter(message => {
  const box = message.closest(".field, fieldset");
  const described = box ? [box, ...box.querySelectorAll("[aria-describedby]")] : [];
  const ties = el => (el.getAttribute("aria-describedby") || "").split(" ").includes(message.id);
  return !message.id || !described.some(ties);
}).map(message => message.id || message.textContent.trim())"""


def submit_empty(page, url: str, button: str) -> None:
    page.goto(url)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert page.title().startswith("Kesalahan: "), url


def test_every_error_message_is_tied_to_its_field(browser_page, login_as):
    from playwright.sync_api import expect  # lazy, like the browser_page fixture

    page = browser_page
    event = sarasehan()
    open_availability()
    forms = [("/akun/signup/", "Daftar"), ("/akun/login/", "Masuk"), ("/aspirasi/kirim/", "Lanjut: periksa isian")]
    forms.append((f"/sarasehan/{event.slug}/", "Daftar"))
    for url, button in forms:
        submit_empty(page, url, button)
        assert page.locator(".error-message").count() > 0, url
        assert page.evaluate(ERRORS_UNTIED) == [], url
    # What a screen reader announces on the field: its label as the name, the error in the description.
    submit_empty(page, "/aspirasi/kirim/", "Lanjut: periksa isian")
    title = page.locator("#id_title")
    expect(title).to_have_accessible_name("Judul (wajib)")
    expect(title).to_have_accessible_description(re.compile("Kesalahan: Tuliskan judul laporan Anda"))
    login_as(UserFactory())
    submit_empty(page, "/audiensi/ajukan/", "Kirim permohonan")
    assert page.evaluate(ERRORS_UNTIED) == []
