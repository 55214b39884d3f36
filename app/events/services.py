"""Event logic shared by routes, CLI (demo data) and the worker: series, registrations, minutes.

Callers commit, except where a function says it commits (registration needs its own write
transaction so that capacity is exact under concurrency).
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import secrets
from dataclasses import dataclass

from flask import current_app, has_request_context, url_for
from sqlalchemy import String, cast, func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from app import slugs
from app.audit import record
from app.auth.models import normalise_email
from app.db import utcnow
from app.events.models import (
    KIND_DEFAULTS,
    STANDING_ITEMS,
    ActionArising,
    AgendaItem,
    Event,
    EventSeries,
    Minutes,
    Registration,
)
from app.extensions import db
from app.mail import enqueue
from app.template_helpers import LONDON
from app.tokens import make_token

HOLDS_PLACE = ("confirmed", "attended")


# --- time ------------------------------------------------------------------------------


def london_to_utc(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=LONDON).astimezone(dt.UTC)


def to_london(value: dt.datetime) -> dt.datetime:
    return value.astimezone(LONDON)


# --- slugs -----------------------------------------------------------------------------


def unique_slug(title: str, starts_at: dt.datetime, exclude_id: int | None = None) -> str:
    """The title and the day it starts, so a series' meetings get readable, distinct addresses."""
    return slugs.unique_slug(
        Event, f"{slugs.slugify(title, 180, 'event')}-{to_london(starts_at):%Y-%m-%d}", exclude_id=exclude_id
    )


def apply_kind_defaults(event: Event) -> None:
    """The kind decides the defaults (audience, capacity), never a separate code path."""
    defaults = KIND_DEFAULTS[event.kind]
    if event.audience is None:
        event.audience = defaults["audience"]


# --- series ----------------------------------------------------------------------------


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
        after = to_london(last).date() if last else to_london(utcnow()).date()
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


# --- agenda ------------------------------------------------------------------------------


