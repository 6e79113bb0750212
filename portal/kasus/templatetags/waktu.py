"""{% load waktu %}: times of day written one way (portal.waktu) and slots grouped by local day."""

import datetime as dt
from itertools import groupby

from django import template
from django.utils import timezone

from portal import waktu

register = template.Library()


@register.filter
def jam(value: dt.datetime | dt.time | None) -> str:
    return waktu.jam(value)


@register.simple_tag
def rentang(start: dt.datetime, end: dt.datetime) -> str:
    return waktu.rentang(start, end)


@register.filter
def per_hari(slots) -> list[tuple[dt.date, list]]:
    """Slots (anything with an aware .start) grouped by their day in the portal's time zone, in order."""
    ordered = sorted(slots, key=lambda s: s.start)
    return [(day, list(group)) for day, group in groupby(ordered, key=lambda s: timezone.localdate(s.start))]
