"""In Chromium, under the real Content-Security-Policy: chosen photos show as thumbnails before sending."""

import pytest

from tests.test_browser_csp import RECORD_VIOLATIONS, assert_clean

from .factories import jpeg_bytes, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def watched(browser_page):
    """The page, keeping CSP violations and console errors for `assert_clean`."""
    errors: list[str] = []
    browser_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    browser_page.add_init_script(RECORD_VIOLATIONS)
    browser_page.console_errors = errors
    return browser_page


def test_chosen_photos_show_as_thumbnails_and_pdfs_by_name(watched):
    watched.set_viewport_size({"width": 360, "height": 740})
    watched.goto("/aspirasi/kirim/")
    watched.set_input_files(
        "input[name=lampiran]",
        [
            {"name": "jalan.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((200, 150))},
            {"name": "surat.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
        ],
    )
    watched.wait_for_function(
        "() => { const img = document.querySelector('.lampiran-preview img');"
        " return img && img.complete && img.naturalWidth === 200; }"
    )
    items = watched.locator(".lampiran-preview li")
    assert items.count() == 2
    assert watched.locator(".lampiran-preview img").get_attribute("src").startswith("blob:")
    assert items.nth(1).locator("img").count() == 0 and items.nth(1).inner_text() == "surat.pdf"
    assert_clean(watched)
