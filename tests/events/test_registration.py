"""Registration: capacity, waiting list, promotion, cancel links, e-mail with .ics, reminders, calendars."""

from __future__ import annotations

import datetime as dt
import re
import threading
import urllib.parse
import urllib.request

import icalendar
from sqlalchemy import func, select

from app.db import utcnow
from app.events import services
from app.events.models import Guest, Registration
from app.events.registration import cancel_registration
from app.events.reminders import send_reminders
from app.mail.models import OutboxMessage
from app.mail.worker import drain_outbox
from tests.conftest import body_of
from tests.factories import events as helpers
from tests.pages import page_text


def _guest(client, event, email="amina@example.org", name="Amina Yusuf", **extra):
    data = {"name": name, "email": email, "organisation_name": "Roots Trust", **extra}
    return client.post(f"/events/{event.slug}/register", data=data)


def _statuses(db, event_id):
    db.session.expire_all()
    return dict(
        db.session.execute(
            select(Registration.status, func.count())
            .where(Registration.event_id == event_id)
            .group_by(Registration.status)
        ).all()
    )


def test_guest_registers_and_gets_confirmation_with_ics_and_cancel_link(client, db, smtp_server):
    event = helpers.event(title="Responding to the commission", capacity=5)
    db.session.commit()
    response = _guest(client, event, access_needs="Hearing loop please", show_on_attendee_list="y")
    assert response.status_code == 200
    assert "You're registered" in page_text(response, markup=True)
    registration = services.find_registration(event.id, "AMINA@example.org")
    assert registration.status == "confirmed" and registration.show_on_attendee_list
    assert registration.access_needs == "Hearing loop please"
    drain_outbox()
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "You are registered for Responding to the commission"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    cal = icalendar.Calendar.from_ical(attachment.get_content())
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Responding to the commission"
    assert vevent.decoded("DTSTART") == event.starts_at
    # The signed cancel link works; a tampered one does not.
    link = re.search(r"http://\S+/events/cancel/\S+", body_of(message)).group(0)
    path = urllib.parse.urlsplit(link).path
    assert client.get(path[:-3] + "xyz").status_code == 400
    assert client.post(path[:-3] + "xyz").status_code == 400
    assert "Cancel my place" in page_text(client.get(path), markup=True)
    assert _statuses(db, event.id) == {"confirmed": 1}
    assert "Your place is cancelled" in page_text(client.post(path), markup=True)
    assert _statuses(db, event.id) == {"cancelled": 1}


def test_online_link_shown_only_to_confirmed_registrants(client, db, login_as):
    event = helpers.event(capacity=1)
    # Its own address: both builders number "personN@example.org", which could be the member's.
    helpers.registration(event, email="first-to-book@example.org")
    db.session.commit()
    assert "meet.example.org" not in page_text(client.get(f"/events/{event.slug}"), markup=True)
    member = login_as("member")
    client.post(f"/events/{event.slug}/register", data={"name": member.name, "email": member.email})
    page = page_text(client.get(f"/events/{event.slug}"), markup=True)
    assert "You're on the waiting list (position 1)" in page and "meet.example.org" not in page
    other = helpers.event(capacity=3)
    db.session.commit()
    client.post(f"/events/{other.slug}/register", data={"name": member.name, "email": member.email})
    assert "meet.example.org/abc" in page_text(client.get(f"/events/{other.slug}"), markup=True)


def test_full_event_waitlists_and_cancellation_promotes_exactly_one(client, db, smtp_server):
    event = helpers.event(capacity=2)
    db.session.commit()
    for n in range(5):
        _guest(client, event, email=f"p{n}@example.org", name=f"Person {n}")
    assert _statuses(db, event.id) == {"confirmed": 2, "waitlisted": 3}
    page = page_text(_guest(client, event, email="late@example.org"), markup=True)
    assert "Position 4" in page
    first = services.find_registration(event.id, "p0@example.org")
    promoted = cancel_registration(first.id)
    assert promoted.email == "p2@example.org"
    assert _statuses(db, event.id) == {"confirmed": 2, "waitlisted": 3, "cancelled": 1}
    assert services.waitlist_rank(services.find_registration(event.id, "p3@example.org")) == 1
    drain_outbox()
    smtp_server.wait_for(7)
    [mail] = [m for m in smtp_server.to("p2@example.org") if "A place has come up" in m["Subject"]]
    assert list(mail.iter_attachments())  # the promoted person gets the calendar file too


