"""Load data: confirmed mailing-list subscribers."""

from __future__ import annotations

import random
import secrets

from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from app.mailing.models import Subscriber, Subscription, Topic
from bench.loaddata import bulk, next_number, person_name


def generate_subscribers(count: int, seed: int = 1) -> int:
    """`count` confirmed subscribers, each subscribed to every current topic."""
    rng = random.Random(seed)
    start = next_number(Subscriber.id)
    now = utcnow()
    bulk(
        Subscriber,
        (
            {
                "email": f"load-subscriber-{start + i}@example.org",
                "name": person_name(rng),
                "organisation_name": "",
                "status": "confirmed",
                "consent_text_version": "load-data",
                "consent_at": now,
                "confirmed_at": now,
                "lawful_basis": "consent",
                "source": "import",
                "token_key": secrets.token_hex(16),
                "created_at": now,
                "bounce_count": 0,
            }
            for i in range(count)
        ),
    )
    topic_ids = list(db.session.scalars(select(Topic.id).where(Topic.archived.is_(False))))
    ids = db.session.scalars(
        select(Subscriber.id).where(Subscriber.email.like("load-subscriber-%"), Subscriber.id >= start)
    ).all()
    bulk(Subscription, ({"subscriber_id": s, "topic_id": t, "created_at": now} for s in ids for t in topic_ids))
    return count
