"""What events registers with core: periodic jobs (run by `flask worker`), a retention rule, and moving
event links when staff merge duplicate organisations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update

from app.db import utcnow
from app.events.messages import send_joining_instructions
from app.events.models import Event, Guest, Registration, event_partners
from app.events.reminders import send_reminders
from app.extensions import db
from app.jobs import periodic
from app.merge_hooks import on_organisation_merge
from app.retention import retention_rule

EVENT_NEEDS_DAYS = 30  # access and dietary needs (may be health data) are cleared this long after an event


@periodic("event_reminders", every_seconds=900)
def event_reminders_job() -> None:
    """Reminders EVENT_REMINDER_DAYS before each event; the outbox dedupe_key makes each one go once."""
    send_reminders()


@periodic("event_joining_instructions", every_seconds=900)
def event_joining_job() -> None:
    """Joining instructions N days before events that have them; each goes once (dedupe_key)."""
    send_joining_instructions()


@retention_rule("event_needs")
def clear_event_needs(now: dt.datetime | None = None) -> int:
    before = (now or utcnow()) - dt.timedelta(days=EVENT_NEEDS_DAYS)
    ended = select(Event.id).where(Event.ends_at < before).scalar_subquery()
    registrations = db.session.execute(
        update(Registration)
        .where(Registration.event_id.in_(ended), (Registration.access_needs != "") | (Registration.dietary_needs != ""))
        .values(access_needs="", dietary_needs="")
    ).rowcount
    # Guests' access needs and addresses (given only to send them the joining details) go too;
    # their names stay with the attendance record.
    hosts = select(Registration.id).where(Registration.event_id.in_(ended)).scalar_subquery()
    guests = db.session.execute(
        update(Guest)
        .where(Guest.registration_id.in_(hosts), (Guest.access_needs != "") | (Guest.email != ""))
        .values(access_needs="", email="")
    ).rowcount
    return registrations + guests


@on_organisation_merge
def move_event_links(source_id: int, target_id: int) -> dict[str, int]:
    """Events' links to a merged duplicate move to the kept group: partnerships and registrations."""
    already = select(event_partners.c.event_id).where(event_partners.c.organisation_id == target_id)
    partners = db.session.execute(
        update(event_partners)
        .where(event_partners.c.organisation_id == source_id, event_partners.c.event_id.not_in(already))
        .values(organisation_id=target_id)
    ).rowcount
    db.session.execute(delete(event_partners).where(event_partners.c.organisation_id == source_id))
    registrations = db.session.execute(
        update(Registration).where(Registration.organisation_id == source_id).values(organisation_id=target_id)
    ).rowcount
    return {"event_partnerships_moved": partners, "registrations_moved": registrations}
