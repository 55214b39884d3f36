"""Load data: published upcoming events with confirmed registrations."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from app.db import utcnow
from app.events.models import Event, Registration
from app.extensions import db
from bench.loaddata import bulk, next_number, person_name


def generate_events(count: int, registrations: int = 0, seed: int = 1) -> int:
    """`count` published upcoming events open to anyone, each with `registrations` confirmed places
    (capacity is left unlimited so benchmark registrations keep being accepted)."""
    rng = random.Random(seed)
    start = next_number(Event.id)
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    kinds = ["networking", "workshop", "training"]
    topics = ["Mental health", "Diabetes prevention", "Funding bids", "Digital skills", "Volunteering"]
    rows = []
    for i in range(count):
        starts = now + dt.timedelta(days=7 + i % 180, hours=rng.randint(0, 8))
        title = f"{rng.choice(topics)} {rng.choice(kinds)} {start + i}"
        rows.append(
            {
                "kind": rng.choice(kinds),
                "title": title,
                "slug": f"load-event-{start + i}",
                "description": "<p>A session for community groups in the network.</p>",
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=2),
                "attendance_mode": "in_person",
                "venue": "Community centre",
                "address": "1 High Street",
                "capacity": None,
                "audience": "anyone",
                "status": "published",
                "created_at": now,
                "updated_at": now,
            }
        )
    bulk(Event, rows)
    if registrations:
        ids = db.session.scalars(select(Event.id).where(Event.slug.like("load-event-%"), Event.id >= start)).all()
        bulk(
            Registration,
            (
                {
                    "event_id": event_id,
                    "name": person_name(rng),
                    "email": f"attendee-{event_id}-{n}@example.org",
                    "organisation_name": "",
                    "status": "confirmed",
                    "source": "self",
                    "created_at": now,
                    "updated_at": now,
                }
                for event_id in ids
                for n in range(registrations)
            ),
        )
    return count
