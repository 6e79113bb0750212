"""iCalendar (RFC 5545) for audiensi: the invitation attached to the confirmation and the staff feed."""

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Audiensi

PRODID = "-//Pemerintah Kabupaten Wonogiri//Portal Aspirasi dan Audiensi//ID"
UID_DOMAIN = "audiensi.wonogirikab.go.id"
SEQUENCE_EPOCH = 1_700_000_000  # seconds; SEQUENCE grows with every saved change of the audiensi


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _organizer_email(audiensi: Audiensi) -> str:
    if audiensi.pejabat.email:
        return audiensi.pejabat.email
    # DEFAULT_FROM_EMAIL may be "Name <address>".
    return settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()


def _sequence(audiensi: Audiensi) -> int:
    return max(int(audiensi.updated_at.timestamp()) - SEQUENCE_EPOCH, 0)


def event_for(audiensi: Audiensi, *, with_attendee: bool = True, status: str = "CONFIRMED") -> Event:
    event = Event()
    event.add("uid", f"audiensi-{audiensi.pk}@{UID_DOMAIN}")
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", audiensi.start_at.astimezone(_tz()))
    event.add("dtend", audiensi.end_at.astimezone(_tz()))
    event.add(
        "summary", _("Audiensi %(pejabat)s: %(topik)s") % {"pejabat": audiensi.pejabat.jabatan, "topik": audiensi.topik}
    )
    event.add(
        "description",
        _("Kasus %(ref)s, %(n)s peserta") % {"ref": audiensi.kasus.reference, "n": audiensi.jumlah_peserta},
    )
    event.add("location", audiensi.pejabat.lokasi or audiensi.pejabat.jabatan)
    event.add("sequence", _sequence(audiensi))
    event.add("status", status)
    organizer = vCalAddress(f"mailto:{_organizer_email(audiensi)}")
    organizer.params["cn"] = vText(audiensi.pejabat.jabatan)
    event["organizer"] = organizer
    if with_attendee:
        attendee = vCalAddress(f"mailto:{audiensi.pemohon.email}")
        attendee.params["cn"] = vText(audiensi.pemohon.get_full_name())
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    return event


def _calendar(method: str, name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def invitation_ics(audiensi: Audiensi) -> bytes:
    """The .ics attached to the confirmation email."""
    cal = _calendar("REQUEST", _("Audiensi %(pejabat)s") % {"pejabat": audiensi.pejabat.jabatan})
    cal.add_component(event_for(audiensi))
    cal.add_missing_timezones()
    return cal.to_ical()


def download_ics(audiensi: Audiensi) -> bytes:
    """The "add to calendar" file of the resident's page: published, not an invitation to answer."""
    cal = _calendar("PUBLISH", _("Audiensi %(pejabat)s") % {"pejabat": audiensi.pejabat.jabatan})
    cal.add_component(event_for(audiensi, with_attendee=False))
    cal.add_missing_timezones()
    return cal.to_ical()


def cancellation_ics(audiensi: Audiensi) -> bytes:
    """Removes the invitation from the resident's calendar (same UID, later SEQUENCE)."""
    cal = _calendar("CANCEL", _("Audiensi %(pejabat)s") % {"pejabat": audiensi.pejabat.jabatan})
    cal.add_component(event_for(audiensi, status="CANCELLED"))
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_ics(pejabat_name: str, audiensi_list: Iterable[Audiensi]) -> bytes:
    """A staff calendar feed of confirmed audiensi (no resident contact details)."""
    cal = _calendar("PUBLISH", _("Audiensi %(pejabat)s") % {"pejabat": pejabat_name})
    for audiensi in audiensi_list:
        cal.add_component(event_for(audiensi, with_attendee=False))
    cal.add_missing_timezones()
    return cal.to_ical()
