"""Periodic jobs for events, run by `flask worker`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from app.db import utcnow
from app.events.models import Event, Registration
from app.events.reminders import send_reminders
from app.extensions import db
from app.jobs import periodic
from app.retention import retention_rule

EVENT_NEEDS_DAYS = 30  # access and dietary needs (may be health data) are cleared this long after an event


@periodic("event_reminders", every_seconds=900)
def event_reminders_job() -> None:
    """Reminders EVENT_REMINDER_DAYS before each event; the outbox dedupe_key makes each one go once."""
    send_reminders()


@retention_rule("event_needs")
def clear_event_needs(now: dt.datetime | None = None) -> int:
    before = (now or utcnow()) - dt.timedelta(days=EVENT_NEEDS_DAYS)
    ended = select(Event.id).where(Event.ends_at < before).scalar_subquery()
    return db.session.execute(
        update(Registration)
        .where(Registration.event_id.in_(ended), (Registration.access_needs != "") | (Registration.dietary_needs != ""))
        .values(access_needs="", dietary_needs="")
    ).rowcount
