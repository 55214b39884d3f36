"""The report period: a calendar quarter or custom dates, in London days, as UTC bounds [start, end)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.i18n import _
from app.i18n.formatting import long_date
from app.i18n.languages import SOURCE
from app.i18n.selection import current_language
from app.times import london_to_utc, today_in_london


@dataclass(frozen=True)
class Period:
    first_day: dt.date  # inclusive, London
    last_day: dt.date  # inclusive, London

    @property
    def start(self) -> dt.datetime:
        """London midnight at the start of the first day, in UTC."""
        return london_to_utc(self.first_day)

    @property
    def end(self) -> dt.datetime:
        """London midnight after the last day, in UTC (exclusive)."""
        return london_to_utc(self.last_day + dt.timedelta(days=1))

    @property
    def label(self) -> str:
        quarter = quarter_of_dates(self.first_day, self.last_day)
        span = _("%(first)s to %(last)s", first=_day(self.first_day), last=_day(self.last_day))
        # One pair of brackets: "2026 quarter 2 (1 April 2026 to 30 June 2026)"; the months'
        # names would only repeat the span.
        if not quarter:
            return span
        return _("%(year)s quarter %(quarter)s (%(span)s)", year=quarter[0], quarter=quarter[1], span=span)

    @property
    def slug(self) -> str:
        return f"{self.first_day.isoformat()}-to-{self.last_day.isoformat()}"


def _day(value: dt.date) -> str:
    return long_date(value) or value.strftime("%-d %B %Y")


def _month(value: dt.date) -> str:
    """The month's name in the reader's language."""
    lang = current_language()
    if lang is SOURCE:
        return value.strftime("%B")
    from babel.dates import format_date

    return format_date(value, "LLLL", locale=lang.babel)


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    next_first = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, next_first - dt.timedelta(days=1)


def quarter_of_day(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_of_dates(first: dt.date, last: dt.date) -> tuple[int, int] | None:
    quarter = quarter_of_day(first)
    return quarter if quarter_bounds(*quarter) == (first, last) else None


def quarter_label(year: int, quarter: int) -> str:
    first, last = quarter_bounds(year, quarter)
    return _(
        "%(year)s quarter %(quarter)s (%(first)s to %(last)s)",
        year=year,
        quarter=quarter,
        first=_month(first),
        last=_month(last),
    )


def quarter_period(year: int, quarter: int) -> Period:
    return Period(*quarter_bounds(year, quarter))


def current_quarter(now: dt.datetime | None = None) -> tuple[int, int]:
    return quarter_of_day(today_in_london(now))


def recent_quarters(count: int = 12, now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """This quarter and the ones before it, newest first."""
    year, quarter = current_quarter(now)
    out = []
    for _step in range(count):
        out.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return out


EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def period_problem(first: dt.date, last: dt.date) -> tuple[str, str] | None:
    """(field, message) for a period the report refuses, else None. The form and the downloads share it."""
    for value, name in ((first, "start"), (last, "end")):
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            if name == "start":
                return name, _("The start date must be in %(year)s or later, like 1 4 2026", year=EARLIEST_YEAR)
            return name, _("The end date must be in %(year)s or later, like 1 4 2026", year=EARLIEST_YEAR)
    if last < first:
        return "end", _("The end date must be the same as or after the start date")
    if first > today_in_london():
        return "start", _("The start date must be today or in the past")
    return None


def period_from_iso(first: str, last: str) -> Period | None:
    try:
        first_day, last_day = dt.date.fromisoformat(first[:10]), dt.date.fromisoformat(last[:10])
    except ValueError:
        return None
    return None if period_problem(first_day, last_day) else Period(first_day, last_day)
