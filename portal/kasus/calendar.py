"""Working days: no weekends, no Indonesian holidays, no staff-entered days off.

The `holidays` package gives the national public holidays and, in its
"government" category, the cuti bersama decreed for civil servants; regency
offices close on both. Any further day off is entered by staff (HariLibur).
"""

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone, translation
from holidays.constants import GOVERNMENT, PUBLIC

from .models import HariLibur

# Days of HariLibur fetched per query; a deadline crossing more loads the next chunk.
_CHUNK_DAYS = 120


def _holidays(year: int, language: str = "id") -> holidays.HolidayBase:
    return holidays.country_holidays("ID", years=year, categories=(PUBLIC, GOVERNMENT), language=language)


@lru_cache(maxsize=32)
def _national_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(_holidays(year).keys())


def holiday_name(day: dt.date) -> str | None:
    """The name of the day off, in the active language, or None on a working or weekend day."""
    extra = HariLibur.objects.filter(date=day).values_list("name", flat=True).first()
    if extra:
        return extra
    language = "en_US" if (translation.get_language() or "id").startswith("en") else "id"
    return _holidays(day.year, language).get(day)


class WorkingCalendar:
    """Answers working-day questions from `start` on, one query per chunk of staff-entered days off."""

    def __init__(self, start: dt.date, end: dt.date | None = None):
        self.extra: set[dt.date] = set()
        self.loaded_until = start - dt.timedelta(days=1)
        self._load(start, end or start + dt.timedelta(days=_CHUNK_DAYS))

    def _load(self, start: dt.date, end: dt.date) -> None:
        self.extra |= set(HariLibur.objects.filter(date__range=(start, end)).values_list("date", flat=True))
        self.loaded_until = end

    def is_working_day(self, day: dt.date) -> bool:
        if day > self.loaded_until:
            self._load(self.loaded_until + dt.timedelta(days=1), day + dt.timedelta(days=_CHUNK_DAYS))
        return day.weekday() < 5 and day not in _national_holidays(day.year) and day not in self.extra


def _local_date(value: dt.datetime | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


def is_working_day(day: dt.date) -> bool:
    return WorkingCalendar(day, day).is_working_day(day)


def add_working_days(start: dt.datetime | dt.date, days: int) -> dt.datetime:
    """The moment `days` working days after `start`: the end of that working day, local time.

    A deadline counted from a Friday afternoon with 3 working days ends on
    Wednesday at 23:59:59 (when no holiday intervenes).
    """
    day = _local_date(start)
    calendar = WorkingCalendar(day)
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def working_days_between(start: dt.datetime | dt.date, end: dt.datetime | dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start)."""
    start, end = _local_date(start), _local_date(end)
    if end <= start:
        return 0
    calendar = WorkingCalendar(start, end)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count
