"""Issue 21 §5: every page the route sweep reaches has its own title, and a title that names the item
a page is about; page 2 of a list says "page 2"."""

from __future__ import annotations

import html
import re
from collections import defaultdict

import pytest

from tests.sweep import support

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@pytest.fixture
def demo(app, db):
    support.seed_demo()
    return db


def page_titles(app, client, role: str) -> dict[str, list[str]]:
    """Title -> the endpoints of the full HTML pages (status 200) that `role` gets with that title."""
    visits, unresolved = support.sweep(app, client, role)
    assert unresolved == []
    titles: dict[str, list[str]] = defaultdict(list)
    for visit in visits:
        if visit.status != 200 or "<html" not in visit.body[:500]:
            continue
        title = html.unescape(" ".join(TITLE.search(visit.body).group(1).split()))
        titles[title].append(visit.route.endpoint)
    return titles


@pytest.mark.parametrize("role", ["anonymous", "member", "other_member", "staff", "admin"])
def test_every_page_has_its_own_title(app, client, demo, role):
    titles = page_titles(app, client, role)
    shared = {title: endpoints for title, endpoints in titles.items() if len(set(endpoints)) > 1}
    assert shared == {}, "\n".join(f"{title!r}: {sorted(set(e))}" for title, e in shared.items())


# Every list that pages (app/pagination.py and the directory's own pager).
PAGED = {
    "events.index": "/events",
    "groups.index": "/groups",
    "mailing.bulletins": "/bulletins",
    "events.staff_index": "/staff/events",
    "groups.staff_groups": "/staff/groups",
    "mailing.staff_bulletins": "/staff/bulletins",
    "mailing.staff_subscribers": "/staff/subscribers",
    "staff.users": "/staff/users",
    "staff.audit": "/staff/audit",
    "staff.mail": "/staff/mail",
}


def _title(response) -> str:
    return html.unescape(" ".join(TITLE.search(response.get_data(as_text=True)).group(1).split()))


def test_page_two_of_every_list_says_page_2(app, client, demo):
    support.sign_in(client, "admin")
    with app.test_request_context():
        from flask import url_for

        paths = {endpoint: url_for(endpoint) for endpoint in PAGED}
    for endpoint, path in paths.items():
        first = client.get(path)
        second = client.get(path + "?page=2")
        assert first.status_code == second.status_code == 200, endpoint
        assert "page 2" not in _title(first), (endpoint, _title(first))
        assert " – page 2 – " in _title(second), (endpoint, _title(second))
    # The directory's search swap carries the same title as a full load of the same address.
    swapped = client.get("/groups?q=health&page=2", headers={"HX-Request": "true", "HX-Target": "directory-results"})
    assert "Find a community group – page 2 – " in swapped.get_data(as_text=True)


def test_item_pages_name_their_item(app, client, db):
    """Edit pages say which item ("Edit question: Barriers – Toolkit"), and staff pages say so."""
    from tests import factories
    from tests.factories import events as event_factories
    from tests.factories import toolkits as toolkit_factories

    staff = factories.user(role="staff")
    toolkit = toolkit_factories.small_toolkit(status="draft")
    event = event_factories.event(title="Health partnership meeting")
    db.session.commit()
    with client.session_transaction() as session:
        support.signed_in(session, staff)

    from sqlalchemy import select

    from app.events.models import AgendaItem
    from app.toolkits.models import Question, Section

    question = db.session.scalar(select(Question).where(Question.toolkit_id == toolkit.id).limit(1))
    section = db.session.get(Section, question.section_id)
    title = _title(client.get(f"/staff/toolkits/{toolkit.slug}/questions/{question.id}/edit"))
    assert title.startswith(f"Edit question: {question.label[:40]}"), title
    assert f"– {toolkit.title} – Staff area – " in title, title
    title = _title(client.get(f"/staff/toolkits/{toolkit.slug}/sections/{section.id}/questions/new"))
    assert title.startswith(f"Add a question to {section.title[:40]}"), title
    title = _title(client.get(f"/staff/toolkits/{toolkit.slug}/sections/{section.id}/edit"))
    assert title.startswith(f"Edit section: {section.title[:40]}"), title

    db.session.add(AgendaItem(event_id=event.id, position=1, title="Mapping toolkit findings"))
    db.session.commit()
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.event_id == event.id))
    title = _title(client.get(f"/staff/events/{event.id}/agenda/{item.id}/edit"))
    assert title.startswith("Edit agenda item: Mapping toolkit findings – Health partnership meeting"), title
