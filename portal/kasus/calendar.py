"""Working days: no weekends, no Indonesian public holidays, no staff-entered days off."""

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone

from .models import HariLibur


@lru_cache(maxsize=32)
def _national_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("ID", years=year).keys())


def _extra_days_off(start: dt.date, end: dt.date) -> set[dt.date]:
    return set(HariLibur.objects.filter(date__range=(start, end)).values_list("date", flat=True))


def holiday_name(day: dt.date) -> str | None:
    extra = HariLibur.objects.filter(date=day).values_list("name", flat=True).first()
    return extra or holidays.country_holidays("ID", years=day.year).get(day)


class WorkingCalendar:
    """Answers working-day questions over a range with one query for the extra days off."""

    def __init__(self, start: dt.date, end: dt.date):
        self.extra = _extra_days_off(start, end)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in _national_holidays(day.year) and day not in self.extra


def is_working_day(day: dt.date) -> bool:
    return WorkingCalendar(day, day).is_working_day(day)


def add_working_days(start: dt.datetime | dt.date, days: int) -> dt.datetime:
    """The moment `days` working days after `start`: the end of that working day, local time.

    A deadline counted from a Friday afternoon with 3 working days ends on
    Wednesday at 23:59:59 (when no holiday intervenes).
    """
    if isinstance(start, dt.datetime):
        start_date = timezone.localtime(start).date()
    else:
        start_date = start
    # A generous window: long holidays (Lebaran) add at most a couple of weeks.
    calendar = WorkingCalendar(start_date, start_date + dt.timedelta(days=days * 2 + 30))
    day = start_date
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    end_of_day = dt.datetime.combine(day, dt.time(23, 59, 59))
    return timezone.make_aware(end_of_day)


def working_days_between(start: dt.datetime | dt.date, end: dt.datetime | dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start)."""
    if isinstance(start, dt.datetime):
        start = timezone.localtime(start).date()
    if isinstance(end, dt.datetime):
        end = timezone.localtime(end).date()
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
