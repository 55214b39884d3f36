"""Builders for event tests (callers commit)."""

from __future__ import annotations

import datetime as dt
import itertools

from app.db import utcnow
from app.events.models import Event, Registration
from app.extensions import db

_n = itertools.count(1)


def event(
    *, days: float = 10, capacity: int | None = 20, kind: str = "networking", audience: str = "anyone", **kwargs
) -> Event:
    n = next(_n)
    starts = (utcnow() + dt.timedelta(days=days)).replace(microsecond=0)
    obj = Event(
        kind=kind,
        title=kwargs.pop("title", f"Networking event {n}"),
        slug=kwargs.pop("slug", f"networking-event-{n}"),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        attendance_mode=kwargs.pop("attendance_mode", "hybrid"),
        venue="Community Hall",
        address="1 High Street\nTown",
        online_link="https://meet.example.org/abc",
        capacity=capacity,
        audience=audience,
        status="published",
        **kwargs,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def registration(event_obj: Event, *, status: str = "confirmed", email: str | None = None, **kwargs) -> Registration:
    n = next(_n)
    obj = Registration(
        event_id=event_obj.id,
        name=kwargs.pop("name", f"Person {n}"),
        email=email or f"person{n}@example.org",
        status=status,
        waitlist_position=n if status == "waitlisted" else None,
        **kwargs,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def guest(host: Registration, *, name: str = "A guest", **kwargs):
    """A guest of `host` (the caller keeps host.guest_count right)."""
    from app.events.models import Guest

    obj = Guest(registration_id=host.id, name=name, **kwargs)
    db.session.add(obj)
    db.session.flush()
    return obj
