"""The staff dashboard's work queues: counts from known data, links to the pages that deal with
them, the configurable "no update for N weeks", and a constant number of queries."""

from __future__ import annotations

import datetime as dt
import re

from app.db import utcnow
from app.mail.models import OutboxMessage
from tests import factories
from tests.factories import events as eh
from tests.factories import groups as gh
from tests.reports import builders as b


def _count(html: str, queue: str) -> int:
    match = re.search(rf'id="queue-{queue}">.*?portal-queue-count">([\d,]+)<', html, re.S)
    return int(match.group(1).replace(",", ""))


def _data(db):
    """Known queues: 3 applications waiting for a decision (one with changes requested),
    3 people waiting for 2 events, 3 bulletins in progress,
    2 toolkits open, 2 stale actions in one plan, 2 failed emails (one a bulletin's)."""
    now = utcnow()
    gh.organisation(status="pending")
    gh.organisation(status="pending")
    gh.organisation(status="changes_requested")
    listed = [gh.organisation() for _ in range(4)]

    soon, later = eh.event(days=5), eh.event(days=20)
    eh.registration(soon, status="waitlisted")
    eh.registration(soon, status="waitlisted")
    eh.registration(later, status="waitlisted")
    eh.registration(later, status="confirmed")
    eh.registration(eh.event(days=-3), status="waitlisted")  # already happened
    cancelled = eh.event(days=8, cancelled_at=now)
    eh.registration(cancelled, status="waitlisted")

    scheduled = b.bulletin(None, status="scheduled")
    scheduled.send_at = now + dt.timedelta(days=1)
    b.bulletin(now, status="sending", sent=6, failed=1, queued=3)
    b.bulletin(now, status="paused", sent=1, queued=1)
    b.bulletin(now - dt.timedelta(days=3), status="sent", sent=4)  # finished

    open_kit = b.toolkit(now - dt.timedelta(days=1), now + dt.timedelta(days=9))
    b.response(open_kit, organisation=listed[0], submitted=now)
    b.toolkit(None, None, audience="individual")
    b.toolkit(now - dt.timedelta(days=30), now - dt.timedelta(days=1))  # closed
    b.toolkit(now + dt.timedelta(days=1), now + dt.timedelta(days=9))  # not open yet
    b.toolkit(None, None, status="draft")

    plan, theme = b.plan()
    old = now - dt.timedelta(weeks=10)
    stale = b.action(plan, theme, old, [("in_progress", old)])
    b.action(plan, theme, old, [("not_started", old)])
    b.action(plan, theme, old, [("completed", old)])  # done: never needs an update
    fresh = b.action(plan, theme, old, [("in_progress", old)])
    fresh.last_update_at = now - dt.timedelta(weeks=2)
    stale.last_update_at = now - dt.timedelta(weeks=7)
    draft, draft_theme = b.plan("draft")
    b.action(draft, draft_theme, old, [("in_progress", old)])

    db.session.add(OutboxMessage(kind="x", to_addr="a@example.org", subject="s", body_text="b", status="failed"))
    db.session.commit()
    return {"plan": plan, "soon": soon, "open_kit": open_kit, "stale": stale, "fresh": fresh}


def test_queues_count_what_needs_doing_and_link_to_it(client, login_as, db):
    data = _data(db)
    login_as("staff")
    html = client.get("/staff").get_data(as_text=True)
    assert _count(html, "applications") == 3  # pending and changes requested: the groups queue's count
    assert _count(html, "waiting") == 3 and "for 2 events" in html
    assert _count(html, "bulletins") == 3
    assert _count(html, "toolkits") == 2
    assert _count(html, "actions") == 2 and "Actions with no update for 6 weeks" in html
    assert _count(html, "mail-failed") == 2  # the bulletin's failed email and the other one
    assert 'href="/staff/groups"' in html
    assert f'href="/staff/events/{data["soon"].id}/registrants"' in html
    assert f'href="/staff/action-plans/{data["plan"].id}?needs_update=1"' in html
    assert f'href="/staff/toolkits/{data["open_kit"].slug}/results"' in html
    assert 'href="/staff/mail?status=failed"' in html
    assert "7 of 10 emails done (70%), 1 failed" in html and "Paused" in html and "Scheduled for" in html
    assert "1 of 4 groups (25%)" in html
    assert 'href="/staff/reports"' in html


