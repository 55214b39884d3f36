"""Event logic shared by pages, the dashboard, reports and the worker: addresses, who holds a
place, counts and the quarterly report, and what is coming up.

Registering and the waiting list are in registration.py, meeting series in series.py, agenda and
minutes in minutes.py. Callers commit.
"""

from __future__ import annotations

import calendar
import datetime as dt

from sqlalchemy import String, and_, cast, func, literal, or_, select
from sqlalchemy.orm import contains_eager

from app import slugs
from app.auth.models import normalise_email
from app.db import utcnow
from app.events.models import Event, Guest, Registration
from app.extensions import db
from app.times import to_london

HOLDS_PLACE = ("confirmed", "attended")


# --- addresses -----------------------------------------------------------------------


def unique_slug(title: str, starts_at: dt.datetime, exclude_id: int | None = None) -> str:
    """The title and the day it starts, so a series' meetings get readable, distinct addresses."""
    return slugs.unique_slug(
        Event, f"{slugs.slugify(title, 180, 'event')}-{to_london(starts_at):%Y-%m-%d}", exclude_id=exclude_id
    )


# --- who holds a place -------------------------------------------------------------------


def places_taken(event_id: int) -> int:
    """Places held: each registrant holding a place and each of their guests (one indexed SUM)."""
    return db.session.scalar(
        select(func.coalesce(func.sum(1 + Registration.guest_count), 0)).where(
            Registration.event_id == event_id, Registration.status.in_(HOLDS_PLACE)
        )
    )


def places_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - places_taken(event.id), 0)


def guests_of(registration: Registration | None) -> list[Guest]:
    """The registrant's guests (no query when they bring none)."""
    if registration is None or not registration.guest_count:
        return []
    return list(db.session.scalars(select(Guest).where(Guest.registration_id == registration.id).order_by(Guest.id)))


def guests_by_host(registration_ids: list[int]) -> dict[int, list[Guest]]:
    """Guests of many registrations at once (check-in, registrants, attendance): host id -> guests."""
    found: dict[int, list[Guest]] = {}
    if registration_ids:
        for guest in db.session.scalars(
            select(Guest).where(Guest.registration_id.in_(registration_ids)).order_by(Guest.id)
        ):
            found.setdefault(guest.registration_id, []).append(guest)
    return found


