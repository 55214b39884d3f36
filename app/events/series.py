"""Quarterly meeting series: their dates, their meetings, and the agenda each meeting starts with
(standing items, then the actions still open from earlier meetings). Callers commit."""

from __future__ import annotations

import calendar
import datetime as dt

from sqlalchemy import func, select

from app.events.models import KIND_DEFAULTS, STANDING_ITEMS, ActionArising, AgendaItem, Event, EventSeries
from app.events.services import unique_slug
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
    """Standing items first, then every open action arising from earlier meetings of the series."""
    position = 0
    for position, (title, minutes) in enumerate(standing_items_for(event.kind), start=1):
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
        notes=f"Status: {action.status_label}",
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
