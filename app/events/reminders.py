"""Reminder e-mails to confirmed registrants shortly before an event (a periodic job of `flask worker`)."""

from __future__ import annotations

import datetime as dt

from flask import current_app, url_for
from sqlalchemy import select

from app.db import utcnow
from app.events.models import N_, Event, Registration
from app.events.registration import cancel_link
from app.events.text import sentence
from app.extensions import db
from app.mail import enqueue
from app.mail.models import OutboxMessage
from app.urls import link_context


def send_reminders(now: dt.datetime | None = None) -> int:
    """E-mail confirmed registrants of events starting within EVENT_REMINDER_DAYS; once each."""

    with link_context():
        return _send_reminders(now)


def _send_reminders(now: dt.datetime | None = None) -> int:
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
                subject=sentence(N_("Reminder: %(title)s"), title=event.title),
                dedupe_key=key,
                event=event,
                registration=registration,
                event_link=url_for("events.detail", slug=event.slug, _external=True),
                cancel_link=cancel_link(registration),
            )
            sent += 1
    return sent
