"""In Chromium at 360 px: a resident opens the map on demand, taps it, the desa is selected, a case nearby is
listed, and the resident follows it instead of sending a duplicate."""

import pytest

from portal.kasus.models import Kasus, Pengikut
from tests.factories import UserFactory

from .place import centre, giritirto, north_of_centre, pinned

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_resident_pins_the_place_sees_a_case_nearby_and_follows_it(browser_page, login_as):
    earlier = pinned(at=north_of_centre(60), title="Gorong-gorong ambrol di depan SD")
    resident = UserFactory()
    page = login_as(resident)
    csp_errors = []
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto("/aspirasi/kirim/")
    page.fill("input[name=title]", "Gorong-gorong ambrol")
    assert page.evaluate("typeof L") == "undefined"  # the form's first load leaves Leaflet out
    page.get_by_role("button", name="Tandai lokasi di peta").click()
    page.wait_for_function(
        "() => { const el = document.querySelector('#peta-pin');"
        " return el && el.leafletMap && el.querySelectorAll('path.leaflet-interactive').length > 200; }"
    )
    lat, lng = centre()
    point = page.evaluate(
        "([lat, lng]) => { const el = document.querySelector('#peta-pin'); const map = el.leafletMap;"
        " map.setView([lat, lng], 15, {animate: false}); const p = map.latLngToContainerPoint([lat, lng]);"
        " return {x: p.x, y: p.y}; }",
        [lat, lng],
    )
    page.locator("#peta-pin").click(position=point)

    place = giritirto()
    page.wait_for_function(f"() => document.getElementById('id_desa').value === '{place.pk}'")
    assert page.locator("#id_kecamatan").input_value() == str(place.parent_id)
    nearby = page.locator("#sekitar")
    nearby.get_by_text(earlier.reference).wait_for()
    assert "Diverifikasi" in nearby.inner_text()

    nearby.get_by_role("button", name="Ikuti kasus ini saja").click()
    page.get_by_text(f"Anda kini mengikuti kasus {earlier.reference}").wait_for()
    assert Pengikut.objects.filter(kasus=earlier, user=resident, reason=Pengikut.Reason.FOLLOW).exists()
    assert Kasus.objects.count() == 1
    assert csp_errors == []


def test_the_public_map_draws_the_cases_without_breaking_the_csp(browser_page):
    from .test_maps import aspirasi_case

    kasus = aspirasi_case(wilayah=giritirto(), titik=north_of_centre(100))
    page = browser_page
    csp_errors = []
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/transparansi/peta/")
    page.wait_for_function("() => document.querySelectorAll('[data-peta] path.leaflet-interactive').length > 294")
    page.locator("[data-peta] path.leaflet-interactive").last.click(force=True)
    page.locator(".leaflet-popup-content").get_by_text(kasus.reference).wait_for()
    assert csp_errors == []


def test_the_public_map_is_fitted_at_once_so_a_marker_stays_where_it_is_tapped(browser_page):
    from .test_maps import aspirasi_case

    aspirasi_case(wilayah=giritirto(), titik=north_of_centre(100))
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/transparansi/peta/")
    page.wait_for_function("() => document.querySelectorAll('[data-peta] path.leaflet-interactive').length > 294")
    marker = page.locator("[data-peta] path.leaflet-interactive").last
    drawn = marker.bounding_box()
    # Longer than Leaflet's zoom animation (0.25 s): an animated fit would have moved the marker by now.
    page.wait_for_timeout(600)
    assert marker.bounding_box() == drawn
