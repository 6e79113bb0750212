"""The one iCalendar (RFC 5545) builder: every .ics the portal sends shares PRODID and the UID scheme.

UIDs are `<kind>-<pk>@UID_DOMAIN`. The domain is fixed rather than taken from SITE_URL: a calendar
matches an update or a cancellation to the event by UID, so it must not change with the host name.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

PRODID = "-//Pemerintah Kabupaten Wonogiri//Portal Aspirasi dan Audiensi//ID"
# Kept from the first audiensi invitations sent: residents' calendars know their events by it.
UID_DOMAIN = "audiensi.wonogirikab.go.id"


def uid(kind: str, pk: int) -> str:
    return f"{kind}-{pk}@{UID_DOMAIN}"


def local_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def calendar(method: str, name: str = "") -> Calendar:
    """An empty calendar: PUBLISH for a feed or a public event, REQUEST / CANCEL for an invitation."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def event(
    *,
    kind: str,
    pk: int,
    start: dt.datetime,
    end: dt.datetime,
    summary: str,
    description: str = "",
    location: str = "",
    url: str = "",
) -> Event:
    """One event in the portal's time zone; the caller adds what its kind needs (organizer, status...)."""
    item = Event()
    item.add("uid", uid(kind, pk))
    item.add("dtstamp", timezone.now().astimezone(dt.UTC))
    item.add("dtstart", start.astimezone(local_tz()))
    item.add("dtend", end.astimezone(local_tz()))
    item.add("summary", summary)
    if description:
        item.add("description", description)
    if location:
        item.add("location", location)
    if url:
        item.add("url", url)
    return item


def to_bytes(cal: Calendar) -> bytes:
    """The file, with the VTIMEZONE its events use."""
    cal.add_missing_timezones()
    return cal.to_ical()
