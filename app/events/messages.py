"""Messages to registrants (issue 17 §2): staff write to everyone registered, or only people with a
place, on the waiting list or who attended; and joining instructions sent automatically N days
before. Every copy goes through the outbox (enqueue); these are about an event the person signed up
for (transactional: no marketing consent needed, and nothing but the message). Callers commit."""

from __future__ import annotations

import datetime as dt

from flask import render_template, url_for
from sqlalchemy import select

from app.audit import record
from app.db import utcnow
from app.events.models import MESSAGE_STATUSES, N_, Event, EventMessage, Registration
from app.events.registration import cancel_link
from app.events.services import guests_by_host
from app.events.text import sentence
from app.extensions import db
from app.i18n import _
from app.mail import enqueue
from app.mail.models import OutboxMessage
from app.urls import link_context


def recipients(event_id: int, audience: str) -> list[Registration]:
    statuses = MESSAGE_STATUSES.get(audience, (audience,))
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.status.in_(statuses))
            .order_by(Registration.id)
        )
    )


def _context(event: Event, registration: Registration | None, body: str) -> dict:
    return {
        "event": event,
        "name": registration.name if registration else _("[their name]"),
        "paragraphs": [p.strip() for p in body.replace("\r\n", "\n").split("\n\n") if p.strip()],
        "event_link": url_for("events.detail", slug=event.slug, _external=True),
        "cancel_link": cancel_link(registration) if registration and registration.status != "attended" else None,
        "past": event.is_past,
    }


def preview(event: Event, subject: str, body: str) -> dict[str, str]:
    with link_context():
        return {
            "subject": subject,
            "body": render_template("email/event_message.txt", **_context(event, None, body), organisation_name=""),
        }


def send_test(event: Event, subject: str, body: str, to: str, name: str) -> None:
    """A copy to the member of staff writing it (marked as a test)."""
    with link_context():
        context = _context(event, None, body)
        context["name"] = name
        enqueue(
            "event_message",
            to=to,
            subject=sentence(N_("[Test] %(subject)s"), subject=subject),
            kind="event_message_test",
            **context,
        )


def send(event: Event, audience: str, subject: str, body: str, sent_by_id: int | None) -> EventMessage:
    """One copy per recipient through the outbox, in the caller's transaction."""
    people = recipients(event.id, audience)
    message = EventMessage(
        event_id=event.id, audience=audience, subject=subject, body=body, recipients=len(people), sent_by_id=sent_by_id
    )
    db.session.add(message)
    db.session.flush()
    with link_context():
        for registration in people:
            enqueue(
                "event_message",
                to=registration.email,
                subject=subject,
                kind="event_message",
                dedupe_key=f"event-message:{message.id}:{registration.id}",
                **_context(event, registration, body),
            )
    record("event.message_sent", event, message_id=message.id, audience=audience, recipients=len(people))
    return message


def sent_messages(event_id: int) -> list[EventMessage]:
    return list(
        db.session.scalars(
            select(EventMessage).where(EventMessage.event_id == event_id).order_by(EventMessage.sent_at.desc())
        )
    )


# --- joining instructions ------------------------------------------------------------------


def send_joining_instructions(now: dt.datetime | None = None) -> int:
    """For each event with joining instructions due (joining_days before it starts), e-mail people
    with a place, once each (the outbox dedupe key), with the online link."""
    now = now or utcnow()
    events = db.session.scalars(
        select(Event).where(
            Event.joining_days.is_not(None),
            Event.cancelled_at.is_(None),
            Event.status == "published",
            Event.starts_at > now,
        )
    ).all()
    sent = 0
    with link_context():
        for event in events:
            if event.starts_at - dt.timedelta(days=event.joining_days) <= now:
                sent += _joining_for(event)
    return sent


def _joining_for(event: Event) -> int:
    """People with a place, and their guests who gave an address (a guest's copy has no cancel link:
    the place is their host's to give up)."""
    people = recipients(event.id, "confirmed")
    keys = {f"event-joining:{event.id}:{r.id}": (r.email, _context(event, r, event.joining_text or "")) for r in people}
    for host_id, guests in guests_by_host([r.id for r in people if r.guest_count]).items():
        for guest in guests:
            if guest.email:
                context = _context(event, None, event.joining_text or "")
                context["name"] = guest.name
                keys[f"event-joining-guest:{event.id}:{host_id}:{guest.id}"] = (guest.email, context)
    done = set(db.session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys))))
    for key, (address, context) in keys.items():
        if key in done:
            continue
        enqueue(
            "event_joining",
            to=address,
            subject=sentence(N_("Joining instructions: %(title)s"), title=event.title),
            kind="event_joining",
            dedupe_key=key,
            **context,
        )
    return len(keys) - len(done)
