"""app/times.py: London wall-clock time in, UTC stored."""

import datetime as dt

import pytest

from app.times import LONDON, london_to_utc, parse_london, to_london, today_in_london


def test_london_to_utc_follows_summer_time():
    assert london_to_utc(dt.date(2026, 1, 10)) == dt.datetime(2026, 1, 10, 0, 0, tzinfo=dt.UTC)
    assert london_to_utc(dt.date(2026, 7, 10), dt.time(14, 30)) == dt.datetime(2026, 7, 10, 13, 30, tzinfo=dt.UTC)


def test_to_london_keeps_the_instant_and_passes_none_through():
    value = dt.datetime(2026, 7, 10, 23, 30, tzinfo=dt.UTC)
    assert to_london(value).tzinfo == LONDON
    assert to_london(value) == value
    assert to_london(value).date() == dt.date(2026, 7, 11)
    assert to_london(None) is None


def test_today_in_london_is_the_london_day():
    assert today_in_london(dt.datetime(2026, 7, 10, 23, 30, tzinfo=dt.UTC)) == dt.date(2026, 7, 11)
    assert today_in_london(dt.datetime(2026, 1, 10, 23, 30, tzinfo=dt.UTC)) == dt.date(2026, 1, 10)


def test_parse_london_reads_the_staff_formats():
    expected = dt.datetime(2026, 7, 10, 8, 5, tzinfo=dt.UTC)
    assert parse_london("2026-07-10 09:05") == expected
    assert parse_london("2026-07-10T09:05") == expected
    assert parse_london("10/07/2026 09:05") == expected


def test_parse_london_refuses_anything_else():
    assert parse_london("next Tuesday") is None
    assert parse_london("2026-02-30 09:00") is None


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (dt.time(0, 0), "midnight"),
        (dt.time(12, 0), "midday"),
        (dt.time(18, 0), "6pm"),
        (dt.time(9, 5), "9:05am"),
        (dt.time(12, 30), "12:30pm"),
        (dt.time(0, 15), "12:15am"),
    ],
)
def test_clock_says_times_as_people_do(value, said):
    from app.times import clock

    assert clock(value) == said


def test_a_range_and_a_date_with_its_time():
    from app.template_helpers import datetime_format
    from app.times import clock_range

    assert clock_range(dt.time(18), dt.time(20)) == "6pm to 8pm"
    noon = dt.datetime(2026, 6, 1, 11, 0, tzinfo=dt.UTC)  # midday in London (BST)
    assert datetime_format(noon) == "1 June 2026 at midday"
    assert datetime_format(noon, weekday=True) == "Monday 1 June 2026 at midday"
