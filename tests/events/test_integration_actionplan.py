"""The network meeting's standing "Action plan progress update" item links to the board report."""

from __future__ import annotations

import datetime as dt

from app.actionplan.models import ActionPlan
from app.events.models import EventSeries
from app.events.series import generate_series


def test_agenda_links_action_plan_report_since_previous_meeting(app, db, client, login_as):
    login_as("staff")
    db.session.add(ActionPlan(title="Race Equality Action Plan", slug="race-equality", status="published",
                              visibility="public"))  # fmt: skip
    db.session.add(ActionPlan(title="Draft plan", slug="draft-plan", status="draft", visibility="public"))
    series = EventSeries(name="BAME network meeting", start_time=dt.time(18, 0), venue="Town Hall")
    db.session.add(series)
    db.session.flush()
    first, second, *_ = generate_series(series, count=2)
    db.session.commit()

    html = client.get(f"/events/{second.slug}/agenda").get_data(as_text=True)
    assert "Action plan progress update" in html
    assert f"/action-plans/race-equality/report?since={first.starts_at.date().isoformat()}" in html
    assert "draft-plan" not in html  # a draft plan has no public report
    # The first meeting has no previous one: the report covers the last quarter.
    html = client.get(f"/events/{first.slug}/agenda").get_data(as_text=True)
    since = (first.starts_at - dt.timedelta(days=91)).date().isoformat()
    assert f"/action-plans/race-equality/report?since={since}" in html
