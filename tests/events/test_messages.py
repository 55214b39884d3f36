"""Messages to registrants and joining instructions (issue 17 §2)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.db import utcnow
from app.events.messages import send_joining_instructions
from app.events.models import EventMessage
from app.jobs import PERIODIC_JOBS
from app.mail.models import OutboxMessage
from app.mail.worker import drain_outbox
from tests.conftest import body_of
from tests.factories import events as helpers
from tests.pages import page_text


def _outbox(db, kind):
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)).all()


def test_staff_preview_test_and_send_to_people_with_a_place(client, login_as, db, smtp_server):
    event = helpers.event(title="Summer social")
    helpers.registration(event, name="Amina Yusuf", email="amina@example.org")
    helpers.registration(event, name="Wai Chen", email="wai@example.org", status="waitlisted")
    helpers.registration(event, email="gone@example.org", status="cancelled")
    db.session.commit()
    staff = login_as("staff")
    page = page_text(client.get(f"/staff/events/{event.id}/message"))
    assert "Everyone registered or on the waiting list (2 people)" in page and "People with a place (1 person)" in page
    data = {"audience": "confirmed", "subject": "Parking", "body": "Park behind the hall.\n\nBring a friend."}
    response = client.post(f"/staff/events/{event.id}/message", data={**data, "preview": "Preview"})
    page = page_text(response)
    assert "Subject: Parking" in page and "Hello [their name]" in page and "Park behind the hall." in page
    assert "It will go to 1 person." in page and _outbox(db, "event_message") == []
    response = client.post(f"/staff/events/{event.id}/message", data={**data, "test": "Send a test to me"})
    assert f"A test has been sent to {staff.email}. Nothing has been sent to registrants." in page_text(response)
    assert 'value="Parking"' in page_text(response, markup=True)  # the draft is kept
    [test] = _outbox(db, "event_message_test")
    assert test.to_addr == staff.email and test.subject == "[Test] Parking"
    response = client.post(f"/staff/events/{event.id}/message", data={**data, "send": "Send"}, follow_redirects=True)
    assert "Your message has been sent to 1 person." in page_text(response)
    assert "People with a place (1)" in page_text(response)  # the list of messages sent
    [sent] = _outbox(db, "event_message")
    assert sent.to_addr == "amina@example.org" and sent.subject == "Parking"
    drain_outbox()
    messages = smtp_server.wait_for(2)
    [mail] = [m for m in messages if m["To"] == "amina@example.org"]
    body = body_of(mail)
    assert "Hello Amina Yusuf" in body and "Bring a friend." in body and "/events/cancel/" in body
    assert "You are getting this email because you registered for this event." in body
    assert db.session.scalar(select(EventMessage.recipients)) == 1


def test_message_form_errors_keep_what_was_typed(client, login_as, db):
    event = helpers.event()
    db.session.commit()
    login_as("staff")
    response = client.post(
        f"/staff/events/{event.id}/message", data={"audience": "all", "body": "Hello all", "send": "Send"}
    )
    page = page_text(response)
    assert response.status_code == 200 and "There is a problem Enter a subject" in page and "Hello all" in page
    assert _outbox(db, "event_message") == []


def test_only_staff_can_message_registrants(client, login_as, db):
    event = helpers.event()
    db.session.commit()
    login_as("member")
    response = client.post(
        f"/staff/events/{event.id}/message", data={"audience": "all", "subject": "x", "body": "y", "send": "Send"}
    )
    assert response.status_code in (403, 404)
    assert _outbox(db, "event_message") == []


def test_joining_instructions_go_once_n_days_before_with_the_online_link(app, db, smtp_server):
    soon = helpers.event(days=2.5, joining_days=3, joining_text="Join ten minutes early to test your sound.")
    later = helpers.event(days=10, joining_days=3, joining_text="Not yet")
    none = helpers.event(days=1)
    for event in (soon, later, none):
        host = helpers.registration(event, email=f"in-{event.id}@example.org", guest_count=2)
        helpers.guest(host, name="Bola Ade", email=f"bola-{event.id}@example.org")
        helpers.guest(host, name="No address")
        helpers.registration(event, email=f"wait-{event.id}@example.org", status="waitlisted")
    db.session.commit()
    assert send_joining_instructions() == 2  # the host and their guest who gave an address
    db.session.commit()
    assert send_joining_instructions() == 0  # once each
    db.session.commit()
    assert {row.to_addr for row in _outbox(db, "event_joining")} == {
        f"in-{soon.id}@example.org",
        f"bola-{soon.id}@example.org",
    }
    drain_outbox()
    mails = smtp_server.wait_for(2)
    [guest_mail] = [m for m in mails if m["To"] == f"bola-{soon.id}@example.org"]
    assert "Hello Bola Ade" in body_of(guest_mail) and "/events/cancel/" not in body_of(guest_mail)
    [mail] = [m for m in mails if m["To"] == f"in-{soon.id}@example.org"]
    body = body_of(mail)
    assert mail["Subject"].startswith("Joining instructions:") and "https://meet.example.org/abc" in body
    assert "Join ten minutes early to test your sound." in body
    assert "event_joining_instructions" in PERIODIC_JOBS
    assert send_joining_instructions(utcnow() + dt.timedelta(days=8)) == 2  # later's turn comes
