"""For the current quarter, the report says exactly what the feature pages say: the directory count,
the mailing-list page, a bulletin's delivery page, the events report, a toolkit's results page and
an action plan's board report. Data is made through the features' own pages and services."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, update

from app.actionplan import services as ap
from app.db import utcnow
from app.events import services as events
from app.mail.models import OutboxMessage
from app.mailing import services as mailing
from app.reports import figures as f
from app.reports.periods import current_quarter, quarter_period
from app.toolkits import results
from tests import factories
from tests.factories import events as eh
from tests.factories import groups as gh
from tests.factories import mailing as mf
from tests.reports import builders as b


def _now_quarter():
    return quarter_period(*current_quarter())


def _figure(html: str, key: str) -> str:
    match = re.search(rf'id="figure-{key}">.*?portal-report-figure">([^<]*)<', html, re.S)
    return match.group(1).strip()


def test_active_groups_match_the_directory(client, login_as, db, app):
    owner = factories.user()
    pending = [gh.organisation(status="pending", owner=owner) for _ in range(3)]
    for _ in range(4):
        gh.organisation()  # listed directly (as an import does)
    db.session.commit()
    login_as("staff")
    for org in pending[:2]:
        assert client.post(f"/staff/groups/{org.id}/approve", data={}).status_code in (302, 303)
    listed = gh.organisation()
    db.session.commit()
    client.post(f"/staff/groups/{listed.id}/archive", data={})
    html = client.get("/groups").get_data(as_text=True)
    directory = int(re.search(r'id="results-count"[^>]*>([\d,]+) group', html).group(1))
    assert directory == 6  # 4 listed + 2 approved (one listed group archived)
    report = client.get("/staff/reports").get_data(as_text=True)
    assert _figure(report, "groups-active") == str(directory)
    assert f.groups_active(_now_quarter()) == directory
    assert f.groups_joined(_now_quarter()) == 7  # approved now, listed now, and the one archived since


def test_list_size_matches_the_mailing_list_page(client, login_as, db):
    topics = mf.topics()
    people = [mf.subscriber(topic_ids=[topics[0].id]) for _ in range(5)]
    mf.subscriber(status="pending")
    mailing.unsubscribe(people[0], how="test")
    db.session.commit()
    login_as("staff")
    page = client.get("/staff/mailing-list").get_data(as_text=True)
    subscribed = int(re.search(r"(\d+) subscribed,", page).group(1))
    assert subscribed == 4
    assert f.subscribers_end(_now_quarter()) == subscribed
    report = client.get("/staff/reports").get_data(as_text=True)
    assert _figure(report, "subscribers-end") == "4" and _figure(report, "subscribers-left") == "1"


def test_bulletin_delivery_matches_its_delivery_page(client, login_as, db):
    topics = mf.topics()
    mf.confirmed_subscribers(12, topics[0].id)
    bulletin = mf.bulletin(topic_list=topics[:1])
    db.session.commit()
    login_as("staff")
    assert client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "now"}).status_code == 303
    ids = db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.campaign == bulletin.campaign)).all()
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids[:8])).values(status="sent"))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids[8:10])).values(status="failed"))
    db.session.commit()
    page = client.get(f"/staff/bulletins/{bulletin.id}/delivery").get_data(as_text=True)
    counts = {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', page)}
    row = f.bulletin_deliveries(_now_quarter())[0]
    assert (row["messages"], row["delivered"], row["failed"]) == (counts["total"], counts["sent"], counts["failed"])
    assert (row["messages"], row["delivered"], row["failed"], row["rate"]) == (12, 8, 2, 80)
    # The dashboard shows the same bulletin's progress.
    dashboard = client.get("/staff").get_data(as_text=True)
    assert "10 of 12 emails done (83%), 2 failed" in dashboard


def test_events_match_the_events_report(client, login_as, db):
    org = gh.organisation(name="Harbour Women's Group")
    meeting = eh.event(days=-0.02, kind="network_meeting")  # started half an hour ago
    for status in ("attended", "attended", "confirmed", "apologies", "waitlisted"):
        eh.registration(meeting, status=status, organisation_id=org.id, organisation_name=org.name)
    eh.registration(meeting, status="attended", organisation_name="Riverside Elders")
    db.session.commit()
    row = events.quarterly_report()[0]
    p = _now_quarter()
    assert (f.events_held(p), f.event_registered(p), f.event_attendances(p), f.event_people(p)) == (
        row["events"], row["registered"], row["participants"], row["people"],
    )  # fmt: skip
    assert f.organisations_engaged(p) == row["organisations"] == 2
    assert f.attendance_rate(p) == row["rate"] == 75
    login_as("staff")
    page = client.get("/staff/events/report").get_data(as_text=True)
    assert row["label"] in page


def test_toolkit_rate_matches_its_results_page(client, login_as, db):
    groups = [gh.organisation() for _ in range(8)]
    gh.organisation(status="pending")
    now = utcnow()
    toolkit = b.toolkit(now - dt.timedelta(days=2), now + dt.timedelta(days=20))
    for org in groups[:3]:
        b.response(toolkit, organisation=org, submitted=now - dt.timedelta(hours=1))
    b.response(toolkit, organisation=groups[3])  # a draft
    db.session.commit()
    expected = results.compute(toolkit, []).rate
    assert expected == 38  # 3 of 8
    login_as("staff")
    page = client.get(f"/staff/toolkits/{toolkit.slug}/results").get_data(as_text=True)
    assert f"3 of 8 organisations have submitted ({expected}%)" in page
    (row,) = f.toolkit_response_rates(_now_quarter())
    assert (row["submitted"], row["invited"], row["rate"]) == (3, 8, expected)
    assert f"3 of 8 groups ({expected}%)" in client.get("/staff").get_data(as_text=True)


def test_action_status_matches_the_board_report(db, login_as):
    plan, theme = b.plan()
    staff = login_as("staff")
    actions = [b.action(plan, theme, utcnow() - dt.timedelta(days=400), [("not_started", utcnow())]) for _ in range(4)]
    ap.change_status(actions[0], "in_progress", user=staff)
    ap.change_status(actions[1], "completed", user=staff)
    ap.change_status(actions[2], "in_progress", user=staff)
    db.session.commit()
    p = _now_quarter()
    report = ap.board_report(plan, p.first_day)
    assert {r["status"]: r["actions"] for r in f.action_status(p) if r["actions"]} == dict(report.counts)
    changed = {r["status"]: r["changes"] for r in f.action_changes(p) if r["changes"]}
    assert sum(changed.values()) == len(report.changes) == 3
