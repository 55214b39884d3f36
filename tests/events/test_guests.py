"""Guests (issue 17 §1): each takes a place; whole parties on the waiting list; one guest can be
cancelled; check-in, the registrants list and the minutes list guests under their host."""

from __future__ import annotations

import re
import urllib.parse

from sqlalchemy import func, select

from app.audit import AuditEvent
from app.events import services
from app.events.models import Guest, Registration
from app.events.registration import cancel_guest, cancel_registration
from app.mail.worker import drain_outbox
from tests.conftest import body_of
from tests.factories import events as helpers
from tests.pages import page_text


def _register(client, event, email="amina@example.org", name="Amina Yusuf", guests=(), headers=None, **extra):
    data = {"name": name, "email": email, **extra}
    for n, guest in enumerate(guests):
        for key, value in guest.items():
            data[f"guests-{n}-{key}"] = value
    return client.post(f"/events/{event.slug}/register", data=data, headers=headers or {})


def _party(n, size):
    return [{"name": f"Guest {n}.{g}"} for g in range(size - 1)]


def _status(db, event, email):
    db.session.expire_all()
    return services.find_registration(event.id, email).status


def test_anonymous_registrant_brings_two_guests_who_each_take_a_place(client, db, smtp_server):
    event = helpers.event(title="Responding to the commission", capacity=5)
    db.session.commit()
    form = page_text(client.get(f"/events/{event.slug}/register"), markup=True)
    assert "You can bring up to 2 guests" in form and 'name="guests-1-name"' in form
    assert 'name="guests-2-name"' not in form
    response = _register(
        client,
        event,
        guests=[
            {"name": "Bola Ade", "email": "Bola@Example.org", "access_needs": "Wheelchair user"},
            {"name": "Chen Li"},
        ],
    )
    page = page_text(response, markup=True)
    assert "You're registered" in page and "Bola Ade" in page and "Chen Li" in page
    registration = services.find_registration(event.id, "amina@example.org")
    assert registration.guest_count == 2 and registration.party_size == 3
    guests = services.guests_of(registration)
    assert [(g.name, g.email, g.access_needs) for g in guests] == [
        ("Bola Ade", "bola@example.org", "Wheelchair user"),
        ("Chen Li", "", ""),
    ]
    assert services.places_left(event) == 2
    drain_outbox()
    [message] = smtp_server.wait_for(1)
    assert "Your guests: Bola Ade, Chen Li. Each has a place with you." in body_of(message)


def test_guest_limits_and_bad_guest_details_keep_what_was_typed(client, db):
    event = helpers.event(capacity=10, max_guests=1)
    db.session.commit()
    response = _register(client, event, guests=[{"name": "One"}, {"name": "Two"}])
    page = page_text(response, markup=True)
    assert "You can bring up to 1 guest to this event" in page
    assert 'href="#guests"' in page and 'value="Amina Yusuf"' in page
    assert services.find_registration(event.id, "amina@example.org") is None
    response = _register(client, event, guests=[{"email": "not-an-email", "access_needs": "Hearing loop"}])
    page = page_text(response, markup=True)
    assert "Enter the guest&#39;s full name, or clear their details" in page or "Enter the guest's full name" in page
    assert "Enter the guest&#39;s email address in the correct format" in page or "guest's email address" in page
    assert 'href="#guests-0-name"' in page and "Hearing loop" in page
    off = helpers.event(capacity=10, max_guests=0)
    db.session.commit()
    assert "Guests" not in page_text(client.get(f"/events/{off.slug}/register"))
    page = page_text(_register(client, off, guests=[{"name": "Sneaky"}]), markup=True)
    assert "This event does not take guests" in page
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_form_says_when_only_some_places_are_left_and_when_it_is_full(client, db):
    event = helpers.event(capacity=3)
    helpers.registration(event)
    db.session.commit()
    page = page_text(client.get(f"/events/{event.slug}/register"))
    assert "Only 2 places are left. You can bring up to 1 guest." in page
    helpers.registration(event)
    db.session.commit()
    page = page_text(client.get(f"/events/{event.slug}/register"))
    assert "Only 1 place is left. There is room for you but not for a guest." in page
    helpers.registration(event)
    db.session.commit()
    page = page_text(client.get(f"/events/{event.slug}/register"), markup=True)
    assert "This event is full." in page and "Your party stays together" in page
    assert re.search(r"<button[^>]*>\s*Join the waiting list\s*</button>", page)
    assert "Join the waiting list" in page_text(client.get(f"/events/{event.slug}"))


