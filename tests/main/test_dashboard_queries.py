"""Issue 21 §4a: the member dashboard (/my-group/<id>) runs at most 8 SQL statements, however many
events, toolkits, members and invitations the group has."""

from __future__ import annotations

import pytest
from flask import current_app

from app.db import query_counter, utcnow
from app.groups import invitations
from tests import factories
from tests.factories import events as event_factories
from tests.factories import toolkits as toolkit_factories
from tests.factories.groups import organisation

# The session, the group with its members, its tags, open toolkits with their questions, the
# responses with their answers, invitations, the person's registrations, and the network meetings
# with the group's attendance (docs/performance.md). The count must not grow with the data either.
BUDGET = 8


def _group_with(db, n: int, owner):
    """A listed group with `n` of everything the dashboard shows."""
    members = [factories.user(email=f"member{n}-{i}@example.org") for i in range(n)]
    org = organisation(f"Group with {n}", owner=owner, members=members)
    for i in range(n):
        upcoming = event_factories.event(days=5 + i, kind="network_meeting", title=f"Meeting {n}-{i}")
        event_factories.registration(upcoming, email=owner.email, user_id=owner.id, organisation_id=org.id)
        past = event_factories.event(days=-30 - i, kind="network_meeting", title=f"Past meeting {n}-{i}")
        event_factories.registration(
            past, email=f"colleague{n}-{i}@example.org", organisation_id=org.id, checked_in_at=utcnow()
        )
        toolkit = toolkit_factories.small_toolkit()
        toolkit.title = f"Toolkit {n}-{i}"
    db.session.commit()
    with current_app.test_request_context():  # the invitation e-mail's links
        for i in range(n):
            invitations.send(org, f"invitee{n}-{i}@example.org", owner)
    db.session.commit()
    return org


def _count(client, org) -> int:
    query_counter.reset()
    response = client.get(f"/my-group/{org.id}")
    assert response.status_code == 200
    return query_counter.count


@pytest.mark.parametrize("n", [1, 10])
def test_member_dashboard_runs_at_most_11_queries(client, db, login_as, n):
    owner = factories.user(email="owner@example.org", name="Amina Hussain")
    org = _group_with(db, n, owner)
    login_as(owner)
    count = _count(client, org)
    assert count <= BUDGET, f"{count} SQL statements with {n} of each, budget {BUDGET}"


def test_member_dashboard_query_count_does_not_grow(client, db, login_as):
    owner = factories.user(email="owner@example.org", name="Amina Hussain")
    small, large = _group_with(db, 1, owner), _group_with(db, 10, owner)
    login_as(owner)
    assert _count(client, small) == _count(client, large)