def skipped_party(event: Event, free: int | None) -> Registration | None:
    """The party at the head of the waiting list when places are free but too few for it (promotion
    skipped it; see registration.promote_waitlist), else None."""
    if not free:
        return None
    first = db.session.scalar(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "waitlisted")
        .order_by(Registration.waitlist_position, Registration.id)
        .limit(1)
    )
    return first if first is not None and first.party_size > free else None


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
    guests, guests_attended = db.session.execute(
        select(func.count(Guest.id), func.count(Guest.checked_in_at))
        .join(Registration, Registration.id == Guest.registration_id)
        .where(Registration.event_id == event_id, Registration.status.in_(HOLDS_PLACE))
    ).one()
    return {
        "places": registered + guests,
        "guests": guests,
        "guests_attended": guests_attended,
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
    """Per quarter: events held, places taken and participants (attended) counting guests, unique
    people and organisations, attendance rate."""
    query = (
        select(Event.starts_at, Registration.status, Registration.email, organisation_key(), Event.id)
        .add_columns(Registration.guest_count)
        .join(Registration, Registration.event_id == Event.id)
        .where(Event.cancelled_at.is_(None))
    )
    if past_only:
        query = query.where(Event.starts_at < utcnow())
    guests_came = _guests_checked_in(past_only)
    quarters: dict[tuple[int, int], dict] = {}
    for starts_at, status, email, organisation, event_id, guest_count in db.session.execute(query):
        q = quarters.setdefault(
            quarter_of(starts_at),
            {"events": set(), "registered": 0, "attended": 0, "people": set(), "organisations": set()},
        )
        if event_id not in q["events"]:
            q["events"].add(event_id)
            q["attended"] += guests_came.get(event_id, 0)
        if status in HOLDS_PLACE:
            q["registered"] += 1 + (guest_count or 0)
        if status == "attended":
            q["attended"] += 1
            q["people"].add(email)
            if organisation:
                q["organisations"].add(organisation)
    return [_quarter_row(year, quarter, q) for (year, quarter), q in sorted(quarters.items(), reverse=True)]


def _guests_checked_in(past_only: bool) -> dict[int, int]:
    query = (
        select(Registration.event_id, func.count(Guest.id))
        .join(Guest, Guest.registration_id == Registration.id)
        .join(Event, Event.id == Registration.event_id)
        .where(Guest.checked_in_at.is_not(None), Registration.status.in_(HOLDS_PLACE), Event.cancelled_at.is_(None))
        .group_by(Registration.event_id)
    )
    if past_only:
        query = query.where(Event.starts_at < utcnow())
    return dict(db.session.execute(query).all())


def _quarter_row(year: int, quarter: int, q: dict) -> dict:
    months = f"{calendar.month_abbr[quarter * 3 - 2]}–{calendar.month_abbr[quarter * 3]}"
    return {
        "label": f"{year} quarter {quarter} ({months})",
        "events": len(q["events"]),
        "registered": q["registered"],
        "participants": q["attended"],
        "people": len(q["people"]),
        "organisations": len(q["organisations"]),
        "rate": round(100 * q["attended"] / q["registered"]) if q["registered"] else None,
    }


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


def meetings_for_group(organisation_id: int, meetings: int = 6) -> tuple[Event | None, list[dict]]:
    """The next network meeting going ahead, and the group's record at the last `meetings` network
    meetings that took place, newest first: one query, so the member dashboard's query count does not
    grow with the meetings held. Only registrations linked to the group count (see the directory-links
    decisions: typed names are never matched to groups). Someone present beats apologies, which beat a
    place not used."""
    now = utcnow()
    going_ahead = select(Event.id).where(
        Event.kind == "network_meeting", Event.status == "published", Event.cancelled_at.is_(None)
    )
    held = going_ahead.where(Event.ends_at <= now).order_by(Event.starts_at.desc()).limit(meetings).subquery()
    coming = going_ahead.where(Event.ends_at > now).order_by(Event.starts_at).limit(1).subquery()
    rows = db.session.execute(
        select(Event, Registration)
        .outerjoin(
            Registration,
            and_(
                Registration.event_id == Event.id,
                Registration.organisation_id == organisation_id,
                Registration.status.in_(("attended", "apologies", "confirmed")),
                Event.ends_at <= now,
            ),
        )
        .where(or_(Event.id.in_(select(held.c.id)), Event.id.in_(select(coming.c.id))))
        .order_by(Event.starts_at.desc(), Registration.name)
    ).all()
    next_meeting = None
    by_event: dict[int, list[Registration]] = {}
    for event, registration in rows:
        if event.ends_at > now:
            next_meeting = event
            continue
        by_event.setdefault(event.id, [])
        if registration is not None:
            by_event[event.id].append(registration)
    held_events = list(dict.fromkeys(event for event, _registration in rows if event.id in by_event))
    return next_meeting, [_attendance_row(event, by_event[event.id]) for event in held_events]


def _attendance_row(event: Event, rows: list[Registration]) -> dict:
    statuses = {r.status for r in rows}
    outcome = next(
        (s for s, present in (("attended", "attended"), ("apologies", "apologies"), ("absent", "confirmed"))
         if present in statuses),
        "not_registered",
    )  # fmt: skip
    return {
        "event": event,
        "outcome": outcome,
        "label": ATTENDANCE_LABELS[outcome][0],
        "tag": ATTENDANCE_LABELS[outcome][1],
        "people": [r.name for r in rows if r.status == "attended"],
    }