def test_a_party_that_does_not_fit_waits_together_and_promotion_skips_it(client, db, login_as):
    event = helpers.event(capacity=4)
    db.session.commit()
    _register(client, event, email="a@example.org", guests=_party(1, 2))  # 2 places
    response = _register(client, event, email="b@example.org", guests=_party(2, 3))  # needs 3, 2 left
    page = page_text(response)
    assert "You're on the waiting list" in page and "(only 2 places are left, and you need 3)" in page
    _register(client, event, email="c@example.org", guests=_party(3, 2))  # 2 places: fits
    assert _status(db, event, "c@example.org") == "confirmed"
    _register(client, event, email="d@example.org")  # full: waits behind b
    assert _status(db, event, "d@example.org") == "waitlisted"
    # a's party leaves: 2 places free; b (3) is skipped, d (1) is promoted.
    promoted = cancel_registration(services.find_registration(event.id, "a@example.org").id)
    assert promoted.email == "d@example.org"
    assert _status(db, event, "b@example.org") == "waitlisted"
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.verb == "event.waitlist_skipped")
        )
        >= 1
    )
    login_as("staff")
    page = page_text(client.get(f"/staff/events/{event.id}/registrants"))
    assert "1 place is free, but Amina Yusuf (next on the waiting list) needs 3 places" in page
    # b drops a guest: the party of 2 still does not fit in 1; dropping another makes it fit.
    b = services.find_registration(event.id, "b@example.org")
    first, second = services.guests_of(b)
    assert cancel_guest(first.id) == []
    assert [r.email for r in cancel_guest(second.id)] == ["b@example.org"]
    assert services.places_left(event) == 0


def test_cancelling_one_guest_frees_one_place_for_the_host_only(client, db, login_as):
    event = helpers.event(capacity=3)
    waiting = helpers.registration(event)
    db.session.commit()
    member = login_as("member")
    client.post(
        f"/events/{event.slug}/register", data={"name": member.name, "email": member.email, "guests-0-name": "Dee"}
    )
    mine = services.find_registration(event.id, member.email)
    assert mine.party_size == 2 and services.places_left(event) == 0
    waiter = Registration(
        event_id=event.id, name="Wai", email="wai@example.org", status="waitlisted", waitlist_position=99
    )
    db.session.add(waiter)
    other_guest = Guest(registration_id=waiting.id, name="Not yours")
    db.session.add(other_guest)
    db.session.commit()
    [guest] = services.guests_of(mine)
    assert client.post(f"/events/{event.slug}/guests/{other_guest.id}/cancel").status_code == 404
    page = page_text(client.get(f"/events/{event.slug}"), markup=True)
    assert "Your guest" in page and "Dee" in page
    response = client.post(f"/events/{event.slug}/guests/{guest.id}/cancel", follow_redirects=True)
    assert "Dee is no longer coming. Their place has been freed." in page_text(response)
    db.session.expire_all()
    assert services.find_registration(event.id, member.email).guest_count == 0
    assert _status(db, event, "wai@example.org") == "confirmed"
    assert _status(db, event, member.email) == "confirmed"


def test_guest_cancelled_from_the_emailed_link(client, db, smtp_server):
    event = helpers.event(capacity=5)
    db.session.commit()
    _register(client, event, guests=[{"name": "Bola Ade"}, {"name": "Chen Li"}])
    drain_outbox()
    [message] = smtp_server.wait_for(1)
    path = urllib.parse.urlsplit(re.search(r"http://\S+/events/cancel/\S+", body_of(message)).group(0)).path
    page = page_text(client.get(path), markup=True)
    assert "Your guests" in page and "Bola Ade" in page
    registration = services.find_registration(event.id, "amina@example.org")
    bola = services.guests_of(registration)[0]
    assert client.post(path[:-3] + "xyz" + f"/guests/{bola.id}").status_code == 400
    response = client.post(f"{path}/guests/{bola.id}", follow_redirects=True)
    assert "Bola Ade is no longer coming" in page_text(response)
    assert services.places_left(event) == 3
    assert [g.name for g in services.guests_of(services.find_registration(event.id, "amina@example.org"))] == [
        "Chen Li"
    ]


def test_check_in_registrants_csv_and_minutes_list_guests_under_their_host(client, db, login_as):
    event = helpers.event(capacity=10, kind="network_meeting")
    db.session.commit()
    _register(client, event, guests=[{"name": "Bola Ade", "access_needs": "Ramp"}])
    host = services.find_registration(event.id, "amina@example.org")
    [guest] = services.guests_of(host)
    login_as("staff")
    page = page_text(client.get(f"/staff/events/{event.id}/check-in"))
    assert "Registered 1 and 1 guest" in page and "Guest of Amina Yusuf: Bola Ade" in page
    response = client.post(
        f"/staff/events/{event.id}/check-in/guests/{guest.id}", data={"attended": "1"}, headers={"HX-Request": "true"}
    )
    page = page_text(response)
    assert "Bola Ade (guest of Amina Yusuf) checked in." in page and "Attended 0 and 1 guest" in page
    other = helpers.event()
    db.session.commit()
    assert (
        client.post(f"/staff/events/{other.id}/check-in/guests/{guest.id}", data={"attended": "1"}).status_code == 404
    )
    page = page_text(client.get(f"/staff/events/{event.id}/registrants"))
    assert "Party of 2. Guest:" in page and "Access: Ramp" in page
    csv_text = client.get(f"/staff/events/{event.id}/registrants.csv").get_data(as_text=True)
    assert "Bola Ade,,,Registered,,Ramp,,No," in csv_text and csv_text.strip().endswith("Amina Yusuf")
    client.post(f"/staff/events/{event.id}/check-in/{host.id}", data={"attended": "1"})
    client.post(f"/staff/events/{event.id}/minutes", data={"body": "<p>Notes</p>", "save": "Save draft"})
    page = page_text(client.get(f"/events/{event.slug}/minutes"))
    assert "Amina Yusuf, with Bola Ade" in page