def test_weeks_without_an_update_come_from_config(client, login_as, db, app):
    _data(db)
    login_as("staff")
    app.config["STAFF_STALE_ACTION_WEEKS"] = 8
    try:
        html = client.get("/staff").get_data(as_text=True)
    finally:
        app.config["STAFF_STALE_ACTION_WEEKS"] = 6
    assert "Actions with no update for 8 weeks" in html
    assert _count(html, "actions") == 1  # the 7-week-old update is recent enough now


def test_the_dashboard_runs_a_constant_number_of_queries(client, login_as, db, query_budget):
    login_as("staff")
    _data(db)
    with query_budget(16) as few:
        client.get("/staff")
    for _ in range(3):
        _data(db)
    for _ in range(15):
        factories.user()
    db.session.commit()
    with query_budget(16) as many:
        html = client.get("/staff").get_data(as_text=True)
    assert few["count"] == many["count"]
    assert _count(html, "applications") == 12


def test_counts_stay_whole_when_the_lists_are_cut_short(client, login_as, db, monkeypatch):
    from app.staff import queues

    for _ in range(3):
        _data(db)
    monkeypatch.setattr(queues, "LIST_LIMIT", 2)
    login_as("staff")
    html = client.get("/staff").get_data(as_text=True)
    assert _count(html, "bulletins") == 9 and _count(html, "toolkits") == 6
    assert _count(html, "waiting") == 9 and "for 6 events" in html
    assert _count(html, "actions") == 6  # three plans, two each
    assert "Showing 2 of 9. " in html and "Showing the 2 closing soonest of 6 open toolkits." in html
    assert "Showing the 2 soonest of 6 events with a waiting list." in html
    assert len(re.findall(r'id="stale-plan-', html)) == 2
    assert "Showing the first 2 of 3 plans with actions needing an update." in html


def test_the_plan_page_shows_the_actions_that_need_an_update(client, login_as, db):
    """The dashboard links each plan to its staff page filtered to the actions it counted."""
    data = _data(db)
    login_as("staff")
    html = client.get("/staff").get_data(as_text=True)
    assert "Showing the first" not in html  # one plan: nothing left out
    plan_id, stale, fresh = data["plan"].id, data["stale"], data["fresh"]

    everything = client.get(f"/staff/action-plans/{plan_id}").get_data(as_text=True)
    assert "2 open actions have had no progress update for 6 weeks." in everything
    assert len(re.findall(r'<tr class="govuk-table__row" id="action-', everything)) == 4
    assert everything.count("Needs an update</strong>") == 2
    assert f'href="/staff/action-plans/{plan_id}?needs_update=1"' in everything

    filtered = client.get(f"/staff/action-plans/{plan_id}?needs_update=1").get_data(as_text=True)
    rows = re.findall(r'<tr class="govuk-table__row" id="action-(\d+)"', filtered)
    assert len(rows) == 2 and str(stale.id) in rows and str(fresh.id) not in rows
    assert "Show all actions" in filtered and "Actions needing an update in" in filtered

    # Once every open action has a recent update, the filter says so instead of showing nothing.
    from app.actionplan.models import Action

    for action in db.session.query(Action).filter(Action.plan_id == plan_id):
        action.last_update_at = utcnow()
    db.session.commit()
    calm = client.get(f"/staff/action-plans/{plan_id}?needs_update=1").get_data(as_text=True)
    assert "No actions need a progress update" in calm and 'id="action-' not in calm
    assert "Needs an update</strong>" not in client.get(f"/staff/action-plans/{plan_id}").get_data(as_text=True)
