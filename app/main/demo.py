"""Demo data for the member dashboard (`flask seed-demo`, issue 9): the demo member's group has an
attendance record at the network meetings already held. Runs after the groups and events seeders;
idempotent (one registration per meeting and address)."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import find_user_by_email
from app.db import utcnow
from app.events.models import Event, Registration
from app.events.services import find_registration
from app.extensions import db
from app.groups.models import Membership, Organisation

# Newest meeting first: what the demo group did at each of the meetings already held.
DEMO_ATTENDANCE = ("attended", "attended", "apologies")


def seed_demo() -> None:
    member = find_user_by_email("member@example.org")
    if member is None:
        return
    org = db.session.scalar(
        select(Organisation)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == member.id, Organisation.status == "approved")
        .order_by(Organisation.id)
        .limit(1)
    )
    if org is None:
        return
    held = db.session.scalars(
        select(Event)
        .where(Event.kind == "network_meeting", Event.status == "published", Event.cancelled_at.is_(None))
        .where(Event.ends_at <= utcnow())
        .order_by(Event.starts_at.desc())
        .limit(len(DEMO_ATTENDANCE))
    ).all()
    for event, status in zip(held, DEMO_ATTENDANCE, strict=False):
        if find_registration(event.id, member.email) is None:
            db.session.add(
                Registration(
                    event_id=event.id,
                    user_id=member.id,
                    name=member.name,
                    email=member.email,
                    organisation_id=org.id,
                    organisation_name=org.name,
                    status=status,
                )
            )
    db.session.flush()
