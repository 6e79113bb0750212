"""The staff map of the queue's filter and the public map: fixed queries, late cases marked, no personal data,
anonymous reports rounded to the desa."""

import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.kasus.models import Kasus
from portal.wilayah import geo
from tests.factories import desa, staff

from .factories import submit
from .place import GIRITIRTO, north_of_centre, pinned

pytestmark = pytest.mark.django_db


def data_attr(html: str, name: str) -> list[dict]:
    raw = re.search(rf'data-{name}="([^"]*)"', html).group(1)
    return json.loads(raw.replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&"))


def queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def aspirasi_case(**kwargs) -> Kasus:
    """A verified aspirasi case (the public map shows aspirasi cases only)."""
    from portal.kasus import services

    kasus = submit(**kwargs).kasus
    services.kasus_verify(kasus_id=kasus.pk, actor=None)
    kasus.refresh_from_db()
    return kasus


def test_the_staff_map_runs_a_fixed_number_of_queries(client):
    client.force_login(staff("petugas"))
    pinned(title="Satu")
    few = queries(client, reverse("aspirasi:staff_map"))
    for i in range(6):
        pinned(title=f"Kasus {i}", wilayah=desa() if i % 2 else None)
    assert queries(client, reverse("aspirasi:staff_map")) == few


def test_the_public_map_runs_a_fixed_number_of_queries(client):
    aspirasi_case(wilayah=desa())
    few = queries(client, reverse("aspirasi:public_map"))
    for _ in range(5):
        aspirasi_case(wilayah=desa())
    assert queries(client, reverse("aspirasi:public_map")) == few


def test_the_staff_map_groups_per_desa_and_counts_late_cases(client):
    client.force_login(staff("petugas"))
    late = pinned(title="Terlambat")
    Kasus.objects.filter(pk=late.pk).update(due_at=late.created_at.replace(year=2000))
    pinned(title="Tepat waktu", at=north_of_centre(10))
    clusters = data_attr(client.get(reverse("aspirasi:staff_map")).content.decode(), "clusters")
    (cluster,) = clusters
    assert cluster["count"] == 2 and cluster["late"] == 1 and cluster["nama"] == "Giritirto"


def test_the_staff_map_follows_the_queue_filter(client):
    client.force_login(staff("petugas"))
    pinned(title="Diverifikasi")
    pinned("didisposisikan", title="Didisposisikan", wilayah=desa())
    html = client.get(reverse("aspirasi:staff_map"), {"status": "didisposisikan"}).content.decode()
    assert [c["nama"] for c in data_attr(html, "clusters")] == [desa().nama]


def test_a_single_case_cluster_links_to_the_case(client):
    client.force_login(staff("petugas"))
    kasus = pinned(title="Sendiri")
    html = client.get(reverse("aspirasi:staff_map")).content.decode()
    assert reverse("kasus:detail", args=[kasus.reference]) in html


def test_the_staff_map_needs_a_staff_account(client):
    assert client.get(reverse("aspirasi:staff_map")).status_code == 302


def test_the_public_map_rounds_an_anonymous_report_to_the_desa_centroid(client):
    place = desa("Giritirto")
    pin = north_of_centre(120)
    named = aspirasi_case(wilayah=place, title="Bernama", titik=pin)
    anonymous = aspirasi_case(wilayah=place, title="Anonim", titik=pin, is_anonymous=True)
    points = {
        p["reference"]: p for p in data_attr(client.get(reverse("aspirasi:public_map")).content.decode(), "points")
    }
    assert (points[named.reference]["lat"], points[named.reference]["lng"]) == (round(pin[0], 6), round(pin[1], 6))
    centroid = geo.desa_by_kode()[GIRITIRTO].centroid
    assert (points[anonymous.reference]["lat"], points[anonymous.reference]["lng"]) == centroid


def test_the_public_map_shows_no_confidential_unverified_or_personal_data(client):
    shown = aspirasi_case(wilayah=desa(), reporter_name="Budi Santoso Rahasia")
    secret = aspirasi_case(wilayah=desa(), is_confidential=True)
    unverified = submit(wilayah=desa()).kasus
    html = client.get(reverse("aspirasi:public_map")).content.decode()
    assert shown.reference in html
    assert secret.reference not in html and unverified.reference not in html
    assert "Budi Santoso" not in html and shown.tracking_token not in html


def test_no_tile_server_by_default(client, settings):
    html = client.get(reverse("aspirasi:public_map")).content.decode()
    assert 'data-tile-url=""' in html
    assert "tile" not in client.get(reverse("aspirasi:public_map"))["Content-Security-Policy"]


def test_a_configured_tile_server_is_allowed_by_the_csp():
    import os
    import subprocess
    import sys

    env = {**os.environ, "MAP_TILE_URL": "https://{s}.tile.example.org/{z}/{x}/{y}.png", "DEBUG": "1"}
    code = "from portal import settings as s; print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert "https://*.tile.example.org" in out and "'self'" in out


def test_a_second_view_of_the_staff_map_within_the_minute_reads_no_case(client):
    client.force_login(staff("petugas"))
    pinned(title="Satu")
    url = reverse("aspirasi:staff_map")
    cache.clear()
    first = data_attr(client.get(url).content.decode(), "clusters")
    pinned(title="Dua", wilayah=desa())
    with CaptureQueriesContext(connection) as ctx:
        again = data_attr(client.get(url).content.decode(), "clusters")
    assert again == first
    assert not [q for q in ctx.captured_queries if 'FROM "kasus_kasus"' in q["sql"] or '"wilayah_wilayah"' in q["sql"]]
