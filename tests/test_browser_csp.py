"""In Chromium, under the real Content-Security-Policy: htmx still works and nothing is blocked or reported."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, desa, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", e => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(browser_page):
    """The page, with every CSP violation event and console error kept for the test to read."""
    errors: list[str] = []
    browser_page.on(
        "console", lambda msg: errors.append(f"{msg.text} {msg.location['url']}") if msg.type == "error" else None
    )
    browser_page.add_init_script(RECORD_VIOLATIONS)
    browser_page.console_errors = errors
    return browser_page


def assert_clean(page) -> None:
    assert page.evaluate("window.cspViolations") == []
    # The admin's templates link no icon, so Chromium asks for /favicon.ico: a 404, not a policy matter.
    assert [e for e in page.console_errors if not e.endswith("/favicon.ico")] == []


def test_htmx_narrows_the_desa_list_under_the_csp(watched):
    place = desa()
    response = watched.goto("/aspirasi/kirim/")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    watched.select_option("select[name=kecamatan]", str(place.parent_id))
    watched.wait_for_function(
        "n => document.querySelectorAll('select[name=desa] option').length === n", arg=place.parent.children.count() + 1
    )
    # includeIndicatorStyles is off: htmx added no <style> element of its own.
    assert watched.locator("head style").count() == 0
    assert_clean(watched)


def test_resident_and_staff_pages_raise_no_violation(watched, login_as):
    login_as(UserFactory())
    for url in ("/kasus-saya/", "/akun/profil/", "/akun/email/"):
        watched.goto(url)
    login_as(staff("petugas"))
    for url in ("/petugas/", "/petugas/tindak-lanjut/", "/aspirasi/kirim/"):
        watched.goto(url)
    assert_clean(watched)


def test_the_totp_qr_code_shows_under_the_csp(watched, login_as):
    # allauth shows the QR code only after the password is confirmed again.
    login_as(staff("petugas", mfa=False))
    watched.goto(reverse("mfa_activate_totp"))
    watched.fill("input[name=password]", PASSWORD)
    watched.locator("form.akun-form button[type=submit]").click()
    watched.wait_for_url(f"**{reverse('mfa_activate_totp')}")
    qr = watched.locator("img[src^='data:image/svg+xml']")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert_clean(watched)


def test_the_admin_works_under_the_same_policy(watched, login_as):
    user = UserFactory()
    login_as(staff("admin", is_staff=True, is_superuser=True))
    for url in ("/admin/", "/admin/kasus/kasus/", f"/admin/akun/user/{user.pk}/change/", "/admin/wilayah/opd/add/"):
        watched.goto(url)
    # The admin's own scripts ran: the action bar's "select all" checkbox is wired up by actions.js.
    watched.goto("/admin/akun/user/")
    watched.locator("#action-toggle").check()
    assert watched.locator("input.action-select:checked").count() >= 1
    assert_clean(watched)
