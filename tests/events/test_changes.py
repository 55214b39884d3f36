"""Changes people hear about (issue 17 §3): staff are asked whether to tell registrants and see the
e-mail; registrants get it with an updated .ics (same UID, higher SEQUENCE); the old address redirects."""

from __future__ import annotations

import datetime as dt

import icalendar
from sqlalchemy import func, select

from app.events import services
from app.events.models import Event
from app.mail.models import OutboxMessage
from app.mail.worker import drain_outbox
from app.times import london_to_utc, to_london
from tests.conftest import body_of
from tests.factories import events as helpers
from tests.pages import page_text


def _edit_data(event: Event, **changes) -> dict:
    local_start, local_end = to_london(event.starts_at), to_london(event.ends_at)
    data = {
        "kind": event.kind,
        "title": event.title,
        "date": [str(local_start.day), str(local_start.month), str(local_start.year)],
        "start_time": local_start.strftime("%H:%M"),
        "end_time": local_end.strftime("%H:%M"),
        "attendance_mode": event.attendance_mode,
        "venue": event.venue,
        "address": event.address,
        "online_link": event.online_link,
        "capacity": str(event.capacity),
        "max_guests": str(event.max_guests),
        "audience": event.audience,
        "status": event.status,
    }
    data.update(changes)
    return data


def _at_six(event: Event) -> Event:
    """6pm to 8pm London time on the event's day, so the edit form's times stay on one day."""
    day = to_london(event.starts_at).date()
    event.starts_at = london_to_utc(day, dt.time(18, 0))
    event.ends_at = london_to_utc(day, dt.time(20, 0))
    return event


def _outbox(db) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def _calendar_event(message):
    [attachment] = [a for a in message.iter_attachments() if a.get_content_type() == "text/calendar"]
    [vevent] = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    return vevent


def test_moving_a_meeting_asks_first_then_tells_registrants_with_an_updated_ics(client, login_as, db, smtp_server):
    event = _at_six(helpers.event(title="Network meeting", days=30, capacity=10))
    db.session.commit()
    client.post(f"/events/{event.slug}/register", data={"name": "Amina Yusuf", "email": "amina@example.org"})
    helpers.registration(event, email="waiting@example.org", status="waitlisted")
    db.session.commit()
    drain_outbox()
    [confirmation] = smtp_server.wait_for(1)
    first = _calendar_event(confirmation)
    assert int(first["SEQUENCE"]) == 0
    old_slug, old_start = event.slug, event.starts_at
    new_day = to_london(event.starts_at) + dt.timedelta(days=7)

    login_as("staff")
    data = _edit_data(event, date=[str(new_day.day), str(new_day.month), str(new_day.year)], venue="Town Hall")
    response = client.post(f"/staff/events/{event.id}/edit", data=data)
    page = page_text(response)
    assert response.status_code == 200 and "Tell people about the change?" in page, page[
        page.find("There is a problem") :
    ][:400]
    assert "You changed what 2 people registered" in page and "The venue has changed. It is now: Town Hall" in page
    assert "Subject: Changed: Network meeting" in page and "Your changes are not saved yet." in page
    assert 'value="Town Hall"' in page_text(response, markup=True)  # the edit is carried to the next step
    db.session.expire_all()
    assert db.session.get(Event, event.id).starts_at == old_start  # nothing saved yet
    assert _outbox(db) == 1

    response = client.post(f"/staff/events/{event.id}/edit", data={**data, "notify": "yes"}, follow_redirects=True)
    page = page_text(response)
    assert "2 people have been emailed the change" in page and "the old address takes people to the new one" in page
    db.session.expire_all()
    moved = db.session.get(Event, event.id)
    assert moved.sequence == 1 and moved.venue == "Town Hall" and moved.slug != old_slug
    assert moved.slug.endswith(new_day.strftime("%Y-%m-%d"))

    drain_outbox()
    smtp_server.wait_for(3)
    [changed] = [m for m in smtp_server.to("amina@example.org") if m["Subject"].startswith("Changed:")]
    body = body_of(changed)
    assert "The date or time has changed." in body and "Town Hall" in body and "meet.example.org/abc" in body
    updated = _calendar_event(changed)
    assert str(updated["UID"]) == str(first["UID"])
    assert int(updated["SEQUENCE"]) == 1 > int(first["SEQUENCE"])
    assert updated.decoded("DTSTART") == moved.starts_at and "Town Hall" in str(updated["LOCATION"])
    [waiting] = [m for m in smtp_server.to("waiting@example.org") if m["Subject"].startswith("Changed:")]
    assert "You are still on the waiting list." in body_of(waiting) and "meet.example.org" not in body_of(waiting)

    # Links already sent keep working.
    for suffix in ("", "/register", ".ics"):
        response = client.get(f"/events/{old_slug}{suffix}?from=email")
        assert response.status_code == 301
        assert response.headers["Location"].endswith(f"/events/{moved.slug}{suffix}?from=email")
    assert client.get(f"/events/{moved.slug}.ics").status_code == 200
    # The public file carries the counter too (not a timestamp).
    [feed_event] = icalendar.Calendar.from_ical(client.get(f"/events/{moved.slug}.ics").data).walk("VEVENT")
    assert int(feed_event["SEQUENCE"]) == 1


