"""Plan pages, filters, actions, board report and visibility (test client, both databases)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.actionplan.models import Action, ActionPlan, ProgressUpdate
from app.db import utcnow


def test_index_lists_published_plans_with_counts(client, imported_plan, db):
    db.session.add(ActionPlan(title="Secret draft", slug="secret-draft", status="draft"))
    db.session.commit()
    page = client.get("/action-plans").get_data(as_text=True)
    assert "Race Equality Action Plan" in page
    assert "Secret draft" not in page
    assert client.get("/action-plans/secret-draft").status_code == 404


def test_overview_groups_by_theme_with_counts_and_progress(client, imported_plan):
    response = client.get("/action-plans/race-equality")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Council workforce and culture" in page and "Crime and hate crime" in page
    assert "Also relates to: Jobs and skills" in page
    assert "0 of 3 actions completed (0%)" in page
    assert '<progress class="ap-progress" max="3" value="0"' in page
    assert "style=" not in page  # the CSP forbids inline styles
    # natural order and the table of counts
    assert page.index(">3.2<") < page.index(">3.4<")
    assert "Progress by theme" in page


def test_filters_are_shareable_urls_and_htmx_returns_the_fragment(client, imported_plan):
    page = client.get("/action-plans/race-equality?officer=lena+kowalski").get_data(as_text=True)
    assert "3 of 8 actions shown" in page
    assert "Publish the ethnicity pay gap" not in page
    fragment = client.get("/action-plans/race-equality?status=not_started&quick_win=no", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    assert text.lstrip().startswith('<div id="plan-actions">') and "<html" not in text
    assert "2 of 8 actions shown" in text  # 3.1 and 3.4
    assert "3 of 8" in client.get("/action-plans/race-equality?service=Community+Safety").get_data(as_text=True)
    assert "2 of 8" in client.get("/action-plans/race-equality?service=HR").get_data(as_text=True)


def test_theme_and_overdue_filters(client, imported_plan, db):
    theme_id = db.session.scalar(select(Action.theme_id).where(Action.number == "3.1"))
    assert "3 of 8" in client.get(f"/action-plans/race-equality?theme={theme_id}").get_data(as_text=True)
    # every target date in the fixture is in 2021-22 and nothing is completed, so dated actions are overdue
    page = client.get("/action-plans/race-equality?overdue=1").get_data(as_text=True)
    assert "6 of 8 actions shown" in page and "Overdue" in page
    assert client.get("/action-plans/race-equality?theme=abc&status=nonsense").status_code == 200


def test_overview_uses_a_constant_number_of_queries(client, imported_plan, query_budget):
    with query_budget(6):
        assert client.get("/action-plans/race-equality").status_code == 200


def test_action_page_shows_timeline(client, imported_plan):
    page = client.get("/action-plans/race-equality/actions/1.1").get_data(as_text=True)
    assert "Publish the ethnicity pay gap every year." in page
    assert "<ul><li>Collect data</li><li>Publish</li></ul>" in page
    assert "29 March 2021" in page and "First report published." in page
    assert "Jane Smith, Tom Brown, Ali Khan" in page
    assert "Add a progress update" not in page  # anonymous visitors only read
    assert client.get("/action-plans/race-equality/actions/9.9").status_code == 404


def test_members_only_plan_needs_sign_in(client, imported_plan, db, login_as):
    imported_plan.visibility = "members"
    db.session.commit()
    response = client.get("/action-plans/race-equality")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/action-plans/race-equality.csv").status_code == 302
    assert "Race Equality" not in client.get("/action-plans").get_data(as_text=True)
    login_as("member")
    assert client.get("/action-plans/race-equality").status_code == 200


def test_board_report_shows_what_changed_since_a_date(client, imported_plan, db):
    action = db.session.scalar(select(Action).where(Action.number == "3.1"))
    old = ProgressUpdate(
        action_id=action.id, dated=dt.date(2020, 1, 1), body="<p>Ancient news</p>", fingerprint="x", source="manual"
    )
    new = ProgressUpdate(
        action_id=action.id, dated=dt.date.today(), body="<p>Centres opened</p>", fingerprint="y", source="manual"
    )
    db.session.add_all([old, new])
    db.session.commit()
    since = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    page = client.get(f"/action-plans/race-equality/report?since={since}").get_data(as_text=True)
    assert "What changed since" in page
    assert "Centres opened" in page and "Ancient news" not in page
    assert "First report published." not in page  # dated 2021
    bad = client.get("/action-plans/race-equality/report?since=yesterday")
    assert bad.status_code == 200 and "Enter the date as year-month-day" in bad.get_data(as_text=True)


def test_board_report_lists_status_changes(client, imported_plan, db, login_as):
    login_as("staff")
    client.post(
        "/action-plans/race-equality/actions/3.2/updates",
        data={"status": "completed", "body": "Cadets trained", "dated": ["", "", ""]},
    )
    page = client.get(f"/action-plans/race-equality/report?since={dt.date.today().isoformat()}").get_data(as_text=True)
    assert "Status changed from Not started to <strong>Completed</strong>" in page
    assert "Cadets trained" in page
    assert utcnow()  # times are stored in UTC
