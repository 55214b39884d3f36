"""app/times.py: London wall-clock time in, UTC stored."""

import datetime as dt

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
