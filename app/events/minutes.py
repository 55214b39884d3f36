"""A meeting's agenda (its items in order; app/ordering.py moves them), its minutes, who attended
and its actions arising. Callers commit."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from app.auth.models import User
from app.db import utcnow
from app.events.models import N_, ActionArising, AgendaItem, Event, Minutes, Registration
from app.events.services import guests_by_host
from app.events.text import sentence
from app.extensions import db
from app.mail import enqueue
from app.urls import link_context


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


ITEM_TEXT_LIMIT = 20_000


def save_item_minutes(items: list[AgendaItem], form_data) -> list[str]:
    """Each agenda item's notes and decisions from the minutes form (fields item-<id>-notes and
    item-<id>-decisions); returns the ids of fields that are too long (nothing of theirs is saved)."""
    too_long = []
    for item in items:
        for field, attribute in (("notes", "minute_notes"), ("decisions", "decisions")):
            key = f"item-{item.id}-{field}"
            if key not in form_data:
                continue
            value = form_data.get(key, "").replace("\r\n", "\n").strip()
            if len(value) > ITEM_TEXT_LIMIT:
                too_long.append(key)
            else:
                setattr(item, attribute, value)
    return too_long


def tell_action_owners(event: Event) -> int:
    """E-mail each action's owner picked from the portal's users, once, with a link to the published
    minutes (the caller has published them); returns how many were told."""
    actions = db.session.scalars(
        select(ActionArising).where(
            ActionArising.event_id == event.id,
            ActionArising.owner_user_id.is_not(None),
            ActionArising.owner_told_at.is_(None),
        )
    ).all()
    told = 0
    with link_context():
        link = url_for("events.minutes", slug=event.slug, _external=True)
        for action in actions:
            owner = db.session.get(User, action.owner_user_id)
            if owner is None or not owner.active:
                continue
            enqueue(
                "event_action",
                to=owner.email,
                subject=sentence(N_("An action for you from %(title)s"), title=event.title),
                kind="event_action",
                dedupe_key=f"event-action:{action.id}",
                name=owner.name,
                event=event,
                action=action,
                minutes_link=link,
            )
            action.owner_told_at = utcnow()
            told += 1
    return told


def actions_by_item(actions: list[ActionArising], items: list[AgendaItem]) -> dict:
    """Agenda item id -> its actions; None -> actions under no (remaining) item."""
    ids = {item.id for item in items}
    grouped: dict = {}
    for action in actions:
        key = action.agenda_item_id if action.agenda_item_id in ids else None
        grouped.setdefault(key, []).append(action)
    return grouped
