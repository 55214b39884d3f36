"""The home page (issue 9): what the network is (staff-edited), what is coming up, what is open,
what was said and sent, calls to action per role, the directory search box; constant queries."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app.audit import AuditEvent
from app.db import utcnow
from app.main.models import WELCOME, SiteContent
from tests.factories import events as eh
from tests.factories import mailing as mf
from tests.factories import toolkits as th
from tests.factories.groups import organisation
from tests.pages import page_text


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _sent_bulletin(title: str, days_ago: int):
    bulletin = mf.bulletin(title=title, status="sent")
    bulletin.sent_at = utcnow() - dt.timedelta(days=days_ago)
    return bulletin


def _findings(toolkit, days_ago: int = 1):
    toolkit.you_said_published_at = utcnow() - dt.timedelta(days=days_ago)
    toolkit.you_said_summary = "<p>Mental health came first.</p>"
    return toolkit


def _content(db):
    """One of everything the home page shows, plus things it must not show."""
    meeting = eh.event(kind="network_meeting", audience="members", title="Autumn network meeting", days=20)
    eh.event(kind="network_meeting", audience="members", title="Winter network meeting", days=110)
    eh.event(title="Jobs fair", days=5)
    eh.event(title="Old workshop", days=-30)
    eh.event(title="Draft training", days=8).status = "draft"
    eh.event(title="Called-off social", days=9, cancelled_at=utcnow())
    open_toolkit = th.small_toolkit()
    open_toolkit.title = "Mental health mapping 2026"
    closed = th.template_toolkit(open_now=False)
    closed.title = "Mapping 2025"
    _findings(closed, days_ago=3)
    draft = th.small_toolkit(status="draft")
    draft.title = "Unfinished toolkit"
    _sent_bulletin("November bulletin", days_ago=2)
    _sent_bulletin("October bulletin", days_ago=32)
    mf.bulletin(title="December draft bulletin")
    db.session.commit()
    return meeting


def test_empty_site_reads_well(client, db):
    text = page_text(_home(client))
    assert "A network for community groups led by Black, Asian and minority ethnic people" in text  # the standard text
    assert "The date of the next network meeting has not been set yet" in text
    assert "No other events are planned yet" in text
    assert "No toolkits are open at the moment" in text
    assert "No findings have been published yet" in text
    assert "No bulletins have been sent yet" in text


def test_home_shows_whats_next_and_not_drafts_past_or_cancelled(client, db):
    meeting = _content(db)
    html = _home(client)
    text = page_text(html)
    next_meeting = text.split("Next network meeting", 1)[1].split("Coming up", 1)[0]
    assert "Autumn network meeting" in next_meeting and "for member groups" in next_meeting
    assert f'href="/events/{meeting.slug}"' in html
    coming_up = text.split("Coming up", 1)[1].split("Toolkits still open", 1)[0]
    assert "Jobs fair" in coming_up and "Winter network meeting" in coming_up
    assert "Autumn network meeting" not in coming_up  # already shown as the next meeting
    for hidden in ("Old workshop", "Draft training", "Called-off social", "Unfinished toolkit", "December draft"):
        assert hidden not in text
    toolkits = text.split("Toolkits still open", 1)[1].split("You said", 1)[0]
    assert "Mental health mapping 2026" in toolkits and "Still open – add your answers by" in toolkits
    assert "Mapping 2025" not in toolkits  # closed
    said = text.split("You said", 1)[1].split("Latest bulletin", 1)[0]
    assert "What you said: Mapping 2025" in said
    latest = text.split("Latest bulletin", 1)[1]
    assert "November bulletin" in latest and "October bulletin" not in latest
    assert "Item 1" in latest and "Item 2" in latest  # what is in it


def test_search_box_goes_to_the_directory(client, db):
    organisation("Somali Parents Network", description="Support for Somali parents.")
    organisation("Tamil Elders", description="Lunch club.")
    db.session.commit()
    html = _home(client)
    form = re.search(r'<form method="get" action="([^"]+)" role="search"[^>]*>(.*?)</form>', html, re.S)
    assert form and form.group(1) == "/groups"
    assert re.search(r'<label[^>]*for="home-search"[^>]*>Find a community group</label>', form.group(2))
    assert 'name="q"' in form.group(2)
    results = client.get("/groups", query_string={"q": "somali"}).get_data(as_text=True)
    assert "Somali Parents Network" in results and "Tamil Elders" not in results


def test_calls_to_action_per_role(client, db, login_as):
    anonymous = page_text(_home(client))
    assert "Apply for your group to join" in anonymous and "Sign up for the bulletin" in anonymous
    assert "Sign in" in anonymous and "Edit the welcome text" not in anonymous
    assert "Go to your group's dashboard" not in anonymous

    member = login_as("member")
    organisation("Bow Women's Circle", owner=member)
    db.session.commit()
    html = _home(client)
    text = page_text(html)
    assert "Go to your group's dashboard" in text and 'href="/my-group"' in html
    assert "Apply for your group to join" not in text  # already in the network
    assert "Sign up for the bulletin" in text and "Edit the welcome text" not in text

    login_as("member")  # signed in, no group yet
    text = page_text(_home(client))
    assert "Apply for your group to join" in text and "Go to your group's dashboard" not in text

    login_as("staff")
    html = _home(client)
    assert 'href="/staff/home-page"' in html and "Staff area" in page_text(html)


def test_constant_number_of_queries_as_data_grows(client, db, login_as, query_budget):
    member = login_as("member")
    organisation("Bow Women's Circle", owner=member)
    _content(db)
    with query_budget(12) as few:
        _home(client)
    for n in range(15):
        eh.event(title=f"Extra event {n}", days=3 + n)
        eh.event(kind="network_meeting", audience="members", title=f"Extra meeting {n}", days=200 + n)
        toolkit = th.small_toolkit()
        toolkit.title = f"Extra toolkit {n}"
        _findings(toolkit, days_ago=n + 5)
        _sent_bulletin(f"Extra bulletin {n}", days_ago=40 + n)
    organisation("Second group", owner=member)
    db.session.commit()
    with query_budget(few["count"]) as many:
        html = _home(client)
    assert many["count"] == few["count"]
    assert html.count("Extra event") == 3  # the list is short: four upcoming events, one of them Jobs fair


def test_staff_edit_the_welcome_text(client, db, login_as):
    assert client.get("/staff/home-page").status_code == 302  # to sign in
    login_as("member")
    assert client.get("/staff/home-page").status_code == 403
    assert client.post("/staff/home-page", data={"body": "Hacked"}).status_code == 403
    staff = login_as("staff")
    page = client.get("/staff/home-page")
    assert page.status_code == 200 and "Welcome text" in page.get_data(as_text=True)
    assert '<a class="govuk-link" href="/staff/home-page" aria-current="page">Home page</a>' in page.get_data(
        as_text=True
    )

    body = "We are the borough's BAME network.\n\nWe meet every quarter."
    response = client.post("/staff/home-page", data={"body": body})
    assert response.status_code == 303
    stored = db.session.get(SiteContent, WELCOME)
    assert stored.body == "<p>We are the borough's BAME network.</p><p>We meet every quarter.</p>"
    assert stored.updated_by_id == staff.id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "site_content.edited")) is not None
    home = _home(client)
    assert "<p>We are the borough's BAME network.</p><p>We meet every quarter.</p>" in home
    assert "A network for community groups led by Black" not in home
    # The form shows the plain text again, not the stored markup.
    form_page = client.get("/staff/home-page").get_data(as_text=True)
    assert "We are the borough&#39;s BAME network.\n\nWe meet every quarter." in form_page

    client.post(
        "/staff/home-page",
        data={"body": '<p>Read <a href="https://example.org" onclick="x()">our story</a></p><script>alert(1)</script>'},
    )
    home = _home(client)
    assert '<a href="https://example.org" rel="noopener noreferrer">our story</a>' in home
    assert "alert(1)" not in home and "onclick" not in home

    too_long = client.post("/staff/home-page", data={"body": "x" * 5001})
    assert too_long.status_code == 200
    assert "Welcome text must be 5,000 characters or fewer" in too_long.get_data(as_text=True)

    # Emptying the box over published text asks first (issue 21 §7), keeping the text meanwhile.
    asked = client.post("/staff/home-page", data={"body": ""})
    assert asked.status_code == 200
    asked_html = asked.get_data(as_text=True)
    assert "The welcome text is empty" in asked_html and "Yes, remove the welcome text" in asked_html
    assert "our story" in _home(client)
    client.post("/staff/home-page", data={"body": "", "confirm_empty": "y"})
    assert "A network for community groups led by Black" in _home(client)  # back to the standard text


def test_demo_data_fills_the_home_page_and_the_members_dashboard(client, db):
    from app.auth.models import find_user_by_email
    from app.main.demo import seed_demo as seed_home_demo
    from tests.sweep.support import seed_demo, signed_in

    seed_demo()
    seed_home_demo()  # a second run adds nothing
    db.session.commit()
    text = page_text(_home(client))
    for empty in ("has not been set yet", "No toolkits are open", "No findings", "No bulletins"):
        assert empty not in text
    member = find_user_by_email("member@example.org")
    with client.session_transaction() as session:
        signed_in(session, member)
    dashboard = page_text(client.get(client.get("/my-group").headers["Location"]).get_data(as_text=True))
    assert re.search(r"Bangla Women's Wellbeing Circle attended 2 of the last \d network meetings", dashboard)
    assert "Sent apologies" in dashboard
