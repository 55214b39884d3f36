"""Quarterly meeting series: their dates, their meetings, and the agenda each meeting starts with
(standing items, then the actions still open from earlier meetings). Callers commit."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from sqlalchemy import func, select

from app.db import utcnow
from app.events.models import (
    ACTION_STATUSES,
    KIND_DEFAULTS,
    STANDING_ITEMS,
    ActionArising,
    AgendaItem,
    Event,
    EventSeries,
)
from app.events.services import unique_slug
from app.events.text import english
from app.extensions import db
from app.times import london_to_utc, to_london, today_in_london


def nth_weekday(year: int, month: int, weekday: int, week: int) -> dt.date:
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    return days[-1] if week == -1 else days[week - 1]


def occurrences(series: EventSeries, after: dt.date, count: int) -> list[dt.date]:
    """The next `count` meeting dates strictly after `after`."""
    found: list[dt.date] = []
    year, month = after.year, after.month
    while len(found) < count:
        if (month - series.first_month) % series.interval_months == 0:
            day = nth_weekday(year, month, series.weekday, series.week_of_month)
            if day > after:
                found.append(day)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return found


def standing_items_for(kind: str) -> list[tuple[str, int]]:
    return STANDING_ITEMS if KIND_DEFAULTS[kind]["standing"] else []


_MINUTES = re.compile(r"^(.*?)\s*\((\d{1,3})\s*(?:min|mins|minute|minutes)\)\s*$", re.I)


def parse_standing(text: str) -> list[tuple[str, int | None]]:
    """One item per line, "Title (20 minutes)" or just "Title"."""
    items = []
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        match = _MINUTES.match(line)
        items.append((match.group(1)[:200], int(match.group(2))) if match else (line[:200], None))
    return items


def format_standing(items: list[tuple[str, int | None]]) -> str:
    return "\n".join(f"{title} ({minutes} minutes)" if minutes else title for title, minutes in items)


def series_standing(series: EventSeries) -> list[tuple[str, int | None]]:
    if series.standing_items is None:
        return list(standing_items_for(series.kind))
    return parse_standing(series.standing_items)


def later_meetings(series_id: int, after: dt.datetime) -> list[Event]:
    """Meetings of the series after `after` that have not started, and are going ahead."""
    start = max(after, utcnow())
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.series_id == series_id, Event.starts_at > start, Event.cancelled_at.is_(None))
            .order_by(Event.starts_at)
        )
    )


def spread_standing_item(series_id: int, after: dt.datetime, title: str, minutes: int | None) -> list[Event]:
    """Put a standing item on every later meeting not yet held that does not have it (by title);
    returns the meetings it was added to."""
    added = []
    for event in later_meetings(series_id, after):
        titles = {
            t.lower() for t in db.session.scalars(select(AgendaItem.title).where(AgendaItem.event_id == event.id))
        }
        if title.lower() in titles:
            continue
        position = db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.event_id == event.id))
        db.session.add(
            AgendaItem(
                event_id=event.id, position=(position or 0) + 1, title=title, minutes_allotted=minutes, standing=True
            )
        )
        added.append(event)
    db.session.flush()
    return added


def make_standing(event: Event, title: str, minutes: int | None) -> list[Event]:
    """An item ticked as standing on one meeting: it joins the series' standing items and every later
    meeting not yet held; returns those meetings."""
    if not event.series_id:
        return []
    series = db.session.get(EventSeries, event.series_id)
    items = series_standing(series)
    if title.lower() not in {t.lower() for t, _m in items}:
        series.standing_items = format_standing([*items, (title, minutes)])
    return spread_standing_item(series.id, event.starts_at, title, minutes)


def event_for_series(series: EventSeries, day: dt.date) -> Event:
    starts = london_to_utc(day, series.start_time)
    title = f"{series.name}: {day:%B %Y}"
    event = Event(
        series=series,
        kind=series.kind,
        title=title,
        slug=unique_slug(series.name, starts),
        description=series.description,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=series.duration_minutes),
        attendance_mode=series.attendance_mode,
        venue=series.venue,
        address=series.address,
        online_link=series.online_link,
        capacity=series.capacity,
        audience=KIND_DEFAULTS[series.kind]["audience"],
        status="published",
    )
    db.session.add(event)
    db.session.flush()
    add_standing_items(event)
    return event


def add_standing_items(event: Event) -> None:
    """Standing items first (the series' own, else the kind's), then every open action arising from
    earlier meetings of the series."""
    position = 0
    series = db.session.get(EventSeries, event.series_id) if event.series_id else None
    items = series_standing(series) if series is not None else standing_items_for(event.kind)
    for position, (title, minutes) in enumerate(items, start=1):
        db.session.add(
            AgendaItem(event_id=event.id, position=position, title=title, minutes_allotted=minutes, standing=True)
        )
    if event.series_id:
        for action in open_actions_before(event):
            position += 1
            db.session.add(_action_item(event, action, position))


def _action_item(event: Event, action: ActionArising, position: int) -> AgendaItem:
    owner = f" ({action.owner})" if action.owner else ""
    return AgendaItem(
        event_id=event.id,
        position=position,
        title=f"Action arising: {action.description[:150]}{owner}",
        minutes_allotted=5,
        action_id=action.id,
        notes=f"Status: {english(ACTION_STATUSES[action.status])}",
    )


def open_actions_before(event: Event) -> list[ActionArising]:
    return list(
        db.session.scalars(
            select(ActionArising)
            .join(Event, ActionArising.event_id == Event.id)
            .where(
                Event.series_id == event.series_id, Event.starts_at < event.starts_at, ActionArising.status != "done"
            )
            .order_by(Event.starts_at, ActionArising.id)
        )
    )


def carry_actions_forward(event: Event) -> int:
    """Put this meeting's open actions on the next meeting's agenda (once each)."""
    following = next_in_series(event)
    if following is None:
        return 0
    existing = set(db.session.scalars(select(AgendaItem.action_id).where(AgendaItem.event_id == following.id)))
    position = db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.event_id == following.id)) or 0
    added = 0
    for action in db.session.scalars(
        select(ActionArising).where(ActionArising.event_id == event.id, ActionArising.status != "done")
    ):
        if action.id not in existing:
            position += 1
            db.session.add(_action_item(following, action, position))
            added += 1
    return added


def generate_series(series: EventSeries, count: int = 4, after: dt.date | None = None) -> list[Event]:
    if after is None:
        last = db.session.scalar(select(func.max(Event.starts_at)).where(Event.series_id == series.id))
        after = to_london(last).date() if last else today_in_london()
    return [event_for_series(series, day) for day in occurrences(series, after, count)]


def previous_in_series(event: Event) -> Event | None:
    if not event.series_id:
        return None
    return db.session.scalar(
        select(Event)
        .where(Event.series_id == event.series_id, Event.starts_at < event.starts_at, Event.cancelled_at.is_(None))
        .order_by(Event.starts_at.desc())
        .limit(1)
    )


def next_in_series(event: Event) -> Event | None:
    if not event.series_id:
        return None
    return db.session.scalar(
        select(Event)
        .where(Event.series_id == event.series_id, Event.starts_at > event.starts_at, Event.cancelled_at.is_(None))
        .order_by(Event.starts_at)
        .limit(1)
    )
