"""Benchmark data at the sizes issue 8 names: subscribers, events with registrations, action-plan
actions (groups are in app/groups/seed.py). Everything is written with bulk INSERTs (one executemany
per chunk), so 10,000 subscribers or 100,000 registrations take seconds, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Iterator

from sqlalchemy import func, insert, select

from app.db import utcnow
from app.extensions import db

CHUNK = 2000


def _chunks(rows: Iterable[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _bulk(model, rows: Iterable[dict]) -> int:
    count = 0
    for chunk in _chunks(rows):
        db.session.execute(insert(model), chunk)
        count += len(chunk)
    return count


def _next_number(column) -> int:
    return (db.session.scalar(select(func.max(column))) or 0) + 1


def generate_subscribers(count: int, seed: int = 1) -> int:
    """`count` confirmed subscribers, each subscribed to every current topic."""
    from app.mailing.models import Subscriber, Subscription, Topic

    rng = random.Random(seed)
    start = _next_number(Subscriber.id)
    now = utcnow()
    first = ["Amina", "Kwame", "Nasreen", "Tunde", "Priya", "Wei", "Fatima", "Marek", "Grace", "Yusuf"]
    _bulk(
        Subscriber,
        (
            {
                "email": f"load-subscriber-{start + i}@example.org",
                "name": f"{rng.choice(first)} {start + i}",
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
    _bulk(Subscription, ({"subscriber_id": s, "topic_id": t, "created_at": now} for s in ids for t in topic_ids))
    return count


def generate_events(count: int, registrations: int = 0, seed: int = 1) -> int:
    """`count` published upcoming events open to anyone, each with `registrations` confirmed places
    (capacity is left unlimited so benchmark registrations keep being accepted)."""
    from app.events.models import Event, Registration

    rng = random.Random(seed)
    start = _next_number(Event.id)
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
    _bulk(Event, rows)
    if registrations:
        ids = db.session.scalars(select(Event.id).where(Event.slug.like("load-event-%"), Event.id >= start)).all()
        _bulk(
            Registration,
            (
                {
                    "event_id": event_id,
                    "name": f"Attendee {n}",
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


def generate_actions(count: int, seed: int = 1) -> int:
    """One published public plan with `count` actions over eight themes (numbered 1.1, 1.2 … 8.N)."""
    from app.actionplan.models import Action, ActionPlan, Theme, number_sort_key

    rng = random.Random(seed)
    serial = _next_number(ActionPlan.id)
    now = utcnow()
    plan = ActionPlan(
        title=f"Load test action plan {serial}", slug=f"load-plan-{serial}", status="published", visibility="public"
    )
    db.session.add(plan)
    names = ["Workforce and culture", "Crime", "Education", "Social care", "Health", "Heritage", "Jobs", "Money"]
    themes = [Theme(plan=plan, name=name, position=i) for i, name in enumerate(names)]
    db.session.add_all(themes)
    db.session.flush()
    statuses = ["not_started", "in_progress", "completed", "on_hold"]

    def rows():
        for i in range(count):
            theme = i % len(themes)
            number = f"{theme + 1}.{i // len(themes) + 1}"
            yield {
                "plan_id": plan.id,
                "theme_id": themes[theme].id,
                "number": number,
                "sort_key": number_sort_key(number),
                "headline": f"Action {number}: improve access to services for local communities",
                "detail": "<p>Work with community groups to reach people who miss out.</p>",
                "timescale": "2027",
                "quick_win": rng.choice(["yes", "no", "unknown"]),
                "lead_services": ["Public health"],
                "lead_officers": ["Lead officer"],
                "status": rng.choice(statuses),
                "created_at": now,
                "updated_at": now,
            }

    _bulk(Action, rows())
    return count
