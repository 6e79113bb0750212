"""Forms the GOV.UK way in Chromium: the error summary takes a resident to the field; the journey without JS."""

import pytest

from tests.aspirasi.factories import form_data
from tests.audiensi.factories import open_availability
from tests.factories import UserFactory, desa
from tests.sarasehan.factories import sarasehan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FOCUSED_ID = "() => document.activeElement && document.activeElement.id"
ON_SUMMARY = "() => document.activeElement && document.activeElement.hasAttribute('data-error-summary')"


def submit_empty_and_follow_the_summary(page, url: str, button: str) -> str:
    page.goto(url)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    assert page.title().startswith("Kesalahan: "), url
    page.wait_for_function(ON_SUMMARY)
    link = page.locator("[data-error-summary] a").first
    target = link.get_attribute("href").removeprefix("#")
    link.click()
    page.wait_for_function(f"() => document.activeElement && document.activeElement.id === {target!r}")
    field = page.locator(f"#{target}")
    assert field.get_attribute("aria-invalid") == "true" or field.get_attribute("type") == "radio", url
    return target


def test_a_resident_with_an_error_on_each_form_is_taken_to_the_field_from_the_summary(browser_page, login_as):
    page = browser_page
    event = sarasehan()
    open_availability()
    assert submit_empty_and_follow_the_summary(page, "/akun/signup/", "Daftar") == "id_email"
    assert submit_empty_and_follow_the_summary(page, "/akun/login/", "Masuk") == "id_login"
    assert submit_empty_and_follow_the_summary(page, "/aspirasi/kirim/", "Lanjut: periksa isian") == "id_title"
    assert submit_empty_and_follow_the_summary(page, f"/sarasehan/{event.slug}/", "Daftar") == "id_name"
    login_as(UserFactory())
    assert submit_empty_and_follow_the_summary(page, "/audiensi/ajukan/", "Kirim permohonan") == "id_slot_0"


def test_the_resident_journey_at_360_px_without_javascript(browser_page, live_server):
    context = browser_page.context.browser.new_context(
        base_url=live_server.url, locale="id-ID", java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    place = desa()
    data = form_data(desa=str(place.pk), kecamatan=str(place.parent_id))
    page.goto("/aspirasi/kirim/")
    assert page.locator("html").bounding_box()["width"] <= 360  # nothing wider than the phone
    page.get_by_label("Pengaduan (keluhan)").check()
    page.fill("input[name=title]", data["title"])
    # A mistake first: the page says so in its title and the summary comes first, no script needed.
    page.get_by_role("button", name="Lanjut: periksa isian").click()
    assert page.title().startswith("Kesalahan: ")
    assert page.locator("main > *:not(.messages)").first.get_attribute("class") == "error-summary"
    page.fill("textarea[name=description]", data["description"])
    page.select_option("select[name=desa]", str(place.pk))  # the grouped list works without htmx
    page.select_option("select[name=kecamatan]", str(place.parent_id))
    page.fill("input[name=reporter_name]", data["reporter_name"])
    page.fill("input[name=reporter_email]", data["reporter_email"])
    page.check("input[name=consent]")
    page.get_by_role("button", name="Lanjut: periksa isian").click()
    assert page.title().startswith("Periksa laporan Anda")
    assert data["title"] in page.content()
    page.get_by_role("button", name="Kirim laporan").click()
    page.wait_for_url("**/aspirasi/terkirim/")
    assert "Nomor kasus" in page.content()
    context.close()
