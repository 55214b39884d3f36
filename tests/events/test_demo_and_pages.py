"""Demo data loads once, and every events page renders with it (staff, member and anonymous)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.events.demo import seed_demo as seed_events
from app.events.models import Event, EventSeries, Registration


def test_demo_data_is_idempotent_and_every_page_renders(app, db, client, login_as):
    seed_events()
    seed_events()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(EventSeries)) == 1
    networking = db.session.scalar(select(Event).where(Event.kind == "networking"))
    waitlisted = db.session.scalar(
        select(func.count()).where(Registration.event_id == networking.id, Registration.status == "waitlisted")
    )
    assert waitlisted > 0
    events = db.session.scalars(select(Event)).all()
    for path in ["/events", "/events?past=1", "/events.ics"]:
        assert client.get(path).status_code == 200, path
    login_as("staff")
    pages = [
        "/staff/events",
        "/staff/events?past=1",
        "/staff/events/new",
        "/staff/events/series/new",
        "/staff/events/report",
        f"/staff/events/series/{events[0].series_id}",
    ]
    for event in events:
        pages += [
            f"/events/{event.slug}",
            f"/events/{event.slug}.ics",
            f"/events/{event.slug}/agenda",
            f"/events/{event.slug}/register",
            f"/staff/events/{event.id}",
            f"/staff/events/{event.id}/edit",
            f"/staff/events/{event.id}/agenda",
            f"/staff/events/{event.id}/registrants",
            f"/staff/events/{event.id}/check-in",
            f"/staff/events/{event.id}/minutes",
            f"/staff/events/{event.id}/cancel",
            f"/staff/events/{event.id}/registrants.csv",
        ]
    for path in pages:
        assert client.get(path).status_code == 200, path
