"""axe-core over every page of the URLconf, for each role, at 360 px and 1280 px (issue 13.10).

The pages are the fuzz test's (tests/world.py): one object per URL name and a user per role. axe is injected
through the DevTools protocol (page.evaluate), which the page's CSP does not govern, so the CSP stays as served.
"""

import json
import os
from pathlib import Path

import pytest

from tests.world import ROLES, urls_to_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = (Path(__file__).parent / "assets" / "axe.min.js").read_text()
WIDTHS = (360, 1280)
BLOCKING = ("serious", "critical")
# AXE_PATHS=/admin/ walks only the pages under that prefix, to check one area quickly; CI walks every page.
ONLY_UNDER = os.environ.get("AXE_PATHS", "")


def axe_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )


def test_no_page_has_a_serious_or_critical_axe_violation(browser_page, login_as, world, capsys):
    from playwright.sync_api import Error as PlaywrightError  # lazy, like the browser_page fixture

    users, by_name, by_slug_namespace, extra = world
    urls, _unmapped = urls_to_visit(by_name, by_slug_namespace, extra)
    page = browser_page
    failures, results = [], {}
    for role in ROLES:
        page.context.clear_cookies()
        if role != "anon":
            login_as(users[role])
        for url in urls:
            if (url.startswith("/admin/") and role != "admin") or not url.startswith(ONLY_UNDER):
                continue
            try:
                response = page.goto(url)
            except PlaywrightError:
                continue  # a download (an attachment, a calendar file): not a page
            if response is None or response.status != 200 or "html" not in response.headers.get("content-type", ""):
                continue
            if "<html" not in response.text()[:300].lower():
                continue  # an htmx fragment (the desa options), not a page
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                found = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
                results[f"{role} {width} {url}"] = [v["id"] for v in found]
                failures += [f"{role} @{width}px {url}: {v['id']} ({v['impact']}) {v['targets']}" for v in found]
    with capsys.disabled():
        print("\naxe (serious+critical violations per page):", json.dumps(results, indent=0))
    assert len(results) > (0 if ONLY_UNDER else 100)  # the walk still reaches the pages
    assert not failures, "\n".join(failures)
