"""Issue 20 §3: a count shown on two pages is written once and the pages agree."""

from __future__ import annotations

import re

from tests.factories import groups as gh


def _dashboard_applications(html: str) -> int:
    card = html.split('id="queue-applications"')[1]
    return int(re.search(r"portal-queue-count[^>]*>\s*(\d+)", card).group(1))


def _groups_waiting(html: str) -> int:
    return int(re.search(r"Waiting for a decision \((\d+)\)", html).group(1))


def test_applications_to_review_on_the_dashboard_agree_with_waiting_for_a_decision(client, login_as, db):
    login_as("staff")
    for status in ("pending", "pending", "changes_requested", "approved", "rejected", "archived"):
        gh.organisation(status=status)
    db.session.commit()
    dashboard = client.get("/staff").get_data(as_text=True)
    groups = client.get("/staff/groups").get_data(as_text=True)
    assert _dashboard_applications(dashboard) == _groups_waiting(groups) == 3
    # and the queue the dashboard links to lists exactly those applications
    assert groups.count('class="portal-review"') == 3 and "3 groups" in groups
    gh.organisation(status="changes_requested")
    db.session.commit()
    dashboard = client.get("/staff").get_data(as_text=True)
    groups = client.get("/staff/groups").get_data(as_text=True)
    assert _dashboard_applications(dashboard) == _groups_waiting(groups) == 4
