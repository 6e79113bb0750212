import datetime as dt

import holidays
import pytest
from django.utils import timezone, translation

from portal.kasus.calendar import add_working_days, holiday_name, is_working_day, working_days_between
from portal.kasus.models import HariLibur

D = dt.date


def end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def at(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def test_it_reads_idul_fitri_2026_and_its_cuti_bersama_from_the_holidays_package():
    # What holidays 0.109 returns for Indonesia, March 2026: Nyepi on Thursday 19th, Idul Fitri on
    # Saturday 21st and Sunday 22nd, cuti bersama on 18th, 20th, 23rd and 24th (category "government").
    public = holidays.country_holidays("ID", years=2026)
    government = holidays.country_holidays("ID", years=2026, categories=("government",))
    assert {D(2026, 3, 19), D(2026, 3, 21), D(2026, 3, 22)} <= set(public)
    assert {D(2026, 3, 18), D(2026, 3, 20), D(2026, 3, 23), D(2026, 3, 24)} <= set(government)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day,working",
    [
        (D(2026, 3, 16), True),  # Monday
        (D(2026, 3, 17), True),
        (D(2026, 3, 18), False),  # cuti bersama Nyepi
        (D(2026, 3, 19), False),  # Nyepi
        (D(2026, 3, 20), False),  # cuti bersama Idul Fitri
        (D(2026, 3, 21), False),  # Idul Fitri (Saturday)
        (D(2026, 3, 22), False),  # Idul Fitri, second day (Sunday)
        (D(2026, 3, 23), False),  # cuti bersama
        (D(2026, 3, 24), False),  # cuti bersama
        (D(2026, 3, 25), True),
        (D(2026, 11, 28), False),  # Saturday
        (D(2026, 11, 29), False),  # Sunday
        (D(2026, 8, 17), False),  # Hari Kemerdekaan
    ],
)
def test_it_knows_working_days(day, working):
    assert is_working_day(day) is working


@pytest.mark.django_db
def test_it_skips_the_weekend():
    friday_afternoon = at(2026, 11, 6, 15, 0)
    assert add_working_days(friday_afternoon, 1) == end_of(D(2026, 11, 9))
    assert add_working_days(friday_afternoon, 3) == end_of(D(2026, 11, 11))
    assert add_working_days(D(2026, 11, 7), 1) == end_of(D(2026, 11, 9))  # from a Saturday


@pytest.mark.django_db
def test_it_skips_the_whole_lebaran_break():
    tuesday = at(2026, 3, 17, 10, 0)
    assert add_working_days(tuesday, 1) == end_of(D(2026, 3, 25))
    assert add_working_days(tuesday, 3) == end_of(D(2026, 3, 27))
    assert working_days_between(tuesday, at(2026, 3, 25, 8, 0)) == 1
    assert working_days_between(D(2026, 3, 13), D(2026, 3, 27)) == 5  # 16, 17, 25, 26, 27


@pytest.mark.django_db
def test_it_skips_a_day_off_entered_by_staff():
    HariLibur.objects.create(date=D(2026, 3, 25), name="Cuti bersama tambahan Kabupaten")
    assert not is_working_day(D(2026, 3, 25))
    assert add_working_days(at(2026, 3, 17, 10, 0), 1) == end_of(D(2026, 3, 26))
    assert working_days_between(D(2026, 3, 17), D(2026, 3, 26)) == 1
    assert holiday_name(D(2026, 3, 25)) == "Cuti bersama tambahan Kabupaten"


@pytest.mark.django_db
def test_it_names_holidays_in_the_active_language():
    assert holiday_name(D(2026, 3, 21)) == "Hari Raya Idul Fitri"
    with translation.override("en"):
        assert holiday_name(D(2026, 3, 21)) == "Eid al-Fitr"
    assert holiday_name(D(2026, 3, 17)) is None


@pytest.mark.django_db
def test_it_counts_nothing_backwards():
    assert working_days_between(D(2026, 3, 17), D(2026, 3, 17)) == 0
    assert working_days_between(D(2026, 3, 17), D(2026, 3, 10)) == 0
    assert add_working_days(D(2026, 3, 17), 0) == end_of(D(2026, 3, 17))


@pytest.mark.django_db
def test_it_uses_the_local_date_of_a_moment():
    # 23:30 UTC on Friday is 06:30 on Saturday in Wonogiri (WIB, UTC+7).
    friday_night_utc = dt.datetime(2026, 11, 6, 23, 30, tzinfo=dt.UTC)
    assert add_working_days(friday_night_utc, 1) == end_of(D(2026, 11, 9))
    assert working_days_between(D(2026, 11, 6), friday_night_utc) == 0


def _naive_add(start: dt.date, days: int, extra: set[dt.date]) -> dt.date:
    off = holidays.country_holidays("ID", years=range(start.year, start.year + 3), categories=("public", "government"))
    day = start
    while days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in off and day not in extra:
            days -= 1
    return day


@pytest.mark.django_db
def test_it_agrees_with_a_naive_count_over_long_spans_and_far_days_off():
    # Days off far beyond the first query window must still count.
    extra = {D(2026, 1, 2), D(2026, 7, 1), D(2026, 10, 5), D(2027, 2, 1)}
    HariLibur.objects.bulk_create([HariLibur(date=d, name="Libur daerah") for d in extra])
    for start in (D(2025, 12, 29), D(2026, 3, 13), D(2026, 6, 26)):
        for days in (1, 3, 5, 10, 60, 200):
            expected = _naive_add(start, days, extra)
            assert add_working_days(start, days) == end_of(expected)
            assert working_days_between(start, expected) == days


@pytest.mark.django_db
def test_it_needs_one_query_for_a_usual_deadline(django_assert_num_queries):
    with django_assert_num_queries(1):
        add_working_days(at(2026, 3, 17, 10, 0), 10)
