"""axe-core in Chromium: the public accountability and survey pages have no serious or critical violation.

axe-core is vendored from the npm registry at tests/assets/axe.min.js (MPL-2.0, tests/assets/axe.LICENSE).
"""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from portal.kasus import services
from skm.selectors import invitation_token
from tests.factories import kasus_at
from tests.skm.factories import answer, undangan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = (Path(__file__).resolve().parent.parent / "assets" / "axe.min.js").read_text()
WIDTHS = (360, 1280)


def serious_violations(page) -> list[str]:
    # Evaluated through the DevTools protocol, so the page's Content-Security-Policy does not block it.
    page.evaluate(AXE)
    results = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results
        if v["impact"] in ("serious", "critical")
    ]


def test_public_pages_have_no_serious_or_critical_violations(browser_page):
    kasus = kasus_at("dijawab")
    item = services.tindak_lanjut_add(
        kasus_id=kasus.pk,
        actor=None,
        description="Perbaikan jalan desa",
        opd=kasus.opd,
        due_date=timezone.localdate() - dt.timedelta(days=2),
    )
    services.tindak_lanjut_complete(tindak_lanjut_id=item.pk, actor=None, evidence="Foto hasil perbaikan")
    answer([3, 4, 3, 3, 4, 3, 4, 3, 3])
    urls = [
        "/transparansi/janji/",
        "/transparansi/ikm/",
        f"/transparansi/kasus/{kasus.reference}/",
        f"/survei/{invitation_token(undangan())}/",
    ]
    found = {}
    for width in WIDTHS:
        browser_page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            browser_page.goto(url)
            if violations := serious_violations(browser_page):
                found[f"{url} @ {width}px"] = violations
    assert found == {}
