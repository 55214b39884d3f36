"""Issue 17 journeys in Chromium with axe on every page, JavaScript on and off: registering with two
guests, and the waiting list taking a whole party."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from app.events import services
from tests import factories
from tests.factories import events as helpers

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("I17_SHOTS")  # a folder: save screenshots for the review walk


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True, caret="initial")


@pytest.mark.parametrize("fixture", ["site", "site_without_js"])
def test_register_with_two_guests(request, fixture, db, smtp_server, worker):
    site = request.getfixturevalue(fixture)
    event = helpers.event(title="Responding to the commission", capacity=4)
    helpers.registration(event, name="Kofi Boateng", email="kofi@example.org")
    db.session.commit()
    page = site.page
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        site.goto(f"/events/{event.slug}/register")
        _no_sideways_scroll(page)
        _shot(page, f"register-form-{fixture}-{width}")
    expect(page.get_by_text("You can bring up to 2 guests. Each guest takes a place.")).to_be_visible()
    page.get_by_label("Full name").first.fill("Amina Yusuf")
    page.get_by_label("Email address", exact=True).fill("amina@example.org")
    guest1 = page.get_by_role("group", name="Guest 1")
    guest1.get_by_label("Full name").fill("Bola Ade")
    guest1.get_by_label("Access needs (optional)").fill("Step-free access")
    guest2 = page.get_by_role("group", name="Guest 2")
    guest2.get_by_label("Email address (optional)").fill("not-an-email")
    if fixture == "site":
        page.get_by_role("button", name="Register", exact=True).click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the guest's full name")
        site.axe_check()
    else:
        site.submit("Register")
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the guest's full name")
    assert guest1.get_by_label("Full name").input_value() == "Bola Ade"  # nothing typed is lost
    guest2.get_by_label("Full name").fill("Chen Li")
    guest2.get_by_label("Email address (optional)").fill("chen@example.org")
    if fixture == "site":
        page.get_by_role("button", name="Register", exact=True).click()
        expect(page.locator("#registration-box")).to_contain_text("You're registered")
        site.axe_check()
    else:
        site.submit("Register")
        expect(page.get_by_role("heading", name="You're registered")).to_be_visible()
    expect(page.get_by_text("Chen Li")).to_be_visible()
    _shot(page, f"registered-with-guests-{fixture}")
    registration = services.find_registration(event.id, "amina@example.org")
    assert registration.party_size == 3 and services.places_left(event) == 0
    [mail] = smtp_server.wait_for(1, timeout=15)
    assert "Bola Ade, Chen Li" in mail.get_body(("plain",)).get_content()
    site.goto(f"/events/{event.slug}")
    expect(page.get_by_text("None – join the waiting list")).to_be_visible()


@pytest.mark.parametrize("fixture", ["site", "site_without_js"])
def test_the_waiting_list_takes_a_whole_party(request, fixture, db, smtp_server, worker):
    site = request.getfixturevalue(fixture)
    factories.user(role="staff", email="staff@example.org", name="Kwame Mensah")
    event = helpers.event(title="Wellbeing dialogue", capacity=3)
    kofi = helpers.registration(event, name="Kofi Boateng", email="kofi@example.org", guest_count=1)
    helpers.guest(kofi, name="Efua Boateng")
    helpers.registration(event, name="Dami Ola", email="dami@example.org")
    db.session.commit()
    page = site.page
    site.goto(f"/events/{event.slug}/register")
    expect(page.get_by_text("This event is full.")).to_be_visible()
    page.get_by_label("Full name").first.fill("Amina Yusuf")
    page.get_by_label("Email address", exact=True).fill("amina@example.org")
    page.get_by_role("group", name="Guest 1").get_by_label("Full name").fill("Bola Ade")
    if fixture == "site":
        page.get_by_role("button", name="Join the waiting list").click()
        expect(page.locator("#registration-box")).to_contain_text("You're on the waiting list (position 1)")
        site.axe_check()
    else:
        site.submit("Join the waiting list")
    expect(page.get_by_text("Your party stays together")).to_be_visible()
    _shot(page, f"party-waiting-{fixture}")
    # Dami (1 place) leaves: 1 place is free, the party of 2 is skipped and staff are told why.
    site.sign_in("staff@example.org")
    site.goto(f"/staff/events/{event.id}/registrants")
    page.get_by_label("Move Dami Ola to").select_option("cancelled")
    site.submit("Move Dami Ola")
    expect(page.get_by_text("needs 2 places for their party, so they were skipped")).to_be_visible()
    # Kofi's guest is not coming after all: 2 places free, the whole party is promoted.
    site.submit("Not coming Efua Boateng, guest of Kofi Boateng")
    expect(page.get_by_text("Promoted from the waiting list: Amina Yusuf.")).to_be_visible()
    _shot(page, f"staff-registrants-{fixture}")
    db.session.expire_all()
    assert services.find_registration(event.id, "amina@example.org").status == "confirmed"
    assert services.places_left(event) == 0
    smtp_server.wait_for(2, timeout=15)
    [promoted] = [m for m in smtp_server.to("amina@example.org") if "A place has come up" in m["Subject"]]
    assert "Bola Ade" in promoted.get_body(("plain",)).get_content()


@pytest.mark.parametrize("fixture", ["site", "site_without_js"])
def test_staff_check_in_guests_and_message_registrants(request, fixture, db, smtp_server, worker):
    site = request.getfixturevalue(fixture)
    factories.user(role="staff", email="staff@example.org", name="Kwame Mensah")
    event = helpers.event(title="Wellbeing dialogue", capacity=10)
    host = helpers.registration(event, name="Kofi Boateng", email="kofi@example.org", guest_count=1)
    helpers.guest(host, name="Efua Boateng")
    db.session.commit()
    page = site.page
    site.sign_in("staff@example.org")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        site.goto(f"/staff/events/{event.id}/check-in")
        _no_sideways_scroll(page)
        _shot(page, f"check-in-{fixture}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    if fixture == "site":
        page.get_by_role("button", name="Check in Efua Boateng, guest of Kofi Boateng").click()
        expect(page.locator("#check-in-list")).to_contain_text("Efua Boateng (guest of Kofi Boateng) checked in.")
        site.axe_check()
    else:
        site.submit("Check in Efua Boateng, guest of Kofi Boateng")
        expect(page.get_by_text("Efua Boateng (guest of Kofi Boateng) checked in.")).to_be_visible()
    site.goto(f"/staff/events/{event.id}/message")
    page.get_by_label("Subject").fill("Parking at the hall")
    page.get_by_label("Message").fill("Park behind the hall.\n\nThe side door has a ramp.")
    site.submit("Preview")
    expect(page.get_by_text("It will go to 1 person.")).to_be_visible()
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        _no_sideways_scroll(page)
        _shot(page, f"message-preview-{fixture}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    site.submit("Send a test to me")
    expect(page.get_by_text("A test has been sent to staff@example.org.")).to_be_visible()
    site.submit("Send")
    expect(page.get_by_text("Your message has been sent to 1 person.")).to_be_visible()
    messages = smtp_server.wait_for(2, timeout=15)
    assert {m["To"] for m in messages} == {"staff@example.org", "kofi@example.org"}
