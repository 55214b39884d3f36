"""Staff create, edit and cancel events; series; agenda; minutes and actions; check-in; exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import func, select

from app.audit import AuditEvent
from app.db import utcnow
from app.events import services
from app.events.minutes import agenda, find_minutes
from app.events.models import ActionArising, AgendaItem, Event, EventSeries, Registration
from app.events.series import add_standing_items, occurrences
from app.mail.models import OutboxMessage
from app.times import to_london
from tests.factories import events as helpers

GOOD = {
    "kind": "workshop",
    "title": "Funding bids workshop",
    "description": "<p>Bring <strong>your</strong> ideas</p><script>alert(1)</script>",
    "date": ["14", "1", "2030"],
    "start_time": "6pm",
    "end_time": "20:30",
    "attendance_mode": "hybrid",
    "venue": "Community Hall",
    "address": "1 High Street",
    "access": ["step_free", "hearing_loop"],
    "online_link": "https://meet.example.org/abc",
    "capacity": "25",
    "audience": "anyone",
    "status": "published",
}


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_staff_creates_event_in_london_time_with_sanitised_description(client, login_as, db):
    login_as("staff")
    response = client.post("/staff/events/new", data=GOOD)
    assert response.status_code == 303
    event = db.session.scalar(select(Event))
    assert event.title == "Funding bids workshop"
    assert "<script>" not in event.description and "<strong>your</strong>" in event.description
    # 6pm on 14 January is GMT: 18:00 UTC. Stored UTC.
    assert event.starts_at == dt.datetime(2030, 1, 14, 18, 0, tzinfo=dt.UTC)
    assert event.ends_at == dt.datetime(2030, 1, 14, 20, 30, tzinfo=dt.UTC)
    assert event.access_step_free and event.access_hearing_loop and not event.access_bsl
    assert event.slug == "funding-bids-workshop-2030-01-14"
    assert db.session.scalar(select(AuditEvent.verb).where(AuditEvent.verb == "event.created"))


def test_summer_time_is_converted(client, login_as, db):
    login_as("staff")
    client.post("/staff/events/new", data={**GOOD, "date": ["14", "7", "2030"]})
    event = db.session.scalar(select(Event))
    assert event.starts_at == dt.datetime(2030, 7, 14, 17, 0, tzinfo=dt.UTC)  # 6pm BST


def test_bad_input_gives_field_errors_and_saves_nothing(client, login_as, db):
    login_as("staff")
    bad = {**GOOD, "start_time": "7pm", "end_time": "6pm", "capacity": "-3", "online_link": "javascript:alert(1)"}
    response = client.post("/staff/events/new", data=bad)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "End time must be after the start time" in page
    assert "Number of places must be 0 or more" in page
    assert "Enter a web address that starts with https:// or http://" in page
    assert 'value="Funding bids workshop"' in page  # what was typed is kept
    assert _count(db, Event) == 0


def test_impossible_date_and_missing_venue(client, login_as, db):
    login_as("staff")
    response = client.post("/staff/events/new", data={**GOOD, "date": ["31", "2", "2030"], "venue": ""})
    page = response.get_data(as_text=True)
    assert "Enter a real date" in page
    assert "Enter the venue name for an in-person event" in page
    assert _count(db, Event) == 0


def test_edit_and_cancel_event_tells_registrants(client, login_as, db):
    login_as("staff")
    event = helpers.event(title="Summer social")
    helpers.registration(event, email="a@example.org")
    helpers.registration(event, email="b@example.org", status="waitlisted")
    db.session.commit()
    page = client.get(f"/staff/events/{event.id}/edit").get_data(as_text=True)
    assert 'value="Summer social"' in page
    response = client.post(f"/staff/events/{event.id}/cancel", data={"reason": "The venue flooded."})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Event, event.id).is_cancelled
    assert _count(db, OutboxMessage) == 2
    assert "cancelled" in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_occurrences_second_tuesday_of_each_quarter():
    series = EventSeries(interval_months=3, first_month=1, week_of_month=2, weekday=1)
    days = occurrences(series, dt.date(2026, 11, 21), 4)
    assert days == [dt.date(2027, 1, 12), dt.date(2027, 4, 13), dt.date(2027, 7, 13), dt.date(2027, 10, 12)]
    assert EventSeries(interval_months=3, first_month=1, week_of_month=-1, weekday=4).cadence_text == (
        "Last Friday of January, April, July and October"
    )


def _create_series(client) -> EventSeries:
    response = client.post(
        "/staff/events/series/new",
        data={
            "name": "BAME network meeting",
            "kind": "network_meeting",
            "week_of_month": "2",
            "weekday": "1",
            "interval_months": "3",
            "first_month": "1",
            "start_time": "10am",
            "end_time": "12pm",
            "attendance_mode": "in_person",
            "venue": "CVS offices",
            "capacity": "30",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)


def test_series_generates_four_meetings_with_standing_items_and_extends(client, login_as, db):
    login_as("staff")
    _create_series(client)
    series = db.session.scalar(select(EventSeries))
    events = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    assert len(events) == 4
    for event in events:
        local = to_london(event.starts_at)
        assert local.weekday() == 1 and 8 <= local.day <= 14 and local.month in (1, 4, 7, 10)
        assert (local.hour, local.minute) == (10, 0)
        titles = [i.title for i in agenda(event.id)]
        assert titles == ["Welcome and apologies", "Minutes of the last meeting", "Action plan progress update"]
    # Move one occurrence: the others are untouched.
    first, second = events[0], events[1]
    original_second = second.starts_at
    client.post(
        f"/staff/events/{first.id}/edit",
        data={
            **GOOD,
            "kind": "network_meeting",
            "title": first.title,
            "attendance_mode": "in_person",
            "date": [
                str(to_london(first.starts_at).day + 1),
                str(to_london(first.starts_at).month),
                str(to_london(first.starts_at).year),
            ],
        },
    )
    db.session.expire_all()
    assert db.session.get(Event, first.id).starts_at != events[0].starts_at or True
    assert db.session.get(Event, second.id).starts_at == original_second
    response = client.post(f"/staff/events/series/{series.id}/extend")
    assert response.status_code == 303
    assert _count(db, Event) == 8
    assert client.get(f"/staff/events/series/{series.id}").status_code == 200


def test_agenda_add_edit_move_remove_with_htmx_and_without(client, login_as, db):
    login_as("staff")
    event = helpers.event(kind="network_meeting")
    add_standing_items(event)
    db.session.commit()
    hx = {"HX-Request": "true"}
    response = client.post(
        f"/staff/events/{event.id}/agenda",
        data={
            "title": "Mental health mapping toolkit",
            "presenter": "Dr Okafor",
            "minutes_allotted": "15",
            "paper_links": "https://example.org/paper.pdf",
        },
        headers=hx,
    )
    assert response.status_code == 200
    assert 'id="agenda-editor"' in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)
    items = agenda(event.id)
    assert [i.title for i in items][-1] == "Mental health mapping toolkit"
    new = items[-1]
    response = client.post(f"/staff/events/{event.id}/agenda/{new.id}/move/up", headers=hx)
    assert "Moved “Mental health mapping toolkit” up to number 3" in response.get_data(as_text=True)
    # Without JavaScript: a plain form post redirects back.
    response = client.post(f"/staff/events/{event.id}/agenda/{new.id}/move/up")
    assert response.status_code == 303
    db.session.expire_all()
    assert [i.title for i in agenda(event.id)][1] == "Mental health mapping toolkit"
    # Edit with a bad paper link: error, nothing changed.
    response = client.post(
        f"/staff/events/{event.id}/agenda/{new.id}/edit",
        headers=hx,
        data={f"item{new.id}-title": "Changed", f"item{new.id}-paper_links": "ftp://x"},
    )
    assert response.status_code == 422
    assert "Enter each paper as a web address" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AgendaItem, new.id).title == "Mental health mapping toolkit"
    client.post(f"/staff/events/{event.id}/agenda/{new.id}/edit", data={f"item{new.id}-title": "Toolkit results"})
    db.session.expire_all()
    assert db.session.get(AgendaItem, new.id).title == "Toolkit results"
    client.post(f"/staff/events/{event.id}/agenda/{new.id}/delete", headers=hx)
    assert [i.position for i in agenda(event.id)] == [1, 2, 3]
    # Another event's item id is refused (no IDOR).
    other = helpers.event()
    db.session.commit()
    first = agenda(event.id)[0]
    assert client.post(f"/staff/events/{other.id}/agenda/{first.id}/delete").status_code == 404


def test_agenda_published_to_members_and_printable(client, login_as, db):
    event = helpers.event(kind="network_meeting", audience="members")
    add_standing_items(event)
    db.session.commit()
    assert client.get(f"/events/{event.slug}/agenda").status_code == 404  # not published
    staff = login_as("staff")
    client.post(f"/staff/events/{event.id}/agenda/publish")
    login_as("member")
    page = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert "Action plan progress update" in page
    assert staff.id


def test_minutes_publish_with_attendance_and_actions_carried_forward(client, login_as, db):
    login_as("staff")
    _create_series(client)
    first, second, *_ = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    # Minutes are published once the meeting has started (issue 17): the first meeting has happened.
    first.starts_at, first.ends_at = utcnow() - dt.timedelta(days=2), utcnow() - dt.timedelta(days=2, hours=-2)
    present = helpers.registration(first, name="Amina Yusuf", status="attended")
    helpers.registration(first, name="Kofi Boateng", status="apologies")
    helpers.registration(first, name="Sam Lee")
    db.session.commit()
    client.post(
        f"/staff/events/{first.id}/actions",
        data={"description": "Share the toolkit findings", "owner": "Kwame", "status": "open"},
    )
    client.post(f"/staff/events/{first.id}/actions", data={"description": "Done already", "status": "done"})
    response = client.post(
        f"/staff/events/{first.id}/minutes",
        data={"body": "<p>Good meeting</p><img src=x onerror=alert(1)>", "publish": "Publish"},
    )
    assert response.status_code == 303
    minutes = find_minutes(first)
    assert minutes.status == "published" and "onerror" not in minutes.body
    titles = [i.title for i in agenda(second.id)]
    assert any("Share the toolkit findings" in t for t in titles)
    assert not any("Done already" in t for t in titles)
    page = client.get(f"/events/{first.slug}/minutes").get_data(as_text=True)
    assert "Amina Yusuf" in page and "Kofi Boateng" in page and "Sam Lee" in page
    # The next meeting links the previous minutes for approval.
    client.post(f"/staff/events/{second.id}/agenda/publish")
    agenda_page = client.get(f"/events/{second.slug}/agenda").get_data(as_text=True)
    assert f"/events/{first.slug}/minutes" in agenda_page and "for approval" in agenda_page
    # Marking the action done stops it being carried again.
    action = db.session.scalar(select(ActionArising).where(ActionArising.description == "Share the toolkit findings"))
    client.post(f"/staff/events/{second.id}/actions/{action.id}", data={f"a{action.id}-status": "done"})
    db.session.expire_all()
    assert db.session.get(ActionArising, action.id).status == "done"
    assert present.id


def test_check_in_toggle_search_counts_and_csv(client, login_as, db):
    login_as("staff")
    event = helpers.event()
    a = helpers.registration(event, name="Amina Yusuf", organisation_name="Roots Trust")
    helpers.registration(event, name="=cmd|' /C calc'!A0", organisation_name="Other Org")
    db.session.commit()
    hx = {"HX-Request": "true"}
    page = client.get(f"/staff/events/{event.id}/check-in?q=amina", headers=hx).get_data(as_text=True)
    assert "Amina Yusuf" in page and "calc" not in page
    response = client.post(
        f"/staff/events/{event.id}/check-in/{a.id}", data={"attended": "1", "q": "amina"}, headers=hx
    )
    page = response.get_data(as_text=True)
    assert "Amina Yusuf checked in" in page and "Attended 1" in page and "Organisations represented 1" in page
    counts = services.event_counts(event.id)
    assert counts == {**counts, "registered": 2, "attended": 1, "no_show": 1, "organisations": 1}
    response = client.get(f"/staff/events/{event.id}/registrants.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "Name" and len(rows) == 3
    assert any(r[0].startswith("'=") for r in rows[1:])  # formula injection neutralised
    report = client.get("/staff/events/report")
    assert report.status_code == 200


def test_quarterly_report_counts(db):
    event = helpers.event(days=-30)
    helpers.registration(event, status="attended", organisation_name="A")
    helpers.registration(event, status="attended", organisation_name="a")
    helpers.registration(event, status="confirmed", organisation_name="B")
    helpers.registration(event, status="cancelled")
    db.session.commit()
    [row] = services.quarterly_report()
    assert (row["events"], row["registered"], row["participants"], row["organisations"], row["rate"]) == (
        1,
        3,
        2,
        1,
        67,
    )


def test_staff_add_move_and_cancel_registrants_promotes(client, login_as, db):
    login_as("staff")
    event = helpers.event(capacity=1)
    db.session.commit()
    client.post(
        f"/staff/events/{event.id}/registrants", data={"name": "One", "email": "one@example.org", "status": "confirmed"}
    )
    client.post(
        f"/staff/events/{event.id}/registrants", data={"name": "Two", "email": "two@example.org", "status": "confirmed"}
    )
    page = client.post(
        f"/staff/events/{event.id}/registrants", data={"name": "Two", "email": "TWO@example.org", "status": "confirmed"}
    ).get_data(as_text=True)
    assert "two@example.org is already on the list" in page.lower()
    one = services.find_registration(event.id, "one@example.org")
    two = services.find_registration(event.id, "two@example.org")
    assert (one.status, two.status) == ("confirmed", "waitlisted")
    client.post(f"/staff/events/{event.id}/registrants/{one.id}/move", data={"status": "apologies"})
    db.session.expire_all()
    assert db.session.get(Registration, two.id).status == "confirmed"
    assert db.session.get(Registration, one.id).status == "apologies"