def test_duplicate_and_double_click_make_one_registration(client, db, login_as):
    event = helpers.event(capacity=5)
    db.session.commit()
    _guest(client, event)
    page = page_text(_guest(client, event, email="Amina@Example.org"), markup=True)
    assert "This email address is already registered for this event" in page
    member = login_as("member")
    for _ in range(2):  # a double-clicked Register
        response = client.post(
            f"/events/{event.slug}/register",
            data={"name": member.name, "email": member.email},
            headers={"HX-Request": "true"},
        )
        assert "You're registered" in page_text(response, markup=True)
        assert "<html" not in page_text(response, markup=True)
    assert _statuses(db, event.id) == {"confirmed": 2}


def test_signed_in_member_cannot_register_someone_else(client, db, login_as):
    event = helpers.event()
    db.session.commit()
    member = login_as("member")
    client.post(f"/events/{event.slug}/register", data={"name": "X", "email": "victim@example.org"})
    assert services.find_registration(event.id, "victim@example.org") is None
    assert services.find_registration(event.id, member.email).user_id == member.id


def test_registration_refused_when_closed_cancelled_or_members_only(client, db):
    closed = helpers.event(registration_closes_at=utcnow() - dt.timedelta(hours=1))
    cancelled = helpers.event(cancelled_at=utcnow())
    members = helpers.event(audience="members")
    db.session.commit()
    assert "Registration for this event has closed" in page_text(_guest(client, closed), markup=True)
    assert "This event has been cancelled" in page_text(_guest(client, cancelled), markup=True)
    response = _guest(client, members)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_bad_registration_input_keeps_what_was_typed(client, db):
    event = helpers.event()
    db.session.commit()
    response = _guest(client, event, email="not-an-email", name="Amina Yusuf")
    page = page_text(response, markup=True)
    assert "Enter an email address in the correct format" in page and 'value="Amina Yusuf"' in page
    response = client.post(
        f"/events/{event.slug}/register", data={"email": "a@example.org"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422 and "Enter your full name" in page_text(response, markup=True)


def test_fifty_concurrent_registrations_for_the_last_ten_places(app, db, live_server):
    event = helpers.event(capacity=30)
    for _ in range(20):
        helpers.registration(event)
    db.session.commit()
    url = f"{live_server.url}/events/{event.slug}/register"
    barrier = threading.Barrier(50)
    errors = []

    def register(n: int) -> None:
        body = urllib.parse.urlencode({"name": f"Racer {n}", "email": f"racer{n}@example.org"}).encode()
        barrier.wait()
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=60) as response:  # noqa: S310
                assert response.status == 200
        except Exception as exc:  # collected, so one failure cannot hide behind a thread
            errors.append(repr(exc))

    threads = [threading.Thread(target=register, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert errors == []
    assert _statuses(db, event.id) == {"confirmed": 30, "waitlisted": 40}
    emails = db.session.scalars(select(Registration.email).where(Registration.event_id == event.id)).all()
    assert len(emails) == len(set(emails)) == 70
    positions = db.session.scalars(
        select(Registration.waitlist_position).where(
            Registration.event_id == event.id, Registration.status == "waitlisted"
        )
    ).all()
    assert len(set(positions)) == 40
    # One cancellation promotes exactly one person.
    confirmed = db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.status == "confirmed").limit(1)
    )
    cancel_registration(confirmed.id)
    assert _statuses(db, event.id) == {"confirmed": 30, "waitlisted": 39, "cancelled": 1}


def test_thirty_concurrent_parties_of_one_to_three_for_ten_places(app, db, live_server):
    """Issue 17: guests take places too; capacity is exact under concurrency for whole parties."""
    event = helpers.event(capacity=10, max_guests=2)
    db.session.commit()
    url = f"{live_server.url}/events/{event.slug}/register"
    barrier = threading.Barrier(30)
    errors = []
    sizes = {f"party{n}@example.org": n % 3 + 1 for n in range(30)}

    def register(n: int) -> None:
        fields = {"name": f"Host {n}", "email": f"party{n}@example.org"}
        for g in range(n % 3):
            fields[f"guests-{g}-name"] = f"Guest {n}.{g}"
        body = urllib.parse.urlencode(fields).encode()
        barrier.wait()
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=60) as response:  # noqa: S310
                assert response.status == 200
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=register, args=(n,)) for n in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert errors == []
    db.session.expire_all()
    rows = db.session.scalars(select(Registration).where(Registration.event_id == event.id)).all()
    assert len(rows) == 30
    assert all(r.guest_count == sizes[r.email] - 1 for r in rows)  # every guest was kept with their host
    taken = sum(r.party_size for r in rows if r.status == "confirmed")
    assert taken == services.places_taken(event.id) <= 10
    free = 10 - taken
    waiting = [r for r in rows if r.status == "waitlisted"]
    # Places only shrink here, so every party left waiting is bigger than what is still free.
    assert waiting and all(r.party_size > free for r in waiting)
    assert len({r.waitlist_position for r in waiting}) == len(waiting)
    guests = db.session.scalar(select(func.count()).select_from(Guest))
    assert guests == sum(size - 1 for size in sizes.values())


