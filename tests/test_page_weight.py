"""Every public page's first load stays under 100 KB of uncompressed HTML, CSS and JS (issue 13.9).

A page's weight is its HTML plus every stylesheet and script it links (images and fonts aside); htmx (51 KB)
counts only on the pages that use it; the map library is the one documented exception (MAP_LIBRARY). The
figures are printed in every run; WEIGHT_REPORT=/path/report.md writes them as a Markdown table.
"""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from tests.reports import markdown_table, write_report
from tests.world import urls_to_visit

pytestmark = pytest.mark.django_db

LIMIT = 100 * 1024
# Why not under 100 KB: the two map pages link Leaflet (148 KB JS + 15 KB CSS, vendored: no tile server, no
# CDN), since the map is their content. The rest of such a page is held to the same limit. Every other page,
# the aspirasi form included, loads Leaflet only when asked (static/js/peta.js).
MAP_LIBRARY = ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css")
MAP_PAGES = ("/transparansi/peta/", "/petugas/peta/")
ASSET = re.compile(r'<(?:link[^>]*rel="stylesheet"[^>]*href|script[^>]*src)="([^"]+)"')
STATIC_PREFIX = static("")


def asset_bytes(url: str) -> int:
    path = finders.find(url.removeprefix(STATIC_PREFIX).split("?")[0])
    assert path, f"linked asset not found: {url}"
    with open(path, "rb") as f:
        return len(f.read())


def test_every_public_page_loads_under_100_kb(client, world, capsys):
    _users, by_name, by_slug_namespace, extra = world
    urls, _unmapped = urls_to_visit(by_name, by_slug_namespace, extra)
    weights, rows = {}, []
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        sizes = {a.split("?")[0]: asset_bytes(a) for a in set(ASSET.findall(html))}
        css = sum(size for a, size in sizes.items() if a.endswith(".css"))
        js = sum(sizes.values()) - css
        exempt = sum(size for a, size in sizes.items() if url in MAP_PAGES and a.endswith(MAP_LIBRARY))
        total = len(response.content) + css + js
        weights[url] = total - exempt
        rows.append(
            [url, len(response.content), css, js, total, f"{total - exempt} (map library aside)" if exempt else total]
        )
    with capsys.disabled():
        print("\npage weight (bytes, HTML+CSS+JS uncompressed):", json.dumps(weights, indent=0))
    table = markdown_table(["page", "HTML", "CSS", "JS", "total first load", "held to 100 KB"], rows)
    write_report("WEIGHT_REPORT", [("First load of each public page (bytes, uncompressed)", table)])
    assert len(weights) > 15  # the walk still reaches the public pages
    heavy = {url: size for url, size in weights.items() if size >= LIMIT}
    assert not heavy, heavy


def test_htmx_loads_only_on_pages_that_use_it(client, world):
    _users, by_name, by_slug_namespace, extra = world
    urls, _unmapped = urls_to_visit(by_name, by_slug_namespace, extra)
    for url in urls:
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            html = response.content.decode()
            assert ("htmx.min.js" in html) == (" hx-get=" in html or " hx-post=" in html), url