def test_staff_can_choose_not_to_tell_and_small_edits_do_not_ask(client, login_as, db):
    event = _at_six(helpers.event(title="Workshop", days=30))
    helpers.registration(event, email="a@example.org")
    db.session.commit()
    login_as("staff")
    response = client.post(f"/staff/events/{event.id}/edit", data=_edit_data(event, title="Workshop on bids"))
    assert response.status_code == 303  # the title is not something to e-mail about
    data = _edit_data(event, title="Workshop on bids", start_time="19:00", end_time="21:00", notify="no")
    assert client.post(f"/staff/events/{event.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    saved = db.session.get(Event, event.id)
    assert to_london(saved.starts_at).hour == 19 and saved.sequence == 0
    assert _outbox(db) == 0
    # Nobody registered: nobody to ask about.
    empty = _at_six(helpers.event(days=40))
    db.session.commit()
    assert client.post(f"/staff/events/{empty.id}/edit", data=_edit_data(empty, venue="Elsewhere")).status_code == 303


def test_cancelling_shows_the_email_and_sends_a_cancelled_ics_unless_told_not_to(client, login_as, db, smtp_server):
    event = _at_six(helpers.event(title="Summer social", days=20))
    helpers.registration(event, name="Bola Ade", email="bola@example.org")
    quiet = _at_six(helpers.event(title="Quiet one", days=20))
    helpers.registration(quiet, email="c@example.org")
    db.session.commit()
    login_as("staff")
    page = page_text(client.get(f"/staff/events/{event.id}/cancel"))
    assert (
        "Tell the 1 person registered or on the waiting list?" in page and "Subject: Cancelled: Summer social" in page
    )
    db.session.expire_all()
    assert not db.session.get(Event, event.id).is_cancelled  # showing the e-mail saved nothing
    client.post(f"/staff/events/{event.id}/cancel", data={"reason": "The venue flooded.", "notify": "yes"})
    client.post(f"/staff/events/{quiet.id}/cancel", data={"reason": "", "notify": "no"})
    drain_outbox()
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Cancelled: Summer social" and "The venue flooded." in body_of(message)
    vevent = _calendar_event(message)
    assert str(vevent["STATUS"]) == "CANCELLED" and int(vevent["SEQUENCE"]) == 1
    assert smtp_server.to("c@example.org") == []
    db.session.expire_all()
    assert db.session.get(Event, quiet.id).is_cancelled


def test_moving_back_to_the_first_day_takes_back_the_first_address(client, login_as, db):
    event = _at_six(helpers.event(title="Back and forth", days=30))
    db.session.commit()
    first_slug = event.slug
    login_as("staff")
    later = to_london(event.starts_at) + dt.timedelta(days=1)
    client.post(
        f"/staff/events/{event.id}/edit",
        data=_edit_data(event, date=[str(later.day), str(later.month), str(later.year)]),
    )
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    second_slug = event.slug
    back = later - dt.timedelta(days=1)
    client.post(
        f"/staff/events/{event.id}/edit", data=_edit_data(event, date=[str(back.day), str(back.month), str(back.year)])
    )
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.slug == services.unique_slug(event.title, event.starts_at, exclude_id=event.id)
    assert client.get(f"/events/{event.slug}").status_code == 200
    assert client.get(f"/events/{second_slug}").status_code == 301
    assert first_slug != second_slug


def test_guests_with_an_address_hear_of_a_change_and_are_told_to_ask_their_host(client, login_as, db, smtp_server):
    """Issue 17 §3: a guest who gave an e-mail address hears of a move as their host does (once, even
    when the host typed their own address for a guest); a guest without one is reached through the host."""
    event = _at_six(helpers.event(title="Network meeting", days=30, capacity=10))
    host = helpers.registration(event, name="Amina Yusuf", email="amina@example.org")
    helpers.guest(host, name="Bilal Khan", email="bilal@example.org")
    helpers.guest(host, name="No Address")
    helpers.guest(host, name="Amina again", email="AMINA@example.org")
    host.guest_count = 3
    db.session.commit()
    new_day = to_london(event.starts_at) + dt.timedelta(days=7)
    login_as("staff")
    data = _edit_data(event, date=[str(new_day.day), str(new_day.month), str(new_day.year)])
    response = client.post(f"/staff/events/{event.id}/edit", data={**data, "notify": "yes"}, follow_redirects=True)
    assert "2 people have been emailed the change" in page_text(response)
    drain_outbox()
    smtp_server.wait_for(2)
    [to_guest] = smtp_server.to("bilal@example.org")
    body = body_of(to_guest)
    assert to_guest["Subject"].startswith("Changed: Network meeting") and "Hello Bilal Khan," in body
    assert "Amina Yusuf registered you as their guest" in body and "please tell Amina Yusuf" in body
    assert int(_calendar_event(to_guest)["SEQUENCE"]) == 1
    [to_host] = smtp_server.to("amina@example.org")
    assert "Hello Amina Yusuf," in body_of(to_host) and "registered you as their guest" not in body_of(to_host)
