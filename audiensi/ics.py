"""iCalendar (RFC 5545) for audiensi: the invitation attached to the confirmation and the staff feed."""

from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Event, vCalAddress, vText

from portal import ical

from .models import Audiensi

SEQUENCE_EPOCH = 1_700_000_000  # seconds; SEQUENCE grows with every saved change of the audiensi


def _organizer_email(audiensi: Audiensi) -> str:
    if audiensi.pejabat.email:
        return audiensi.pejabat.email
    # DEFAULT_FROM_EMAIL may be "Name <address>".
    return settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()


def _sequence(audiensi: Audiensi) -> int:
    return max(int(audiensi.updated_at.timestamp()) - SEQUENCE_EPOCH, 0)


def event_for(audiensi: Audiensi, *, with_attendee: bool = True, status: str = "CONFIRMED") -> Event:
    event = ical.event(
        kind="audiensi",
        pk=audiensi.pk,
        start=audiensi.starts_at,
        end=audiensi.ends_at,
        summary=_("Audiensi %(pejabat)s: %(topik)s") % {"pejabat": audiensi.pejabat.jabatan, "topik": audiensi.topic},
        description=_("Kasus %(ref)s, %(n)s peserta") % {"ref": audiensi.kasus.reference, "n": audiensi.jumlah_peserta},
        location=audiensi.pejabat.lokasi or audiensi.pejabat.jabatan,
    )
    event.add("sequence", _sequence(audiensi))
    event.add("status", status)
    organizer = vCalAddress(f"mailto:{_organizer_email(audiensi)}")
    organizer.params["cn"] = vText(audiensi.pejabat.jabatan)
    event["organizer"] = organizer
    if with_attendee:
        attendee = vCalAddress(f"mailto:{audiensi.pemohon.email}")
        attendee.params["cn"] = vText(audiensi.pemohon.get_full_name())
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    return event


def invitation_ics(audiensi: Audiensi) -> bytes:
    """The .ics attached to the confirmation email."""
    cal = ical.calendar("REQUEST", _("Audiensi %(pejabat)s") % {"pejabat": audiensi.pejabat.jabatan})
    cal.add_component(event_for(audiensi))
    return ical.to_bytes(cal)


def download_ics(audiensi: Audiensi) -> bytes:
    """The "add to calendar" file of the resident's page: published, not an invitation to answer."""
    cal = ical.calendar("PUBLISH", _("Audiensi %(pejabat)s") % {"pejabat": audiensi.pejabat.jabatan})
    cal.add_component(event_for(audiensi, with_attendee=False))
    return ical.to_bytes(cal)


def cancellation_ics(audiensi: Audiensi) -> bytes:
    """Removes the invitation from the resident's calendar (same UID, later SEQUENCE)."""
    cal = ical.calendar("CANCEL", _("Audiensi %(pejabat)s") % {"pejabat": audiensi.pejabat.jabatan})
    cal.add_component(event_for(audiensi, status="CANCELLED"))
    return ical.to_bytes(cal)


def feed_ics(pejabat_name: str, audiensi_list: Iterable[Audiensi]) -> bytes:
    """A staff calendar feed of confirmed audiensi (no resident contact details)."""
    cal = ical.calendar("PUBLISH", _("Audiensi %(pejabat)s") % {"pejabat": pejabat_name})
    for audiensi in audiensi_list:
        cal.add_component(event_for(audiensi, with_attendee=False))
    return ical.to_bytes(cal)