def agenda(event_id: int) -> list[AgendaItem]:
    return list(
        db.session.scalars(
            select(AgendaItem).where(AgendaItem.event_id == event_id).order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def move_item(item: AgendaItem, direction: int) -> bool:
    items = agenda(item.event_id)
    index = next(i for i, other in enumerate(items) if other.id == item.id)
    target = index + direction
    if not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items, start=1):
        other.position = position
    return True


def renumber(event_id: int) -> None:
    for position, other in enumerate(agenda(event_id), start=1):
        other.position = position


# --- registration -----------------------------------------------------------------------


class RegistrationProblem(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class RegistrationResult:
    registration: Registration
    created: bool


def lock_event(event_id: int) -> Event:
    """Start (or join) a write transaction that holds this event exclusively.

    PostgreSQL: SELECT … FOR UPDATE on the event row, so registrations for one event queue up
    while other events are untouched. SQLite: BEGIN IMMEDIATE takes the database write lock before
    anything is read, so the count we read cannot change before we commit. Both are released
    by the caller's commit or rollback.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:  # pysqlite begins lazily; nothing written yet in this session
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        query = select(Event).where(Event.id == event_id)
    else:
        query = select(Event).where(Event.id == event_id).with_for_update()
    event = db.session.scalars(query.execution_options(populate_existing=True)).one_or_none()
    if event is None:
        raise LookupError(event_id)
    return event


def places_taken(event_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.event_id == event_id, Registration.status.in_(HOLDS_PLACE))
    )


def places_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - places_taken(event.id), 0)


def _next_waitlist_position(event_id: int) -> int:
    current = db.session.scalar(
        select(func.max(Registration.waitlist_position)).where(Registration.event_id == event_id)
    )
    return (current or 0) + 1


def waitlist_rank(registration: Registration) -> int | None:
    if registration.status != "waitlisted" or registration.waitlist_position is None:
        return None
    return db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == registration.event_id,
            Registration.status == "waitlisted",
            Registration.waitlist_position <= registration.waitlist_position,
        )
    )


def find_registration(event_id: int, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(Registration.event_id == event_id, Registration.email == normalise_email(email))
    )


def register(
    event_id: int,
    *,
    name: str,
    email: str,
    user_id: int | None = None,
    organisation_name: str = "",
    access_needs: str = "",
    dietary_needs: str = "",
    show_on_attendee_list: bool = False,
    by_staff: bool = False,
    status: str | None = None,
    organisation_id: int | None = None,
) -> RegistrationResult:
    """Register someone, or put them on the waiting list; commits.

    Exactly `capacity` people hold a place however many register at once (see lock_event). A second
    submission for the same address (a double click) returns the first registration unchanged.
    `status="apologies"` records apologies (a member group for a network meeting): allowed until the
    meeting starts even after registration closes, and it turns the person's own place, if they had
    one, into apologies (freeing it for the waiting list).
    """
    email = normalise_email(email)
    try:
        event = lock_event(event_id)
        if not by_staff:
            state = event.registration_state()
            if status == "apologies" and state in ("cancelled", "past"):
                raise RegistrationProblem("organisation_id", _apologies_closed_message(state))
            if status != "apologies" and state != "open":
                raise RegistrationProblem("email", _closed_message(event, state))
        existing = find_registration(event.id, email)
        if existing is not None and status == "apologies" and existing.status in ("confirmed", "waitlisted"):
            return _apologies_instead(event, existing, organisation_name, organisation_id)
        if existing is not None and existing.status != "cancelled":
            db.session.rollback()
            return RegistrationResult(existing, False)
        registration = existing or Registration(event_id=event.id, email=email)
        registration.name = name.strip()
        registration.user_id = user_id
        registration.organisation_name = organisation_name.strip()
        registration.organisation_id = organisation_id
        registration.access_needs = access_needs.strip()
        registration.dietary_needs = dietary_needs.strip()
        registration.show_on_attendee_list = show_on_attendee_list
        registration.source = "staff" if by_staff else "self"
        registration.cancelled_at = None
        registration.checked_in_at = None
        if status in ("apologies", "attended"):
            registration.status, registration.waitlist_position = status, None
        elif event.capacity is not None and places_taken(event.id) >= event.capacity:
            registration.status = "waitlisted"
            registration.waitlist_position = _next_waitlist_position(event.id)
        else:
            registration.status, registration.waitlist_position = "confirmed", None
        if existing is None:
            db.session.add(registration)
        db.session.flush()
        if registration.status in ("confirmed", "waitlisted"):
            send_registration_email(event, registration)
        if by_staff:
            record("event.registrant_added", registration, event_id=event.id, status=registration.status)
        elif registration.status == "apologies":
            record("event.apologies_sent", registration, event_id=event.id, organisation_id=organisation_id)
        db.session.commit()
        return RegistrationResult(registration, True)
    except IntegrityError:
        # Two submissions for one address raced on PostgreSQL before one held the lock.
        db.session.rollback()
        existing = find_registration(event_id, email)
        if existing is None:
            raise
        return RegistrationResult(existing, False)
    except BaseException:
        db.session.rollback()
        raise


def _apologies_instead(
    event: Event, registration: Registration, organisation_name: str, organisation_id: int | None
) -> RegistrationResult:
    """A registered person sends apologies for their group: their place frees up (caller holds the lock)."""
    held_place = registration.status in HOLDS_PLACE
    registration.status, registration.waitlist_position = "apologies", None
    registration.organisation_name = organisation_name.strip() or registration.organisation_name
    registration.organisation_id = organisation_id
    record("event.apologies_sent", registration, event_id=event.id, organisation_id=organisation_id)
    db.session.flush()
    if held_place:
        promote_waitlist(event)
    db.session.commit()
    return RegistrationResult(registration, True)


def _apologies_closed_message(state: str) -> str:
    if state == "cancelled":
        return "This meeting has been cancelled, so there is no need to send apologies"
    return "This meeting has already happened, so apologies can no longer be sent"


def _closed_message(event: Event, state: str) -> str:
    from app.template_helpers import datetime_format

    return {
        "cancelled": "This event has been cancelled, so you cannot register",
        "past": "This event has already happened, so you cannot register",
        "not_yet": f"Registration opens on {datetime_format(event.registration_opens_at)}",
        "closed": "Registration for this event has closed",
    }[state]


def cancel_registration(registration_id: int, *, by_staff: bool = False) -> Registration | None:
    """Cancel a place and promote the first person on the waiting list; commits.

    Returns whoever was promoted.
    """
    try:
        registration = db.session.get(Registration, registration_id)
        event = lock_event(registration.event_id)
        db.session.refresh(registration)
        if registration.status == "cancelled":
            db.session.rollback()
            return None
        registration.status = "cancelled"
        registration.cancelled_at = utcnow()
        registration.waitlist_position = None
        record("event.registration_cancelled", registration, event_id=event.id, by_staff=by_staff)
        db.session.flush()
        promoted = promote_waitlist(event)
        db.session.commit()
        return promoted[0] if promoted else None
    except BaseException:
        db.session.rollback()
        raise


def promote_waitlist(event: Event) -> list[Registration]:
    """Fill free places from the waiting list, in order (the caller holds lock_event)."""
    if event.is_cancelled or event.is_past:
        return []
    promoted = []
    free = None if event.capacity is None else event.capacity - places_taken(event.id)
    waiting = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "waitlisted")
        .order_by(Registration.waitlist_position, Registration.id)
    ).all()
    for registration in waiting:
        if free is not None and free <= 0:
            break
        registration.status = "confirmed"
        registration.waitlist_position = None
        promoted.append(registration)
        send_registration_email(event, registration, promoted=True)
        if free is not None:
            free -= 1
    db.session.flush()
    return promoted


def set_status(registration: Registration, status: str) -> list[Registration]:
    """Staff moves a registrant between confirmed / waitlisted / apologies / attended; commits."""
    try:
        event = lock_event(registration.event_id)
        db.session.refresh(registration)
        old = registration.status
        if status == "waitlisted":
            registration.waitlist_position = _next_waitlist_position(event.id)
        else:
            registration.waitlist_position = None
        registration.status = status
        registration.checked_in_at = utcnow() if status == "attended" else None
        record("event.registrant_moved", registration, event_id=event.id, old=old, new=status)
        db.session.flush()
        promoted = promote_waitlist(event) if old in HOLDS_PLACE and status not in HOLDS_PLACE else []
        db.session.commit()
        return promoted
    except BaseException:
        db.session.rollback()
        raise


def check_in(registration: Registration, attended: bool) -> None:
    """Check-in toggle; caller commits. Attending never changes who holds a place."""
    if attended:
        registration.status = "attended"
        registration.checked_in_at = registration.checked_in_at or utcnow()
        registration.waitlist_position = None
    else:
        registration.status = "confirmed"
        registration.checked_in_at = None


def cancel_token(registration: Registration) -> str:
    return make_token("event-cancel", {"r": registration.id, "e": registration.email, "n": secrets.token_hex(2)})


def cancel_link(registration: Registration) -> str:
    return url_for("events.cancel_by_token", token=cancel_token(registration), _external=True)


def url_context():
    """Links in e-mails built by the worker (reminders, promotions) need a request context.

    Production always sets SERVER_NAME; in development the worker falls back to the `make run` address.
    """
    if has_request_context():
        return contextlib.nullcontext()
    server = current_app.config.get("SERVER_NAME") or "127.0.0.1:5000"
    return current_app.test_request_context(base_url=f"{current_app.config['PREFERRED_URL_SCHEME']}://{server}")


def send_registration_email(event: Event, registration: Registration, *, promoted: bool = False) -> None:
    with url_context():
        _send_registration_email(event, registration, promoted=promoted)


def _send_registration_email(event: Event, registration: Registration, *, promoted: bool = False) -> None:
    from app.events.ics import calendar_for

    confirmed = registration.status == "confirmed"
    if promoted:
        subject = f"A place has come up: you are now registered for {event.title}"
    elif confirmed:
        subject = f"You are registered for {event.title}"
    else:
        subject = f"You are on the waiting list for {event.title}"
    attachments = None
    if confirmed:
        attachments = [
            {"filename": "event.ics", "content_type": "text/calendar", "data": calendar_for([event]).decode("utf-8")}
        ]
    enqueue(
        "event_registration",
        to=registration.email,
        subject=subject,
        kind="event_promoted" if promoted else f"event_{registration.status}",
        attachments=attachments,
        event=event,
        registration=registration,
        promoted=promoted,
        rank=waitlist_rank(registration),
        event_link=url_for("events.detail", slug=event.slug, _external=True),
        cancel_link=cancel_link(registration),
    )


# --- reminders --------------------------------------------------------------------------


def send_reminders(now: dt.datetime | None = None) -> int:
    """E-mail confirmed registrants of events starting within EVENT_REMINDER_DAYS; once each."""

    with url_context():
        return _send_reminders(now)


def _send_reminders(now: dt.datetime | None = None) -> int:
    from app.mail.models import OutboxMessage

    now = now or utcnow()
    days = current_app.config.get("EVENT_REMINDER_DAYS", 2)
    events = db.session.scalars(
        select(Event).where(
            Event.cancelled_at.is_(None),
            Event.status == "published",
            Event.starts_at > now,
            Event.starts_at <= now + dt.timedelta(days=days),
        )
    ).all()
    sent = 0
    for event in events:
        registrations = db.session.scalars(
            select(Registration).where(Registration.event_id == event.id, Registration.status == "confirmed")
        ).all()
        keys = {f"event-reminder:{event.id}:{r.id}" for r in registrations}
        done = set(db.session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys))))
        for registration in registrations:
            key = f"event-reminder:{event.id}:{registration.id}"
            if key in done:
                continue
            enqueue(
                "event_reminder",
                to=registration.email,
                subject=f"Reminder: {event.title}",
                dedupe_key=key,
                event=event,
                registration=registration,
                event_link=url_for("events.detail", slug=event.slug, _external=True),
                cancel_link=cancel_link(registration),
            )
            sent += 1
    return sent


# --- minutes ----------------------------------------------------------------------------


def find_minutes(event: Event) -> Minutes | None:
    return db.session.scalar(select(Minutes).where(Minutes.event_id == event.id))


def minutes_for(event: Event) -> Minutes:
    minutes = db.session.scalar(select(Minutes).where(Minutes.event_id == event.id))
    if minutes is None:
        minutes = Minutes(event_id=event.id, status="draft", body="")
        db.session.add(minutes)
        db.session.flush()
    return minutes


def attendance(event_id: int) -> dict[str, list[Registration]]:
    rows = db.session.scalars(
        select(Registration).where(Registration.event_id == event_id).order_by(func.lower(Registration.name))
    ).all()
    return {
        "present": [r for r in rows if r.status == "attended"],
        "apologies": [r for r in rows if r.status == "apologies"],
        "absent": [r for r in rows if r.status == "confirmed"],
    }


# --- counts and reports ------------------------------------------------------------------


def organisation_key():
    """Who an attendee represents: the directory group when linked, else the name they typed
    (lower case). coalesce(organisation_id, lower(organisation_name)), typed as text for both engines;
    the "#" prefix keeps a group id apart from a typed name that happens to be a number."""
    return func.coalesce(
        literal("#") + cast(Registration.organisation_id, String),
        func.lower(func.trim(Registration.organisation_name)),
    )


def event_counts(event_id: int) -> dict[str, int]:
    rows = dict(
        db.session.execute(
            select(Registration.status, func.count())
            .where(Registration.event_id == event_id)
            .group_by(Registration.status)
        ).all()
    )
    organisations = db.session.scalar(
        select(func.count(func.distinct(organisation_key()))).where(
            Registration.event_id == event_id,
            Registration.status == "attended",
            or_(Registration.organisation_id.is_not(None), func.trim(Registration.organisation_name) != ""),
        )
    )
    registered = rows.get("confirmed", 0) + rows.get("attended", 0)
    return {
        "registered": registered,
        "attended": rows.get("attended", 0),
        "no_show": rows.get("confirmed", 0),
        "waitlisted": rows.get("waitlisted", 0),
        "apologies": rows.get("apologies", 0),
        "cancelled": rows.get("cancelled", 0),
        "organisations": organisations or 0,
    }


def quarter_of(value: dt.datetime) -> tuple[int, int]:
    local = to_london(value)
    return local.year, (local.month - 1) // 3 + 1


def quarterly_report(past_only: bool = True) -> list[dict]:
    """Per quarter: events held, participants (attended), unique people and organisations, attendance rate."""
    query = (
        select(Event.starts_at, Registration.status, Registration.email, organisation_key(), Event.id)
        .join(Registration, Registration.event_id == Event.id)
        .where(Event.cancelled_at.is_(None))
    )
    if past_only:
        query = query.where(Event.starts_at < utcnow())
    quarters: dict[tuple[int, int], dict] = {}
    for starts_at, status, email, organisation, event_id in db.session.execute(query):
        q = quarters.setdefault(
            quarter_of(starts_at),
            {"events": set(), "registered": 0, "attended": 0, "people": set(), "organisations": set()},
        )
        q["events"].add(event_id)
        if status in HOLDS_PLACE:
            q["registered"] += 1
        if status == "attended":
            q["attended"] += 1
            q["people"].add(email)
            if organisation:
                q["organisations"].add(organisation)
    report = []
    for (year, quarter), q in sorted(quarters.items(), reverse=True):
        months = f"{calendar.month_abbr[quarter * 3 - 2]}–{calendar.month_abbr[quarter * 3]}"
        report.append(
            {
                "label": f"{year} quarter {quarter} ({months})",
                "events": len(q["events"]),
                "registered": q["registered"],
                "participants": q["attended"],
                "people": len(q["people"]),
                "organisations": len(q["organisations"]),
                "rate": round(100 * q["attended"] / q["registered"]) if q["registered"] else None,
            }
        )
    return report


def mark_action_done(action: ActionArising, status: str) -> None:
    action.status = status
    action.completed_at = utcnow() if status == "done" else None


def touch_event(event: Event) -> None:
    db.session.execute(update(Event).where(Event.id == event.id).values(updated_at=utcnow()))


# --- what is coming up (the events list, the home page and the member dashboard) ------------


def upcoming_query(kind: str | None = None, *, include_cancelled: bool = True):
    """Published events that have not ended, soonest first."""
    query = select(Event).where(Event.status == "published", Event.ends_at > utcnow()).order_by(Event.starts_at)
    if kind:
        query = query.where(Event.kind == kind)
    if not include_cancelled:
        query = query.where(Event.cancelled_at.is_(None))
    return query


def can_send_apologies(event: Event, groups: list, mine: Registration | None) -> bool:
    """A member of a listed group may send its apologies for a network meeting until it starts
    (also once registration has closed), unless they already have."""
    return (
        event.kind == "network_meeting"
        and bool(groups)
        and event.registration_state() not in ("cancelled", "past")
        and (mine is None or mine.status != "apologies")
    )


def next_network_meeting() -> Event | None:
    """The next network meeting that is going ahead (one query)."""
    return db.session.scalar(upcoming_query("network_meeting", include_cancelled=False).limit(1))


def upcoming_registrations(email: str) -> list[Registration]:
    """The person's places, waiting-list entries and apologies for events still to come, soonest
    first, each with its event loaded (one query). Matched by address, as registration is."""
    return list(
        db.session.scalars(
            select(Registration)
            .join(Event, Event.id == Registration.event_id)
            .where(
                Registration.email == normalise_email(email),
                Registration.status != "cancelled",
                Event.status == "published",
                Event.ends_at > utcnow(),
            )
            .options(contains_eager(Registration.event))
            .order_by(Event.starts_at)
        )
    )


ATTENDANCE_LABELS = {
    "attended": ("Attended", "govuk-tag--green"),
    "apologies": ("Sent apologies", "govuk-tag--yellow"),
    "absent": ("Registered, did not attend", "govuk-tag--red"),
    "not_registered": ("Did not register", "govuk-tag--grey"),
}


def organisation_attendance(organisation_id: int, meetings: int = 6) -> list[dict]:
    """The group's record at the last `meetings` network meetings that took place, newest first
    (two queries). Only registrations linked to the group count (see the directory-links
    decisions: typed names are never matched to groups). Someone present beats apologies, which
    beat a place not used."""
    held = list(
        db.session.scalars(
            select(Event)
            .where(
                Event.kind == "network_meeting",
                Event.status == "published",
                Event.cancelled_at.is_(None),
                Event.ends_at <= utcnow(),
            )
            .order_by(Event.starts_at.desc())
            .limit(meetings)
        )
    )
    if not held:
        return []
    by_event: dict[int, list[Registration]] = {event.id: [] for event in held}
    for registration in db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id.in_(list(by_event)),
            Registration.organisation_id == organisation_id,
            Registration.status.in_(("attended", "apologies", "confirmed")),
        )
        .order_by(Registration.name)
    ):
        by_event[registration.event_id].append(registration)
    record_rows = []
    for event in held:
        rows = by_event[event.id]
        statuses = {r.status for r in rows}
        outcome = next(
            (s for s, present in (("attended", "attended"), ("apologies", "apologies"), ("absent", "confirmed"))
             if present in statuses),
            "not_registered",
        )  # fmt: skip
        record_rows.append(
            {
                "event": event,
                "outcome": outcome,
                "label": ATTENDANCE_LABELS[outcome][0],
                "tag": ATTENDANCE_LABELS[outcome][1],
                "people": [r.name for r in rows if r.status == "attended"],
            }
        )
    return record_rows
