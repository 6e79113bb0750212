"""Times of day as the portal writes them everywhere: "09.00 WIB" in Indonesian, "09:00 WIB" in English."""

import datetime as dt

from django.utils import timezone, translation

# Asia/Jakarta is Waktu Indonesia Barat; the portal serves one regency, so one zone name.
ZONE = "WIB"


def jam(value: dt.datetime | dt.time | None, *, zone: bool = True) -> str:
    """The time of day of value, local to the portal, in the active language's convention."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.time()
    separator = "." if (translation.get_language() or "id").startswith("id") else ":"
    text = f"{value.hour:02d}{separator}{value.minute:02d}"
    return f"{text} {ZONE}" if zone else text


def rentang(start: dt.datetime | dt.time, end: dt.datetime | dt.time) -> str:
    """A time range, the zone named once: "09.00–09.30 WIB"."""
    return f"{jam(start, zone=False)}–{jam(end)}"
