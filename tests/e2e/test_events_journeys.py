"""Events journey in Chromium with axe on every page: series → agenda → register → waiting list promotion
e-mail → check-in → minutes published."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.db import utcnow
from app.events.models import Event, Registration
from tests import factories
from tests.factories import events as helpers

pytestmark = pytest.mark.e2e


def test_series_agenda_registration_promotion_check_in_minutes(site, app, db, smtp_server, worker):
    factories.user(role="staff", email="staff@example.org", name="Kwame Mensah")
    factories.user(email="farah@example.org", name="Farah Ahmed")
    db.session.commit()
    page = site.page

    # Staff create a quarterly series: four meetings with standing items.
    site.sign_in("staff@example.org")
    site.goto("/staff/events")
    page.get_by_role("button", name="Create a meeting series").click()
    page.wait_for_url("**/staff/events/series/new")
    site.axe_check()
    page.get_by_label("Series name").fill("BAME network meeting")
    page.get_by_label("Start time").fill("10am")
    page.get_by_label("End time").fill("9am")
    page.get_by_label("Venue name").fill("CVS offices")
    page.get_by_label("Number of places").fill("1")
    site.submit("Create series and next 4 meetings")
    assert page.title().startswith("Error:")  # end before start: the error is shown, nothing saved
    assert page.get_by_label("Venue name").input_value() == "CVS offices"
    page.get_by_label("End time").fill("12pm")
    site.submit("Create series and next 4 meetings")
    expect(page.get_by_text("BAME network meeting created with 4 meetings.")).to_be_visible()
    first = db.session.scalar(select(Event).order_by(Event.starts_at).limit(1))

    # The agenda has the standing items; add one with HTMX and move it up with the keyboard-usable button.
    site.goto(f"/staff/events/{first.id}/agenda")
    expect(page.locator("#agenda-editor")).to_contain_text("Action plan progress update")
    page.get_by_label("Item", exact=True).fill("Mapping toolkit findings")
    page.get_by_label("Presenter").fill("Working group")
    page.get_by_role("button", name="Add item").click()
    expect(page.locator("#agenda-editor")).to_contain_text("Added “Mapping toolkit findings” to the agenda.")
    site.axe_check()
    page.get_by_role("button", name=re.compile(r"^Move up\W+Mapping toolkit findings$")).click()
    expect(page.locator("#portal-live-region")).to_contain_text("Moved “Mapping toolkit findings” up to number 3")
    site.axe_check()
    site.submit("Publish the agenda to members")

    # Someone already holds the only place.
    other = helpers.registration(first, name="Kofi Boateng", email="kofi@example.org")
    db.session.commit()
    site.submit("Sign out")

    # A member registers inline and joins the waiting list.
    site.sign_in("farah@example.org")
    site.goto(f"/events/{first.slug}")
    # The meeting is full, so the button says what it does (issue 17).
    page.get_by_role("button", name=f"Join the waiting list for {first.title}").click()
    expect(page.locator("#registration-box")).to_contain_text("You're on the waiting list (position 1)")
    site.axe_check()
    site.goto(f"/events/{first.slug}/agenda")
    expect(page.get_by_text("Mapping toolkit findings")).to_be_visible()
    site.submit("Sign out")

    # Staff cancel the other place: the member is promoted and e-mailed.
    site.sign_in("staff@example.org")
    site.goto(f"/staff/events/{first.id}/registrants")
    page.get_by_label("Move Kofi Boateng to").select_option("cancelled")
    site.submit("Move Kofi Boateng")
    smtp_server.wait_for(3, timeout=15)
    promoted = [m for m in smtp_server.to("farah@example.org") if "A place has come up" in m["Subject"]]
    assert len(promoted) == 1
    assert next(iter(promoted[0].iter_attachments())).get_content_type() == "text/calendar"

    # Check-in with HTMX, then publish the minutes.
    site.goto(f"/staff/events/{first.id}/check-in")
    page.get_by_label("Search by name, email or organisation").fill("farah")
    page.wait_for_url("**/check-in?q=farah*")
    page.get_by_role("button", name="Check in Farah Ahmed").click()
    expect(page.locator("#check-in-list")).to_contain_text("Farah Ahmed checked in")
    expect(page.locator("#check-in-counts")).to_contain_text("Attended 1")
    site.axe_check()
    # Minutes are published once the meeting has taken place (issue 17): the meeting is over.
    held = db.session.get(Event, first.id)
    held.starts_at, held.ends_at = utcnow() - dt.timedelta(hours=3), utcnow() - dt.timedelta(hours=1)
    db.session.commit()
    site.goto(f"/staff/events/{first.id}/minutes")
    page.get_by_label("Other notes").fill("<p>Members discussed the mapping toolkit findings.</p>")
    site.submit("Publish minutes")
    expect(page.get_by_text("The minutes are published.")).to_be_visible()
    site.goto(f"/events/{first.slug}/minutes")
    expect(page.get_by_text("Members discussed the mapping toolkit findings.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Registration, other.id).status == "cancelled"
