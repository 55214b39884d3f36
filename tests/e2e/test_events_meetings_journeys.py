"""Issue 17 journeys in Chromium with axe on every page, JavaScript on and off: staff move a meeting
and a registrant receives the change with a valid updated calendar file."""

from __future__ import annotations

import datetime as dt
import os

import icalendar
import pytest
from playwright.sync_api import expect

from app.events.models import Event
from app.times import london_to_utc, to_london
from tests import factories
from tests.factories import events as helpers

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("I17_SHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True, caret="initial")


def _meeting(title: str, days: int, **kwargs) -> Event:
    event = helpers.event(title=title, kind="network_meeting", days=days, **kwargs)
    day = to_london(event.starts_at).date()
    event.starts_at, event.ends_at = london_to_utc(day, dt.time(18, 0)), london_to_utc(day, dt.time(20, 0))
    return event


@pytest.mark.parametrize("fixture", ["site", "site_without_js"])
def test_staff_move_a_meeting_and_the_registrant_gets_an_updated_calendar(request, fixture, db, smtp_server, worker):
    site = request.getfixturevalue(fixture)
    factories.user(role="staff", email="staff@example.org", name="Kwame Mensah")
    event = _meeting("BAME network meeting", 30, slug="bame-network-meeting-old")
    helpers.registration(event, name="Amina Yusuf", email="amina@example.org")
    db.session.commit()
    old_path = f"/events/{event.slug}"
    new_day = to_london(event.starts_at).date() + dt.timedelta(days=7)
    page = site.page
    site.sign_in("staff@example.org")
    site.goto(f"/staff/events/{event.id}/edit")
    date = page.get_by_role("group", name="Date", exact=True)
    date.get_by_label("Day").fill(str(new_day.day))
    date.get_by_label("Month").fill(str(new_day.month))
    date.get_by_label("Year").fill(str(new_day.year))
    page.get_by_label("Venue name").fill("Town Hall")
    site.submit("Save event")
    expect(page.get_by_role("heading", name="Tell people about the change?")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="The venue has changed. It is now: Town Hall")).to_be_visible()
    expect(page.get_by_label("Yes, email them the change and an updated calendar file")).to_be_checked()
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        _shot(page, f"confirm-change-{fixture}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    site.submit("Save changes")
    expect(page.get_by_text("1 person has been emailed the change.")).to_be_visible()
    [message] = [m for m in smtp_server.wait_for(1, timeout=15) if m["Subject"].startswith("Changed:")]
    assert message["To"] == "amina@example.org"
    [attachment] = [a for a in message.iter_attachments() if a.get_content_type() == "text/calendar"]
    [vevent] = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert str(vevent["UID"]).startswith(f"event-{event.id}@") and int(vevent["SEQUENCE"]) == 1
    assert vevent.decoded("DTSTART").date() == new_day
    # The old address, as in e-mails already sent, leads to the meeting's new page.
    site.goto(old_path)
    assert page.url.endswith(new_day.strftime("%Y-%m-%d"))
    expect(page.get_by_text("Town Hall")).to_be_visible()


@pytest.mark.parametrize("fixture", ["site", "site_without_js"])
def test_a_past_meeting_page(request, fixture, db):
    from app.db import utcnow
    from app.events.models import ActionArising, Minutes

    site = request.getfixturevalue(fixture)
    member = factories.user(email="farah@example.org", name="Farah Ahmed")
    event = _meeting("Autumn network meeting", -10, audience="anyone")
    helpers.registration(event, name="Farah Ahmed", email=member.email, status="attended", show_on_attendee_list=True)
    helpers.registration(event, name="Kofi Boateng", organisation_name="Hope Centre", status="apologies")
    db.session.add(Minutes(event_id=event.id, status="published", body="<p>Notes</p>", published_at=utcnow()))
    db.session.add(ActionArising(event_id=event.id, description="Share the toolkit findings", owner="Kwame"))
    db.session.commit()
    page = site.page
    site.sign_in("farah@example.org")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        site.goto(f"/events/{event.slug}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        _shot(page, f"past-meeting-{fixture}-{width}")
    expect(page.get_by_text("This took place on")).to_be_visible()
    expect(page.get_by_role("link", name="Read the minutes of this meeting")).to_be_visible()
    expect(page.get_by_text("1 present, 1 apology.")).to_be_visible()
    expect(page.get_by_text("You attended.")).to_be_visible()
    assert page.get_by_text("Places left").count() == 0
    assert page.get_by_role("button", name="Register").count() == 0
    assert page.get_by_role("link", name="join the meeting").count() == 0


def test_the_events_report_charts_fit_1280_and_reflow_at_320(site, db):
    factories.user(role="staff", email="staff@example.org", name="Kwame Mensah")
    for days in (-20, -120, -220):
        event = _meeting(f"Meeting {days}", days)
        for n in range(3):
            helpers.registration(event, status="attended", organisation_name=f"Group {n}")
    db.session.commit()
    page = site.page
    site.sign_in("staff@example.org")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        site.goto("/staff/events/report")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        for chart in ("#chart-participants-title", "#chart-organisations-title"):
            box = page.locator(chart).locator("xpath=..").bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (chart, width, box)
        _shot(page, f"events-report-{width}")
    expect(page.get_by_role("link", name="Download the report (CSV)")).to_be_visible()


@pytest.mark.parametrize("fixture", ["site", "site_without_js"])
def test_a_standing_item_reaches_the_next_three_meetings(request, fixture, db):
    from app.events.minutes import agenda
    from app.events.models import EventSeries
    from app.events.series import generate_series

    site = request.getfixturevalue(fixture)
    factories.user(role="staff", email="staff@example.org", name="Kwame Mensah")
    series = EventSeries(
        name="BAME network meeting", kind="network_meeting", start_time=dt.time(10), duration_minutes=120
    )
    db.session.add(series)
    db.session.flush()
    first, *later = generate_series(series, 4)
    db.session.commit()
    page = site.page
    site.sign_in("staff@example.org")
    site.goto(f"/staff/events/{first.id}/agenda")
    page.get_by_label("Item", exact=True).fill("Mental health roundtable")
    page.get_by_label("Standing item (added to every later meeting in the series not yet held)").check()
    if fixture == "site":
        page.get_by_role("button", name="Add item").click()
        expect(page.locator("#agenda-editor")).to_contain_text("As a standing item it was also added to")
        site.axe_check()
    else:
        site.submit("Add item")
    for event in later:
        expect(page.get_by_text(event.title).first).to_be_visible()
        assert "Mental health roundtable" in [item.title for item in agenda(event.id)]
    _shot(page, f"standing-item-{fixture}")