def test_reminders_go_once_to_confirmed_registrants(app, db):
    soon = helpers.event(days=1)
    later = helpers.event(days=5)
    a = helpers.registration(soon)
    helpers.registration(soon, status="waitlisted")
    helpers.registration(later)
    db.session.commit()
    with app.test_request_context():
        assert send_reminders() == 1
        db.session.commit()
        assert send_reminders() == 0
        db.session.commit()
    [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "event_reminder")).all()
    assert message.to_addr == a.email and message.dedupe_key == f"event-reminder:{soon.id}:{a.id}"
    app.config["EVENT_REMINDER_DAYS"] = 6
    with app.test_request_context():
        assert send_reminders() == 1


def test_reminder_job_runs_in_the_worker(app, db):
    from app.jobs import PERIODIC_JOBS

    assert "event_reminders" in PERIODIC_JOBS
    event = helpers.event(days=1)
    helpers.registration(event)
    db.session.commit()
    with app.test_request_context():
        PERIODIC_JOBS["event_reminders"].func()
        db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_ics_feed_and_event_file_are_valid(client, db):
    event = helpers.event(title="Quarterly network meeting", kind="network_meeting")
    gone = helpers.event(title="Cancelled meeting", cancelled_at=utcnow())
    db.session.commit()
    response = client.get("/events.ics")
    assert response.headers["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.data)
    [tz] = cal.walk("VTIMEZONE")
    assert str(tz["TZID"]) == "Europe/London"
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert str(events["Cancelled meeting"]["STATUS"]) == "CANCELLED"
    assert str(events["Quarterly network meeting"]["STATUS"]) == "CONFIRMED"
    vevent = events["Quarterly network meeting"]
    assert "DTSTAMP" in vevent and vevent["DTSTART"].params["TZID"] == "Europe/London"
    assert vevent.decoded("DTSTART") == event.starts_at
    assert b"TZID=Europe/London" in response.data
    single = icalendar.Calendar.from_ical(client.get(f"/events/{event.slug}.ics").data)
    assert str(single.walk("VEVENT")[0]["UID"]) == str(vevent["UID"])  # stable UID
    assert gone.id


def test_events_listing_filters_and_query_budget(client, db, query_budget):
    for n in range(6):
        helpers.event(kind="workshop" if n % 2 else "networking", days=n + 1)
    helpers.event(days=-10, title="Last year's meeting")
    db.session.commit()
    with query_budget(6):
        page = page_text(client.get("/events"), markup=True)
    assert page.count('class="portal-event"') == 6 and "Last year" not in page
    partial = page_text(client.get("/events?kind=workshop", headers={"HX-Request": "true"}), markup=True)
    assert partial.count('class="portal-event"') == 3 and "<html" not in partial
    assert "Last year's meeting" in page_text(client.get("/events?past=1"), markup=True)


def test_access_and_dietary_needs_are_cleared_30_days_after_the_event(db):
    from app.events.jobs import clear_event_needs

    old = helpers.event(days=-31)
    recent = helpers.event(days=-5)
    a = helpers.registration(old, access_needs="Wheelchair user", dietary_needs="Halal")
    b = helpers.registration(recent, access_needs="BSL interpreter")
    db.session.commit()
    assert clear_event_needs() == 1
    db.session.commit()
    db.session.expire_all()
    assert (db.session.get(Registration, a.id).access_needs, db.session.get(Registration, a.id).dietary_needs) == (
        "",
        "",
    )
    assert db.session.get(Registration, b.id).access_needs == "BSL interpreter"
