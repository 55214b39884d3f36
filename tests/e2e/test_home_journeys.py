"""Browser journeys for the home page and the member dashboard (issue 9), in Chromium with axe on
every page: the front door as a visitor (search into the directory, with and without JavaScript),
staff editing the welcome text, and a member registering or sending apologies for the next network
meeting from their dashboard in one click, with htmx and without JavaScript."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.db import utcnow
from app.events.models import Registration
from app.extensions import db as _db
from app.toolkits import services as toolkit_services
from tests import factories
from tests.factories import events as eh
from tests.factories import mailing as mf
from tests.factories import toolkits as th
from tests.factories.groups import organisation, tag

pytestmark = pytest.mark.e2e


def _network(db):
    """A small network: a listed group with a member, a meeting coming up and one held, an open
    toolkit half answered, published findings and a sent bulletin."""
    member = factories.user(email="amina@example.org", name="Amina Yusuf")
    group = organisation(
        "Somali Parents Network",
        owner=member,
        description="Support for Somali parents in Poplar.",
        tags=[tag("theme", "Mental health"), tag("area", "Poplar")],
    )
    organisation("Tamil Elders Lunch Club", description="A weekly lunch club.")
    meeting = eh.event(kind="network_meeting", audience="members", title="Autumn network meeting", days=14)
    held = eh.event(kind="network_meeting", audience="members", title="Summer network meeting", days=-60)
    eh.registration(held, name="Amina Yusuf", organisation_id=group.id, status="attended")
    eh.event(title="Jobs and skills fair", days=21)
    toolkit = th.small_toolkit()
    toolkit.title = "Mental health mapping"
    _db.session.flush()
    response = toolkit_services.get_or_create_response(toolkit, group, member)
    from app.toolkits.models import Answer

    story = th.questions(toolkit)["Story"]
    _db.session.add(Answer(response_id=response.id, question_id=story.id, option_id="", text_value="Our story"))
    findings = th.template_toolkit(open_now=False)
    findings.title = "Mapping 2025"
    findings.you_said_published_at = utcnow() - dt.timedelta(days=2)
    bulletin = mf.bulletin(title="November bulletin", status="sent")
    bulletin.sent_at = utcnow() - dt.timedelta(days=1)
    db.session.commit()
    return member, group, meeting


def test_visitor_reads_the_home_page_and_searches_the_directory(site, db):
    _network(db)
    page = site.page
    site.goto("/")
    expect(page.get_by_role("heading", name="Next network meeting")).to_be_visible()
    expect(page.get_by_role("link", name="Autumn network meeting")).to_be_visible()
    expect(page.get_by_role("link", name="Jobs and skills fair")).to_be_visible()
    expect(page.get_by_role("link", name="Mental health mapping")).to_be_visible()
    expect(page.get_by_text("Still open – add your answers by")).to_be_visible()
    expect(page.get_by_role("link", name="What you said: Mapping 2025")).to_be_visible()
    expect(page.get_by_role("link", name="November bulletin")).to_be_visible()
    expect(page.get_by_role("link", name="Apply for your group to join")).to_be_visible()
    expect(page.get_by_role("link", name="Sign up for the bulletin")).to_be_visible()
    page.get_by_role("searchbox", name="Find a community group").fill("somali")
    site.submit("Search the directory")
    assert "/groups?q=somali" in page.url
    expect(page.get_by_role("link", name="Somali Parents Network")).to_be_visible()
    expect(page.get_by_role("link", name="Tamil Elders Lunch Club")).to_have_count(0)


def test_home_page_and_search_without_javascript(site_without_js, db):
    _network(db)
    site = site_without_js
    page = site.page
    site.goto("/")
    page.get_by_label("Find a community group").fill("lunch")
    site.submit("Search the directory")
    expect(page.get_by_role("link", name="Tamil Elders Lunch Club")).to_be_visible()
    expect(page.get_by_role("link", name="Somali Parents Network")).to_have_count(0)


def test_empty_home_page_passes_axe(site, db):
    site.goto("/")
    expect(site.page.get_by_text("The date of the next network meeting has not been set yet")).to_be_visible()
    expect(site.page.get_by_text("No bulletins have been sent yet.")).to_be_visible()


def test_staff_edit_the_welcome_text(site, db):
    factories.user(role="staff", email="staff@example.org")
    db.session.commit()
    page = site.page
    site.sign_in("staff@example.org")
    site.goto("/")
    page.get_by_role("link", name="Edit the welcome text").click()
    page.wait_for_url("**/staff/home-page")
    site.axe_check()
    page.get_by_label("Welcome text").fill("We are the borough's network of BAME-led groups.\n\nEveryone is welcome.")
    site.submit("Save welcome text")
    expect(page.get_by_text("The home page's welcome text has been saved.")).to_be_visible()
    site.goto("/")
    expect(page.get_by_text("We are the borough's network of BAME-led groups.")).to_be_visible()
    expect(page.get_by_text("Everyone is welcome.")).to_be_visible()


def test_member_dashboard_registers_in_one_click_with_htmx(site, app, db):
    _member, group, meeting = _network(db)
    page = site.page
    site.sign_in("amina@example.org")
    site.goto("/my-group")
    assert page.url.endswith(f"/my-group/{group.id}")
    expect(page.get_by_role("heading", name="Somali Parents Network")).to_be_visible()
    expect(page.get_by_text("Your entry has 3 of 14 details filled in")).to_be_visible()
    expect(page.get_by_role("link", name="Add a phone number")).to_be_visible()
    expect(page.get_by_role("row", name="Mental health mapping").get_by_text("In progress")).to_be_visible()
    expect(page.get_by_text("Somali Parents Network attended 1 of the last 1 network meeting.")).to_be_visible()
    page.get_by_role("button", name="Register for Autumn network meeting").click()
    expect(page.get_by_role("heading", name="You're registered")).to_be_visible()
    expect(page.locator("#portal-live-region")).to_have_text("You're registered")
    assert page.url.endswith(f"/my-group/{group.id}")  # swapped in place
    # The list of the member's registrations refreshes itself too.
    expect(page.get_by_role("row", name="Autumn network meeting")).to_contain_text("Registered")
    site.axe_check()
    with app.app_context():
        registration = _db.session.scalar(select(Registration).where(Registration.event_id == meeting.id))
        assert (registration.status, registration.organisation_id) == ("confirmed", group.id)

    # Apologies instead: holding a place, the member is asked first (the place and any guests' places
    # are given up), then comes back to the dashboard with the apologies recorded for the group.
    page.get_by_role("button", name="Send apologies for my group").click()
    expect(page.get_by_text("You have a place at this meeting. Sending apologies gives up your place")).to_be_visible()
    site.axe_check()
    page.get_by_role("button", name="Give up my place and send apologies").click()
    assert page.url.endswith(f"/my-group/{group.id}")
    expect(page.get_by_role("heading", name="You have sent your apologies for Somali Parents Network")).to_be_visible()
    expect(page.get_by_role("row", name="Autumn network meeting")).to_contain_text("Sent apologies")
    site.axe_check()
    with app.app_context():
        registration = _db.session.scalar(select(Registration).where(Registration.event_id == meeting.id))
        assert registration.status == "apologies"


def test_member_dashboard_without_javascript(site_without_js, app, db):
    _member, group, meeting = _network(db)
    site = site_without_js
    page = site.page
    site.sign_in("amina@example.org")
    site.goto(f"/my-group/{group.id}")
    site.submit("Send apologies for my group (Somali Parents Network)")
    assert page.url.endswith(f"/my-group/{group.id}")  # back on the dashboard
    expect(page.get_by_text("Apologies sent for Somali Parents Network.")).to_be_visible()
    expect(page.get_by_role("heading", name="You have sent your apologies for Somali Parents Network")).to_be_visible()
    site.submit("Withdraw apologies")
    assert page.url.endswith(f"/my-group/{group.id}")
    expect(page.get_by_text("Your apologies have been withdrawn.")).to_be_visible()
    site.submit("Register for Autumn network meeting")
    assert page.url.endswith(f"/my-group/{group.id}")
    expect(page.get_by_text("You're registered.")).to_be_visible()
    expect(page.get_by_role("row", name="Autumn network meeting")).to_contain_text("Registered")
    with app.app_context():
        registration = _db.session.scalar(select(Registration).where(Registration.event_id == meeting.id))
        assert (registration.status, registration.organisation_id) == ("confirmed", group.id)


def test_person_without_a_group_sees_their_registrations(site, db):
    person = factories.user(email="guest@example.org", name="Kofi Boateng")
    eh.registration(eh.event(title="Jobs and skills fair", days=21), email=person.email, name=person.name)
    db.session.commit()
    site.sign_in("guest@example.org")
    site.goto("/my-group")
    expect(site.page.get_by_text("You are not a member of any group yet.")).to_be_visible()
    expect(site.page.get_by_role("row", name="Jobs and skills fair")).to_contain_text("Registered")
