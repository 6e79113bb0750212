"""axe-core over every page of the URLconf, for each role, at 360 px and 1280 px (issue 13.10).

The pages are the fuzz test's (tests/world.py): one object per URL name and a user per role. axe is injected
through the DevTools protocol (page.evaluate), which the page's CSP does not govern, so the CSP stays as served.
AXE_REPORT=/path/report.md writes every violation count by impact, per page, role and width, as Markdown tables.
"""

import json
import os
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from tests.reports import markdown_table, write_report
from tests.world import ROLES, urls_to_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = (Path(__file__).parent / "assets" / "axe.min.js").read_text()
WIDTHS = (360, 1280)
IMPACTS = ("critical", "serious", "moderate", "minor")
BLOCKING = IMPACTS[:2]
# AXE_PATHS=/admin/ walks only the pages under that prefix, to check one area quickly; CI walks every page.
ONLY_UNDER = os.environ.get("AXE_PATHS", "")


def axe_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )


def visit(page, url: str):
    """The page's response, or None for a download (an attachment, a calendar file) or a POST-only URL.

    Chromium shows its own error page for a 405 a moment after goto returns; that late navigation interrupts
    the next goto, which would silently drop the next page from the walk, so an interrupted goto is tried again.
    """
    from playwright.sync_api import Error as PlaywrightError  # lazy, like the browser_page fixture

    for _attempt in range(3):
        try:
            return page.goto(url)
        except PlaywrightError as error:
            if "interrupted by another navigation" not in str(error):
                return None
            page.wait_for_load_state()  # let the late navigation finish before going again
    return None


def test_no_page_has_a_serious_or_critical_axe_violation(browser_page, login_as, world, capsys):
    users, by_name, by_slug_namespace, extra = world
    urls, _unmapped = urls_to_visit(by_name, by_slug_namespace, extra)
    page = browser_page
    failures, results, seen = [], {}, {}
    for role in ROLES:
        page.context.clear_cookies()
        if role != "anon":
            login_as(users[role])
        for url in urls:
            if (url.startswith("/admin/") and role != "admin") or not url.startswith(ONLY_UNDER):
                continue
            response = visit(page, url)
            if response is None or response.status != 200 or "html" not in response.headers.get("content-type", ""):
                continue
            if "<html" not in response.text()[:300].lower():
                continue  # an htmx fragment (the desa options), not a page
            # The report names the page axe saw: a role sent elsewhere (to sign in, say) is not reported under this URL.
            landed = urlsplit(page.url).path == url.split("?")[0]
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                every = axe_violations(page)
                if landed:
                    seen[url, role, width] = every
                found = [v for v in every if v["impact"] in BLOCKING]
                results[f"{role} {width} {url}"] = [v["id"] for v in found]
                failures += [f"{role} @{width}px {url}: {v['id']} ({v['impact']}) {v['targets']}" for v in found]
    with capsys.disabled():
        print("\naxe (serious+critical violations per page):", json.dumps(results, indent=0))
    write_report("AXE_REPORT", report_sections(seen))
    assert len(results) > (0 if ONLY_UNDER else 100)  # the walk still reaches the pages
    assert not failures, "\n".join(failures)


def report_sections(walk: dict[tuple[str, str, int], list[dict]]) -> list[tuple[str, str]]:
    """Per page the worst over roles and widths (most violations of each impact), then every role and width."""
    worst: dict[str, Counter] = {}
    rules: dict[str, set[str]] = {}
    roles: dict[str, set[str]] = {}
    rows = []
    for (url, role, width), violations in sorted(walk.items()):
        by_impact = Counter(v["impact"] for v in violations)
        worst[url] = worst.get(url, Counter()) | by_impact
        rules.setdefault(url, set()).update(f"{v['id']} ({v['impact']})" for v in violations)
        roles.setdefault(url, set()).add(role)
        ids = ", ".join(sorted({v["id"] for v in violations}))
        rows.append([url, view_name(url), role, width, *(by_impact[i] for i in IMPACTS), ids or "–"])
    summary = [
        [url, view_name(url), len(roles[url]), *(worst[url][i] for i in IMPACTS), ", ".join(sorted(rules[url])) or "–"]
        for url in sorted(worst)
    ]
    return [
        (
            f"axe per page: worst over roles and widths ({len(summary)} pages)",
            markdown_table(["page", "URL name", "roles", *IMPACTS, "rules"], summary),
        ),
        (
            f"axe per page, role and width ({len(rows)} runs)",
            markdown_table(["page", "URL name", "role", "px", *IMPACTS, "rules"], rows),
        ),
    ]


def view_name(url: str) -> str:
    return resolve(url.split("?")[0]).view_name
