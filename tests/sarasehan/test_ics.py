"""The sarasehan calendar file comes from the portal's one iCalendar builder."""

import pytest
from icalendar import Calendar

from portal import ical
from sarasehan import ics

from .factories import sarasehan

pytestmark = pytest.mark.django_db


def test_the_calendar_file_parses_back_with_the_shared_prodid_and_uid_scheme():
    s = sarasehan()
    cal = Calendar.from_ical(ics.calendar_file(s))
    event = cal.walk("VEVENT")[0]
    assert str(cal["prodid"]) == ical.PRODID and cal["method"] == "PUBLISH"
    assert str(event["uid"]) == f"sarasehan-{s.pk}@{ical.UID_DOMAIN}"
    assert event.decoded("dtstart") == s.starts_at.replace(microsecond=0)
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Jakarta"]
