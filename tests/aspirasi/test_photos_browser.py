"""In Chromium, under the real Content-Security-Policy: chosen photos show as thumbnails before sending."""

import pytest

from tests.test_browser_csp import assert_clean, watched  # noqa: F401 - `watched` is a fixture

from .factories import jpeg_bytes, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


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
