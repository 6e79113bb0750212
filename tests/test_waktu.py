"""Times of day are written one way: "09.00 WIB" in Indonesian, "09:00 WIB" in English."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

from portal import waktu

UTC = dt.UTC
JAKARTA = ZoneInfo("Asia/Jakarta")


def test_indonesian_uses_a_dot_and_names_the_zone():
    with translation.override("id"):
        assert waktu.jam(dt.datetime(2026, 12, 1, 2, 0, tzinfo=UTC)) == "09.00 WIB"


def test_english_uses_a_colon():
    with translation.override("en"):
        assert waktu.jam(dt.datetime(2026, 12, 1, 2, 5, tzinfo=UTC)) == "09:05 WIB"


def test_a_range_names_the_zone_once():
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=JAKARTA)
    with translation.override("id"):
        assert waktu.rentang(start, start + dt.timedelta(minutes=30)) == "09.00–09.30 WIB"


def test_slots_are_grouped_by_their_local_day():
    # 23.30 WIB on the 1st is still the 1st, though it is 16.30 UTC; 06.30 WIB on the 2nd is the 1st in UTC.
    late = SimpleNamespace(start=dt.datetime(2026, 12, 1, 23, 30, tzinfo=JAKARTA))
    early = SimpleNamespace(start=dt.datetime(2026, 12, 2, 6, 30, tzinfo=JAKARTA))
    rendered = Template(
        "{% load waktu %}{% for day, s in slots|per_hari %}{{ day|date:'Y-m-d' }}:{{ s|length }};{% endfor %}"
    )
    assert rendered.render(Context({"slots": [early, late]})) == "2026-12-01:1;2026-12-02:1;"
