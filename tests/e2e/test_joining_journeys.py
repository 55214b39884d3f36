"""Joining journeys in a real browser (issue 19): the invitation of a person with no account, the
staff decision on an application whose group has no owner account (the mail read on the Sent mail
page), and signing up to the mailing list twice. axe checks every page; key pages are looked at
1280 and 320 px wide (screenshots in tests/e2e/screens/, not committed) and must not scroll sideways."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.mail.models import OutboxMessage
from app.mailing.models import Subscriber
from tests import factories
from tests.factories import mailing as mf
from tests.factories.groups import organisation

pytestmark = pytest.mark.e2e
SCREENS = Path(__file__).parent / "screens"


def _look(site, name: str) -> None:
    """Screenshots at 1280 and 320 px; at 320 px the page must not scroll sideways."""
    page = site.page
    SCREENS.mkdir(exist_ok=True)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
        if width == 320:
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            wide = page.evaluate(
                "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
                "window.innerWidth + 1 && !e.closest('.portal-table-scroll')).slice(0, 5)"
                ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
            )
            assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 320px: {wide}"
    page.set_viewport_size({"width": 1280, "height": 900})


def _sign_out(site) -> None:
    with site.page.expect_navigation():
        site.page.get_by_role("button", name="Sign out").click()


def _link_in_last(db, kind: str, pattern: str) -> str:
    db.session.expire_all()
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(rf"https?://[^/\s]+({pattern})", message.body_text).group(1).rstrip(".")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_inviting_a_person_without_an_account_is_one_journey(request, javascript, app, db):
    site = request.getfixturevalue("site" if javascript else "site_without_js")
    owner = factories.user(email="priya@example.org", name="Priya Shah")
    org = organisation("Tamil Community Centre", owner=owner)
    db.session.commit()
    page = site.page

    site.sign_in("priya@example.org")
    site.goto(f"/my-group/{org.id}")
    page.get_by_label("Their email address").fill("ravi at example")
    site.submit("Send invitation")
    expect(page.get_by_role("link", name=re.compile("Enter an email address"))).to_be_visible()
    expect(page.get_by_label("Their email address")).to_have_value("ravi at example")
    page.get_by_label("Their email address").fill("ravi@example.org")
    site.submit("Send invitation")
    expect(page.get_by_text("Invitation sent to ravi@example.org")).to_be_visible()
    _sign_out(site)

    site.goto(_link_in_last(db, "group_invitation", r"/groups/join/\S+"))
    expect(page.get_by_role("heading", name="Join Tamil Community Centre")).to_be_visible()
    expect(page.get_by_text("Priya Shah invited you to help manage Tamil Community Centre")).to_be_visible()
    _look(site, f"invitation-{request.node.callspec.id}")
    with page.expect_navigation():
        page.get_by_role("button", name="Create an account").click()
    site.axe_check()
    expect(page.get_by_label("Email address")).to_have_value("ravi@example.org")
    page.get_by_label("Full name").fill("Ravi Kumar")
    page.get_by_label("Create a password").fill("lantern-meadow-copper")
    page.get_by_label("Confirm password").fill("lantern-meadow-copper")
    site.submit("Create account")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    site.goto(_link_in_last(db, "confirm_account", r"/register/confirm/\S+"))
    page.get_by_label("Email address").fill("ravi@example.org")
    page.get_by_label("Password", exact=True).fill("lantern-meadow-copper")
    site.submit("Sign in")
    expect(page.get_by_role("heading", name="Join Tamil Community Centre")).to_be_visible()
    site.goto("/my-group")
    expect(page.get_by_text("Priya Shah invited you to help manage Tamil Community Centre")).to_be_visible()
    _look(site, f"waiting-invitation-{request.node.callspec.id}")
    with page.expect_navigation():
        page.get_by_role("link", name="See the invitation to Tamil Community Centre").click()
    site.submit("Accept the invitation")
    expect(page.get_by_text("You are now a member of Tamil Community Centre")).to_be_visible()


def test_a_decision_on_a_group_without_an_owner_is_emailed_and_readable_on_sent_mail(site, app, db, worker):
    factories.user(role="staff", email="staff@example.org", name="Kwame Mensah")
    organisation("Mile End Makers", status="pending", email="hello@mileend.example.org", contact_name="Jo")
    db.session.commit()
    page = site.page
    site.sign_in("staff@example.org")
    site.goto("/staff/groups")
    review = page.locator("section.portal-review", has_text="Mile End Makers")
    review.locator("summary").click()
    review.get_by_label(re.compile("Message to the applicant")).fill("Please add your postcode.\nAnd a <b>website</b>.")
    with page.expect_response(re.compile(r"/request-changes$")):
        review.get_by_role("button", name=re.compile("Ask for changes")).click()
    notice = page.locator("section.portal-review", has_text="Mile End Makers")
    expect(notice).to_contain_text("An email has been sent to hello@mileend.example.org.")
    site.axe_check()
    _look(site, "decision-told")

    site.goto("/staff/mail")
    row = page.locator("tr", has_text="hello@mileend.example.org")
    expect(row).to_contain_text("Group application: changes requested")
    with page.expect_navigation():
        row.get_by_role("link").click()
    site.axe_check()
    expect(page.locator("pre.portal-mail-body")).to_contain_text("Please add your postcode.")
    expect(page.locator("pre.portal-mail-body")).to_contain_text("And a <b>website</b>.")
    expect(page.get_by_text("No problems sending it")).to_be_visible()
    _look(site, "decision-mail")


def test_signing_up_twice_before_confirming_is_merged_and_said(site_without_js, app, db):
    site = site_without_js
    topics = mf.topics()
    db.session.commit()
    page = site.page
    for topic, organisation_name in ((topics[0].name, "Riverside Women's Group"), (topics[2].name, "")):
        site.goto("/mailing-list")
        page.get_by_label("Email address").fill("amina@example.org")
        page.get_by_label("Full name").fill("Amina Yusuf")
        page.get_by_label(re.compile("Organisation")).fill(organisation_name)
        page.get_by_label(topic).check()
        page.get_by_label(re.compile("I agree to receive these emails")).check()
        site.submit("Join the mailing list")
        expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_role("heading", name="If you had already asked to join")).to_be_visible()
    _look(site, "signup-again")
    db.session.expire_all()
    subscriber = db.session.scalar(select(Subscriber))
    assert subscriber.organisation_name == "Riverside Women's Group"
    assert subscriber.pending_topic_ids == sorted([topics[0].id, topics[2].id])
