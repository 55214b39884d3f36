"""London time: the portal stores UTC and shows, and takes from staff, Europe/London wall-clock time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

# The formats staff type a date and time in (a form's datetime-local input sends the second).
_STAFF_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M")


def to_london(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(LONDON) if value else None


def london_to_utc(day: dt.date, time: dt.time = dt.time(0)) -> dt.datetime:
    """The UTC instant of a London wall-clock time (midnight unless a time is given)."""
    return dt.datetime.combine(day, time, tzinfo=LONDON).astimezone(dt.UTC)


def today_in_london(now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.UTC)).astimezone(LONDON).date()


def parse_london(value: str) -> dt.datetime | None:
    """A staff-entered London date and time as UTC, or None when it is in none of the known formats."""
    for fmt in _STAFF_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).replace(tzinfo=LONDON).astimezone(dt.UTC)
        except ValueError:
            continue
    return None


def clock(value: dt.time | dt.datetime | None) -> str:
    """A time as people say it, GOV.UK style: "6pm", "2:05pm", "midday", "midnight" (a datetime in London time)."""
    if value is None:
        return ""
    from app.i18n.formatting import short_time

    if isinstance(value, dt.datetime):
        value = to_london(value).time()
    localised = short_time(value)
    if localised is not None:
        return localised
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def clock_range(start: dt.time | dt.datetime, end: dt.time | dt.datetime) -> str:
    """ "6pm to 8pm", not "18:00 for 120 minutes"."""
    from app.i18n import _

    return _("%(start)s to %(end)s", start=clock(start), end=clock(end))
