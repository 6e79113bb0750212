"""A petugas signs in through the real allauth forms (password, then TOTP) and works a case in Chromium."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

from portal.kasus.models import Riwayat
from tests.factories import PASSWORD, TOTP_SECRET, open_kasus, staff


def current_totp_code() -> str:
    # A code read in the last seconds of its period can reach the server in the next one, where it is refused.
    left = mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD
    if left < 3:
        time.sleep(left)
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(TOTP_SECRET, counters[len(counters) // 2]))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_signs_in_with_totp_and_adds_an_internal_note(browser_page):
    petugas = staff("petugas", email="petugas.browser@wonogirikab.go.id")
    kasus = open_kasus(title="Talud longsor di tepi sungai")
    page = browser_page

    page.goto("/akun/login/")
    page.fill("input[name=login]", petugas.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.akun-form button[type=submit]")
    page.wait_for_url("**/akun/2fa/authenticate/")
    page.fill("input[name=code]", current_totp_code())
    page.click("form.akun-form button[type=submit]")
    page.wait_for_url(lambda url: "/2fa/" not in url and "/login/" not in url)

    page.goto("/petugas/")
    page.click(f"text={kasus.reference}")
    page.wait_for_url(f"**/petugas/kasus/{kasus.reference}/")
    assert page.locator("h1").inner_text() == "Talud longsor di tepi sungai"

    page.click("#aksi-catatan summary")
    page.fill("textarea[name=catatan-message]", "Sudah dicek ke lokasi bersama perangkat desa.")
    page.click("#aksi-catatan button[type=submit]")
    page.wait_for_url(f"**/petugas/kasus/{kasus.reference}/")

    assert page.locator(".msg-success").inner_text() == "Catatan internal telah disimpan."
    entry = page.locator(".timeline li.riwayat-internal").last
    assert "Sudah dicek ke lokasi bersama perangkat desa." in entry.inner_text()
    assert Riwayat.objects.filter(kasus=kasus, kind="note.internal", actor=petugas).count() == 1
