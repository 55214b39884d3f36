"""A meeting's agenda (its items in order; app/ordering.py moves them), its minutes, who attended
and its actions arising. Callers commit."""

from __future__ import annotations

from sqlalchemy import func, select

from app.db import utcnow
from app.events.models import ActionArising, AgendaItem, Event, Minutes, Registration
from app.events.services import guests_by_host
from app.extensions import db


def agenda(event_id: int) -> list[AgendaItem]:
    return list(
        db.session.scalars(
            select(AgendaItem).where(AgendaItem.event_id == event_id).order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def find_minutes(event: Event) -> Minutes | None:
    return db.session.scalar(select(Minutes).where(Minutes.event_id == event.id))


def minutes_for(event: Event) -> Minutes:
    minutes = db.session.scalar(select(Minutes).where(Minutes.event_id == event.id))
    if minutes is None:
        minutes = Minutes(event_id=event.id, status="draft", body="")
        db.session.add(minutes)
        db.session.flush()
    return minutes


def attendance(event_id: int) -> dict:
    """Present, apologies and absent registrants; "guests": host id -> their guests (listed under
    the host, present when checked in)."""
    rows = db.session.scalars(
        select(Registration).where(Registration.event_id == event_id).order_by(func.lower(Registration.name))
    ).all()
    guests = guests_by_host([r.id for r in rows if r.guest_count and r.status in ("attended", "confirmed")])
    return {
        "present": [r for r in rows if r.status == "attended"],
        "apologies": [r for r in rows if r.status == "apologies"],
        "absent": [r for r in rows if r.status == "confirmed"],
        "guests": guests,
    }


def mark_action_done(action: ActionArising, status: str) -> None:
    action.status = status
    action.completed_at = utcnow() if status == "done" else None
