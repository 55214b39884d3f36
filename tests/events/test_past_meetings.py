"""Past, present and papers (issue 17 §4): a past meeting looks past, minutes and attendance lead,
minutes wait for the meeting, members-only papers say so before the click, calendar links."""

from __future__ import annotations

import datetime as dt
import urllib.parse

from app.db import utcnow
from app.events.minutes import find_minutes
from app.events.models import ActionArising, EventSeries, Minutes
from tests.factories import events as helpers
from tests.pages import page_text


def _past(**kwargs):
    return helpers.event(days=-3, **kwargs)


def test_a_past_meeting_shows_as_past_with_minutes_actions_and_attendance_leading(client, db, login_as):
    event = _past(title="Quarterly network meeting", kind="network_meeting", audience="anyone", capacity=20)
    db.session.commit()
    page = page_text(client.get(f"/events/{event.slug}"))
    assert "Past meeting This took place on" in page
    assert "Places left" not in page and "Register" not in page and "Who came" not in page
    assert "The minutes have not been published yet." in page
    assert "Add to your calendar" not in page
    helpers.registration(
        event, name="Amina Yusuf", organisation_name="Roots Trust", status="attended", show_on_attendee_list=True
    )
    helpers.registration(event, name="Sam Lee", status="attended")
    helpers.registration(event, name="Kofi Boateng", organisation_name="Hope Centre", status="apologies")
    member = login_as("member")
    helpers.registration(event, name=member.name, email=member.email, status="attended")
    db.session.add(Minutes(event_id=event.id, status="published", body="<p>Notes</p>", published_at=utcnow()))
    db.session.add(ActionArising(event_id=event.id, description="Share the findings", owner="Kwame"))
    db.session.commit()
    markup = page_text(client.get(f"/events/{event.slug}"), markup=True)
    page = page_text(client.get(f"/events/{event.slug}"))
    assert "meet.example.org" not in markup  # no live joining link, even for someone who attended
    assert "You attended." in page
    assert page.index("Minutes and actions") < page.index("When")  # the minutes lead
    assert "Read the minutes of this meeting" in page and "Share the findings" in page
    assert "3 present, 1 apology." in page
    assert "Amina Yusuf, Roots Trust" in page and "and 2 more who chose not to be listed" in page
    assert "Apologies from Hope Centre" in page and "Sam Lee" not in page


def test_attendance_counts_only_for_people_not_signed_in(client, db):
    event = _past(kind="network_meeting", audience="anyone")
    helpers.registration(event, name="Amina Yusuf", status="attended", show_on_attendee_list=True)
    db.session.commit()
    page = page_text(client.get(f"/events/{event.slug}"))
    assert "1 present, 0 apologies." in page and "Amina Yusuf" not in page


def test_minutes_cannot_be_published_before_the_meeting_starts(client, db, login_as):
    event = helpers.event(days=2, kind="network_meeting")
    db.session.commit()
    login_as("staff")
    page = page_text(client.get(f"/staff/events/{event.id}/minutes"))
    assert "The meeting has not started yet. You can save draft minutes now" in page
    response = client.post(f"/staff/events/{event.id}/minutes", data={"body": "<p>Early</p>", "publish": "Publish"})
    page = page_text(response)
    assert response.status_code == 200
    assert "There is a problem Minutes cannot be published before the meeting starts" in page
    assert find_minutes(event) is None  # nothing saved, and what was typed is still there
    assert "Early" in response.get_data(as_text=True).split("<textarea", 1)[1].split("</textarea>", 1)[0]
    client.post(f"/staff/events/{event.id}/minutes", data={"body": "<p>Early</p>", "save": "Save"})
    assert find_minutes(event).status == "draft"


def test_members_only_papers_say_so_before_the_click(client, db, login_as):
    series = EventSeries(name="BAME network", start_time=dt.time(10), kind="network_meeting")
    db.session.add(series)
    db.session.flush()
    last = _past(kind="network_meeting", audience="members", series_id=series.id)
    upcoming = helpers.event(kind="network_meeting", audience="members", series_id=series.id, agenda_published=True)
    db.session.add(Minutes(event_id=last.id, status="published", body="<p>Notes</p>", published_at=utcnow()))
    db.session.commit()
    markup = page_text(client.get(f"/events/{upcoming.slug}"), markup=True)
    page = page_text(client.get(f"/events/{upcoming.slug}"))
    assert "Minutes of the last meeting" in page and "(members only: sign in to read)" in page
    minutes_login = f"/login?next=/events/{last.slug}/minutes"
    agenda_login = f"/login?next=/events/{upcoming.slug}/agenda"
    assert f'href="{minutes_login}"' in markup and f'href="{agenda_login}"' in markup
    login_as("member")
    markup = page_text(client.get(f"/events/{upcoming.slug}"), markup=True)
    assert "members only" not in markup and f'href="/events/{last.slug}/minutes"' in markup


