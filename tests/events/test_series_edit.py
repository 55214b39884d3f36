"""Series edit page and standing items reaching later meetings (issue 17 §4)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.events.minutes import agenda
from app.events.models import Event, EventSeries
from app.events.series import generate_series, parse_standing
from app.mail.models import OutboxMessage
from app.times import to_london
from tests.factories import events as helpers
from tests.pages import page_text


def _series(db, meetings=4) -> tuple[EventSeries, list[Event]]:
    series = EventSeries(
        name="BAME network meeting", kind="network_meeting", start_time=dt.time(10), duration_minutes=120, venue="CVS"
    )
    series.standing_items = "Welcome and apologies (10 minutes)\nAction plan progress update (20 minutes)"
    db.session.add(series)
    db.session.flush()
    events = generate_series(series, meetings)
    db.session.commit()
    return series, events


def _titles(event):
    return [item.title for item in agenda(event.id)]


def test_parse_standing_items():
    assert parse_standing("  Welcome (10 minutes)\n\nUpdate from partners\nAOB (5 mins) ") == [
        ("Welcome", 10),
        ("Update from partners", None),
        ("AOB", 5),
    ]


def test_a_standing_item_ticked_on_one_meeting_reaches_every_later_meeting(client, login_as, db):
    series, events = _series(db)
    first = events[0]
    assert _titles(first) == ["Welcome and apologies", "Action plan progress update"]
    login_as("staff")
    response = client.post(
        f"/staff/events/{first.id}/agenda",
        data={"title": "Mental health roundtable", "minutes_allotted": "15", "standing": "y"},
        follow_redirects=True,
    )
    page = page_text(response)
    later = ", ".join(e.title for e in events[1:3])
    assert "As a standing item it was also added to" in page and events[3].title in page and later.split(",")[0] in page
    for event in events[1:]:
        assert "Mental health roundtable" in _titles(event)
    db.session.expire_all()
    assert "Mental health roundtable (15 minutes)" in db.session.get(EventSeries, series.id).standing_items
    # The next meeting generated starts with it too; ticking it again adds nothing twice.
    [fifth] = generate_series(db.session.get(EventSeries, series.id), 1)
    db.session.commit()
    assert _titles(fifth).count("Mental health roundtable") == 1


def test_series_edit_changes_meetings_not_yet_held_and_says_which_got_new_items(client, login_as, db):
    series, events = _series(db, meetings=3)
    held = helpers.event(kind="network_meeting", days=-30, series_id=series.id)
    helpers.registration(events[0], email="amina@example.org")
    db.session.commit()
    login_as("staff")
    page = page_text(client.get(f"/staff/events/series/{series.id}/edit"))
    assert "Changes apply to the 3 meetings not yet held" in page
    data = {
        "start_time": "6pm",
        "end_time": "8pm",
        "attendance_mode": "in_person",
        "venue": "Town Hall",
        "address": "",
        "online_link": "",
        "capacity": "25",
        "standing_items": "\n".join(
            ["Welcome and apologies (10 minutes)", "Action plan progress update (20 minutes)", "Funding news (10 min)"]
        ),
        "notify": "y",
    }
    response = client.post(f"/staff/events/series/{series.id}/edit", data=data, follow_redirects=True)
    page = page_text(response)
    assert "Changed 3 meetings not yet held." in page and "1 person has been emailed the change." in page
    assert "“Funding news” was added to " + events[0].title in page
    db.session.expire_all()
    for event in events:
        event = db.session.get(Event, event.id)
        assert to_london(event.starts_at).hour == 18 and event.venue == "Town Hall" and event.capacity == 25
        assert "Funding news" in _titles(event)
    assert db.session.get(Event, held.id).venue == "Community Hall" and "Funding news" not in _titles(held)
    [mail] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "event_changed")).all()
    assert mail.to_addr == "amina@example.org"


def test_series_edit_errors_keep_what_was_typed(client, login_as, db):
    series, _events = _series(db, meetings=1)
    login_as("staff")
    response = client.post(
        f"/staff/events/series/{series.id}/edit",
        data={"start_time": "6pm", "end_time": "5pm", "attendance_mode": "in_person", "venue": "Town Hall"},
    )
    page = page_text(response)
    assert response.status_code == 200 and "End time must be after the start time" in page
    assert 'value="Town Hall"' in page_text(response, markup=True)
    db.session.expire_all()
    assert db.session.get(EventSeries, series.id).venue == "CVS"
