"""Issue 21 §7: no page has an empty heading (a heading with nothing under it before the next heading of
the same or a higher level), in particular a pending group's pages."""

from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import select

from tests.sweep import support

HEADINGS = ("h1", "h2", "h3", "h4")


@pytest.fixture
def demo(app, db):
    support.seed_demo()
    return db


def empty_headings(body: str) -> list[str]:
    """The headings in <main> with nothing after them, within their parent, before the next heading of the
    same or a higher level. A heading that labels its parent (inside a legend, label, caption or link, as
    GOV.UK's question pages do), and a confirmation panel's title, are left out."""
    main = lxml.html.fromstring(body).find(".//main")
    found = []
    if main is None:  # not a portal page (the e-mail preview shown in a frame)
        return found
    for heading in main.iter(*HEADINGS):
        if heading.getparent().tag in ("legend", "label", "caption", "a", "summary"):
            continue
        if "govuk-panel__title" in (heading.get("class") or ""):
            continue  # a confirmation panel's title is the message itself
        if "govuk-notification-banner__title" in (heading.get("class") or ""):
            heading = heading.getparent()  # the banner's content is its header's next sibling
        level = int(heading.tag[1]) if heading.tag in HEADINGS else 6
        following = heading.getnext()
        content = False
        while following is not None and not (following.tag in HEADINGS and int(following.tag[1]) <= level):
            if following.text_content().strip() or following.tag in ("form", "table", "img", "iframe", "input"):
                content = True
                break
            following = following.getnext()
        if not content:
            found.append(heading.text_content().strip())
    return found


def test_a_pending_groups_pages_have_no_empty_headings(app, client, demo):
    from app.groups.models import Organisation

    pending = demo.session.scalar(
        select(Organisation).where(Organisation.status == "pending").order_by(Organisation.id)
    )
    assert pending is not None
    pages = {
        "staff": [f"/staff/groups/{pending.id}", f"/groups/{pending.slug}"],
        "other_member": [f"/my-group/{pending.id}"],
    }
    for role, paths in pages.items():
        support.sign_in(client, role)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (role, path)
            assert empty_headings(response.get_data(as_text=True)) == [], (role, path)


@pytest.mark.parametrize("role", ["anonymous", "member", "other_member", "staff"])
def test_no_page_has_an_empty_heading(app, client, demo, role):
    visits, _ = support.sweep(app, client, role)
    found = {}
    for visit in visits:
        if visit.status == 200 and "<html" in visit.body[:500]:
            empty = empty_headings(visit.body)
            if empty:
                found[visit.route.url] = empty
    assert found == {}, found
