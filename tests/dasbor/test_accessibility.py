"""axe-core in Chromium: the dashboard and /transparansi/ have no serious or critical violation, narrow or wide."""

from pathlib import Path

import pytest

from tests.factories import kasus_at, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = (Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.impact} ${v.id}: ${v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", ")}`);
}"""


def violations(page, url: str, width: int) -> list[str]:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url)
    # Evaluated through DevTools, not as a page script: the page's CSP stays as it is.
    page.evaluate(AXE)
    return page.evaluate(RUN)


@pytest.mark.parametrize("width", [360, 1280])
def test_the_dashboard_and_the_public_page_pass_axe(browser_page, login_as, width):
    for status in ("dijawab", "ditindaklanjuti", "baru"):
        kasus_at(status)
    assert violations(browser_page, "/transparansi/", width) == []
    login_as(staff("pimpinan"))
    assert violations(browser_page, "/petugas/dasbor/?periode=tahun-ini", width) == []
