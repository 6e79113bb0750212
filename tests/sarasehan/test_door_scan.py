"""At the door: typed codes with spaces, the full-screen answer, the camera allowed on this page only."""

import io

import pytest
import segno
from django.urls import reverse

from sarasehan import selectors
from sarasehan.models import PendaftaranSarasehan
from tests.factories import staff

from .factories import on_the_day, register, sarasehan

pytestmark = pytest.mark.django_db


def grouped(code: str) -> str:
    """The code as people type it from a printout: lower case, in two groups, with stray spaces."""
    return f"  {code[:4].lower()} {code[4:].lower()} "


def test_a_typed_code_ignores_spaces_dashes_and_case():
    assert selectors.code_from_input(" abcd efgh ") == "ABCDEFGH"
    assert selectors.code_from_input("abcd-efgh") == "ABCDEFGH"


def test_a_scanned_check_in_url_still_reads_its_code():
    assert selectors.code_from_input("https://portal.example/petugas/sarasehan/x/checkin/?kode=ABCDEFGH") == "ABCDEFGH"


def door(client):
    s = sarasehan()
    reg = register(s)
    on_the_day(s)
    client.force_login(staff("protokol"))
    return s, reg, reverse("sarasehan:checkin", args=[s.slug])


def test_a_code_typed_with_spaces_checks_the_guest_in_and_says_so_full_screen(client):
    _s, reg, url = door(client)
    body = client.post(url, {"code": grouped(reg.code)}, follow=True).content.decode()
    reg.refresh_from_db()
    assert reg.checked_in_at is not None
    assert 'class="door-result door-result-hadir"' in body and "Silakan masuk" in body


def test_the_second_scan_says_already_in(client):
    _s, reg, url = door(client)
    client.post(url, {"code": reg.code})
    body = client.post(url, {"code": reg.code}, follow=True).content.decode()
    assert 'class="door-result door-result-sudah"' in body and "sudah tercatat hadir" in body


def test_an_unknown_code_says_unknown(client):
    _s, _reg, url = door(client)
    body = client.post(url, {"code": "ZZZZ ZZZZ"}, follow=True).content.decode()
    assert 'class="door-result door-result-tidak"' in body and "tidak dikenal" in body


def test_the_answer_is_shown_once(client):
    _s, reg, url = door(client)
    client.post(url, {"code": reg.code})
    client.get(url)
    assert "door-result" not in client.get(url).content.decode().replace("door-result-next", "")


def test_only_the_check_in_page_may_use_the_camera(client):
    s, _reg, url = door(client)
    assert "camera=(self)" in client.get(url)["Permissions-Policy"]
    assert "camera=()" in client.get(reverse("sarasehan:staff_detail", args=[s.slug]))["Permissions-Policy"]


def qr_png(text: str) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=8, border=4)
    return out.getvalue()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_protokol_checks_guests_in_by_a_scanned_qr_image_and_by_a_typed_code(browser_page, login_as, settings):
    s = sarasehan(title="Sarasehan Pasar Rakyat")
    first, second = register(s, 2)
    on_the_day(s)
    page = login_as(staff("protokol"))
    page.goto(reverse("sarasehan:checkin", args=[s.slug]))

    # The camera path: the same decoder reads a photo of the QR code printed on the registration.
    page.set_input_files(
        "#door-photo",
        files=[{"name": "kode.png", "mimeType": "image/png", "buffer": qr_png(selectors.checkin_url(s, first.code))}],
    )
    page.locator(".door-result-hadir").wait_for()
    assert first.name in page.locator(".door-result-text").inner_text()
    page.get_by_role("link", name="Peserta berikutnya").click()

    page.get_by_label("Kode pendaftaran").fill(grouped(second.code))
    page.get_by_role("button", name="Catat hadir").click()
    page.locator(".door-result-hadir").wait_for()

    assert PendaftaranSarasehan.objects.filter(pk__in=[first.pk, second.pk], checked_in_at__isnull=False).count() == 2
