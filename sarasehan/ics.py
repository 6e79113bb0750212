"""iCalendar for sarasehan: the public event file, also attached to the reminder."""

from django.conf import settings
from django.urls import reverse

from portal import ical

from .models import Sarasehan


def calendar_file(sarasehan: Sarasehan) -> bytes:
    cal = ical.calendar("PUBLISH", sarasehan.title)
    cal.add_component(
        ical.event(
            kind="sarasehan",
            pk=sarasehan.pk,
            start=sarasehan.starts_at,
            end=sarasehan.ends_at,
            summary=sarasehan.title,
            description=sarasehan.theme or sarasehan.description[:500],
            location=", ".join(filter(None, [sarasehan.venue, str(sarasehan.kecamatan or "")])),
            url=settings.SITE_URL + reverse("sarasehan:detail", args=[sarasehan.slug]),
        )
    )
    return ical.to_bytes(cal)