def test_google_and_outlook_calendar_links_beside_the_ics(client, db):
    event = helpers.event(title="Funding bids workshop")
    db.session.commit()
    markup = page_text(client.get(f"/events/{event.slug}"), markup=True)
    assert f'href="/events/{event.slug}.ics"' in markup
    google = next(part for part in markup.split('"') if part.startswith("https://calendar.google.com/"))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(google.replace("&amp;", "&")).query)
    assert query["text"] == ["Funding bids workshop"] and query["action"] == ["TEMPLATE"]
    assert query["dates"] == [f"{event.starts_at:%Y%m%dT%H%M%SZ}/{event.ends_at:%Y%m%dT%H%M%SZ}"]
    outlook = next(part for part in markup.split('"') if part.startswith("https://outlook.live.com/"))
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(outlook.replace("&amp;", "&")).query)
    assert query["subject"] == ["Funding bids workshop"] and query["startdt"] == [
        f"{event.starts_at:%Y-%m-%dT%H:%M:%SZ}"
    ]


def test_quarterly_report_csv_counts_guests(client, db, login_as):
    from app.events.models import Guest

    event = _past(kind="network_meeting")
    host = helpers.registration(event, name="Amina Yusuf", status="attended", guest_count=2)
    db.session.add_all(
        [
            Guest(registration_id=host.id, name="Came", checked_in_at=utcnow()),
            Guest(registration_id=host.id, name="Did not"),
        ]
    )
    helpers.registration(event, status="confirmed")
    db.session.commit()
    login_as("staff")
    page = page_text(client.get("/staff/events/report"))
    assert "Download the report (CSV)" in page
    response = client.get("/staff/events/report.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith('Quarter,Events held,Places taken (registered and guests),"Participants')
    # 3 + 1 places taken; 1 host and 1 guest came: a 50% attendance rate.
    assert lines[1].endswith(",1,4,2,1,0,50")


def test_structured_minutes_per_item_and_action_owners_are_emailed_once_published(client, db, login_as, smtp_server):
    import re

    from sqlalchemy import select

    from app.events.models import AgendaItem
    from app.mail.worker import drain_outbox
    from tests import factories
    from tests.conftest import body_of

    owner = factories.user(email="kofi@example.org", name="Kofi Boateng")
    event = _past(title="Spring network meeting", kind="network_meeting", audience="anyone")
    item = AgendaItem(event_id=event.id, position=1, title="Mapping toolkit findings")
    db.session.add(item)
    db.session.commit()
    login_as("staff")
    page = page_text(client.get(f"/staff/events/{event.id}/minutes"))
    assert "Minutes by agenda item" in page and "Kofi Boateng (kofi@example.org)" in page
    response = client.post(
        f"/staff/events/{event.id}/actions",
        data={
            "description": "Share the findings with the CoP",
            "agenda_item_id": str(item.id),
            "owner_user_id": str(owner.id),
            "status": "open",
        },
    )
    assert response.status_code == 303
    bad = client.post(
        f"/staff/events/{event.id}/actions",
        data={"description": "x", "owner_user_id": "999999", "status": "open"},
        follow_redirects=True,
    )
    assert "Choose the owner from the list, or type their name" in page_text(bad)
    client.post(
        f"/staff/events/{event.id}/minutes",
        data={
            f"item-{item.id}-notes": "Mental health came first, then diabetes.",
            f"item-{item.id}-decisions": "Publish the findings to members.",
            "body": "",
            "publish": "Publish",
        },
    )
    db.session.expire_all()
    saved = db.session.get(AgendaItem, item.id)
    assert saved.minute_notes == "Mental health came first, then diabetes."
    page = page_text(client.get(f"/events/{event.slug}/minutes"))
    assert "Minutes by agenda item Mapping toolkit findings Mental health came first" in page
    assert "Decided: Publish the findings to members." in page
    assert "Action: Share the findings with the CoP (Kofi Boateng)" in page
    drain_outbox()
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "kofi@example.org" and mail["Subject"] == "An action for you from Spring network meeting"
    assert re.search(rf"http://\S+/events/{event.slug}/minutes", body_of(mail))
    # Publishing again (a correction) does not e-mail the owner twice.
    client.post(f"/staff/events/{event.id}/minutes", data={"body": "", "publish": "Publish"})
    from app.mail.models import OutboxMessage

    assert len(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "event_action")).all()) == 1