def test_one_click_registration_swaps_places_left_in_the_same_response(client, db, login_as):
    event = helpers.event(capacity=5)
    db.session.commit()
    member = login_as("member")
    assert '<span id="places-left">5 of 5' in page_text(client.get(f"/events/{event.slug}"), markup=True)
    response = client.post(
        f"/events/{event.slug}/register",
        data={"name": member.name, "email": member.email, "swap_places": "1"},
        headers={"HX-Request": "true"},
    )
    page = page_text(response, markup=True)
    assert "You're registered" in page
    assert re.search(r'<span id="places-left" hx-swap-oob="true">\s*4 of 5', page)


def test_guests_access_needs_and_addresses_are_cleared_30_days_after_the_event(db):
    from app.events.jobs import clear_event_needs

    old = helpers.event(days=-31)
    recent = helpers.event(days=-5)
    host = helpers.registration(old, guest_count=1)
    kept = helpers.registration(recent, guest_count=1)
    gone = helpers.guest(host, name="Bola Ade", email="bola@example.org", access_needs="Ramp")
    stays = helpers.guest(kept, name="Chen Li", access_needs="Hearing loop")
    db.session.commit()
    assert clear_event_needs() == 1
    db.session.commit()
    db.session.expire_all()
    cleared = db.session.get(Guest, gone.id)
    assert (cleared.name, cleared.email, cleared.access_needs) == ("Bola Ade", "", "")
    assert db.session.get(Guest, stays.id).access_needs == "Hearing loop"


def test_registrants_page_shows_each_persons_current_list(client, db, login_as):
    event = helpers.event()
    gone = helpers.registration(event, name="Gone Person", status="cancelled")
    db.session.commit()
    login_as("staff")
    markup = page_text(client.get(f"/staff/events/{event.id}/registrants"), markup=True)
    select_html = markup.split(f'id="status-{gone.id}"', 1)[1].split("</select>", 1)[0]
    assert re.search(r'<option value="cancelled" selected', select_html)


def test_staff_events_list_counts_guests_as_places_taken(client, db, login_as):
    event = helpers.event(title="Guest count check", capacity=10)
    host = helpers.registration(event, guest_count=2)
    helpers.guest(host, name="One")
    helpers.guest(host, name="Two")
    helpers.registration(event)
    db.session.commit()
    login_as("staff")
    page = page_text(client.get("/staff/events"))
    assert re.search(r"Guest count check .*? 4 of 10", page)


def test_staff_add_someone_with_a_guest(client, db, login_as):
    event = helpers.event(capacity=10)
    db.session.commit()
    login_as("staff")
    page = page_text(client.get(f"/staff/events/{event.id}/registrants"))
    assert "They can bring up to 2 guests" in page
    response = client.post(
        f"/staff/events/{event.id}/registrants",
        data={"name": "Amina Yusuf", "email": "amina@example.org", "status": "confirmed", "guests-0-name": "Bola Ade"},
    )
    assert response.status_code == 303
    registration = services.find_registration(event.id, "amina@example.org")
    assert [g.name for g in services.guests_of(registration)] == ["Bola Ade"] and services.places_left(event) == 8


def test_staff_giving_a_waiting_party_a_place_emails_them_and_warns_when_over_capacity(client, db, login_as):
    """Staff may give an extra place (a chair more), but are told the event is over capacity, and the
    person hears that they have a place (walk2 found both missing)."""
    from app.mail.models import OutboxMessage

    event = helpers.event(capacity=4)
    db.session.commit()
    _register(client, event, email="a@example.org", guests=_party(1, 2))  # 2 places
    _register(client, event, email="bob@example.org", name="Bob Walk", guests=_party(2, 3))  # needs 3: waits
    bob = services.find_registration(event.id, "bob@example.org")
    assert bob.status == "waitlisted"
    login_as("staff")
    response = client.post(
        f"/staff/events/{event.id}/registrants/{bob.id}/move", data={"status": "confirmed"}, follow_redirects=True
    )
    page = page_text(response)
    assert "Bob Walk: registered. We have emailed bob@example.org to say they have a place." in page
    assert "The event is now over its capacity: 5 places taken of 4." in page
    subjects = db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.to_addr == "bob@example.org"))
    assert any(s.startswith("A place has come up") for s in subjects)
