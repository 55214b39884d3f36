"""Changes people hear about (issue 17 §3): when staff move an event, change its venue or online
link, or cancel it, registrants are e-mailed (if staff say so) with an updated calendar file: same
UID, SEQUENCE one higher. A move to another day gives the event a new address; the old one
redirects. Callers commit."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, url_for
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from app.events.ics import calendar_for
from app.events.models import Event, EventOldAddress, Registration
from app.events.services import unique_slug
from app.extensions import db
from app.mail import enqueue
from app.template_helpers import datetime_format
from app.times import to_london
from app.urls import link_context

TOLD = ("confirmed", "waitlisted")  # who hears about changes: people with a place or waiting for one


@dataclass(frozen=True)
class Snapshot:
    """What registrants need to know about an event, to compare before and after an edit."""

    starts_at: object
    ends_at: object
    attendance_mode: str
    venue: str
    address: str
    online_link: str

    @classmethod
    def of(cls, event: Event) -> Snapshot:
        return cls(event.starts_at, event.ends_at, event.attendance_mode, event.venue, event.address, event.online_link)


def _span(starts_at, ends_at) -> str:
    """'Tuesday 12 January 2027 at 6pm to 8pm' (London time)."""
    return f"{datetime_format(starts_at, weekday=True)} to {datetime_format(ends_at).rsplit(' at ', 1)[-1]}"


def what_changed(before: Snapshot, event: Event) -> list[str]:
    """Plain sentences for the e-mail, one per change that matters to someone coming."""
    changes = []
    if (before.starts_at, before.ends_at) != (event.starts_at, event.ends_at):
        changes.append(
            f"The date or time has changed. It was {_span(before.starts_at, before.ends_at)}; "
            f"it is now {_span(event.starts_at, event.ends_at)} (UK time)."
        )
    if before.attendance_mode != event.attendance_mode:
        changes.append(f"How people take part has changed: it is now {event.mode_label.lower()}.")
    if (before.venue, " ".join(before.address.split())) != (event.venue, " ".join(event.address.split())):
        where = ", ".join(p for p in (event.venue, " ".join(event.address.split())) if p) or "no venue"
        changes.append(f"The venue has changed. It is now: {where}.")
    if before.online_link != event.online_link and event.has_online:
        changes.append("The online joining link has changed. Use the new link below.")
    return changes


def people_to_tell(event_id: int) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.status.in_(TOLD))
            .options(selectinload(Registration.guests))
            .order_by(Registration.id)
        )
    )


def _context(event: Event, registration: Registration | None, changes: list[str]) -> dict:
    return {
        "event": event,
        "registration": registration,
        "name": registration.name if registration else "[their name]",
        "confirmed": registration is None or registration.status == "confirmed",
        "changes": changes,
        "event_link": url_for("events.detail", slug=event.slug, _external=True),
    }


def subject_for(event: Event, changes: list[str]) -> str:
    if event.is_cancelled:
        return f"Cancelled: {event.title}"
    return f"Changed: {event.title}, {datetime_format(event.starts_at, weekday=True)}"


def preview(event: Event, changes: list[str]) -> dict[str, str]:
    """The e-mail as a registrant with a place will get it (for staff to read before saying yes)."""
    with link_context():
        context = _context(event, None, changes)
        template = "email/event_cancelled.txt" if event.is_cancelled else "email/event_changed.txt"
        return {
            "subject": subject_for(event, changes),
            "body": render_template(
                template,
                **context,
                organisation_name="",
                cancel_link=url_for("events.detail", slug=event.slug, _external=True),
            ).strip(),
        }


def tell_registrants(event: Event, changes: list[str]) -> int:
    """E-mail everyone with a place or on the waiting list, and each guest who gave an e-mail address,
    with the calendar file (SEQUENCE raised once for this change); returns how many were told."""
    event.sequence = (event.sequence or 0) + 1
    db.session.flush()
    told = 0
    with link_context():
        ics = calendar_for([event]).decode("utf-8")
        for registration in people_to_tell(event.id):
            attachments = None
            if registration.status == "confirmed" or event.is_cancelled:
                attachments = [{"filename": "event.ics", "content_type": "text/calendar", "data": ics}]
            for address, context in _recipients(event, registration, changes):
                enqueue(
                    "event_cancelled" if event.is_cancelled else "event_changed",
                    to=address,
                    subject=subject_for(event, changes),
                    kind="event_changed",
                    attachments=attachments,
                    **context,
                )
                told += 1
    return told


def _recipients(event: Event, registration: Registration, changes: list[str]) -> list[tuple[str, dict]]:
    """The registrant, then each guest with an address of their own (issue 17: a guest hears of a change
    as their host does; they are told to ask the host to free their place)."""
    found = [(registration.email, _context(event, registration, changes))]
    seen = {registration.email.lower()}
    for guest in registration.guests:
        address = (guest.email or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            context = _context(event, registration, changes)
            context.update(name=guest.name, guest_of=registration.name)
            found.append((address, context))
    return found


def move_address(event: Event, before: Snapshot) -> str | None:
    """A new address when the event moved to another day (the slug carries the date); the old one
    is kept so links already sent redirect. Returns the old slug, or None."""
    if to_london(before.starts_at).date() == to_london(event.starts_at).date():
        return None
    old = event.slug
    new = unique_slug(event.title, event.starts_at, exclude_id=event.id)
    if new == old:
        return None
    db.session.execute(delete(EventOldAddress).where(EventOldAddress.slug == new))  # moved back again
    db.session.add(EventOldAddress(slug=old, event_id=event.id))
    event.slug = new
    return old


def current_slug(old_slug: str) -> str | None:
    """Where an old address now leads, or None."""
    return db.session.scalar(
        select(Event.slug)
        .join(EventOldAddress, EventOldAddress.event_id == Event.id)
        .where(EventOldAddress.slug == old_slug)
    )
