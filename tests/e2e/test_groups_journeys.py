"""Directory journeys in Chromium with axe: apply → staff review → approval e-mail → listing;
live search with JavaScript and the same search without it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db as _db
from app.groups.seed import seed_taxonomy
from tests import factories
from tests.conftest import body_of
from tests.factories.groups import organisation, tag

pytestmark = pytest.mark.e2e


def _sign_out(site) -> None:
    with site.page.expect_navigation():
        site.page.get_by_role("button", name="Sign out").click()


def test_application_review_approval_email_and_listing(site, app, db, smtp_server, worker):
    seed_taxonomy()
    factories.user(role="staff", email="staff@example.org", name="Kwame Mensah")
    factories.user(email="amina@example.org", name="Amina Hussain")
    db.session.commit()
    page = site.page

    site.goto("/groups/apply")
    expect(page.get_by_role("heading", name="Apply to join the network")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in and apply").click()
    site.axe_check()
    page.get_by_label("Email address").fill("amina@example.org")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    site.submit("Sign in")
    assert page.url.endswith("/groups/apply")

    # A mistake first: the error is shown and nothing typed is lost.
    page.get_by_label("Name of your group", exact=True).fill("Whitechapel Diabetes Peer Group")
    page.get_by_label("Unincorporated group").check()
    page.get_by_label("What does your group do?").fill(
        "Weekly peer support for people living with diabetes, in Bengali and English."
    )
    page.get_by_role("group", name="Themes of work").get_by_label("Diabetes").check()
    page.get_by_role("group", name="Languages used").get_by_label("Bengali", exact=True).check()
    page.get_by_label("Contact person", exact=True).fill("Amina Hussain")
    page.get_by_label("Address", exact=True).fill("1 Whitechapel Road")
    page.get_by_label("Postcode", exact=True).fill("not a postcode")
    site.submit("Send application")
    expect(page.get_by_role("link", name="Enter a real UK postcode, like E1 6AN")).to_be_visible()
    expect(page.get_by_label("Name of your group", exact=True)).to_have_value("Whitechapel Diabetes Peer Group")
    page.get_by_label("Postcode", exact=True).fill("e1 1bb")
    site.submit("Send application")
    expect(page.get_by_text("Application sent")).to_be_visible()
    _sign_out(site)

    site.sign_in("staff@example.org")
    site.goto("/staff/groups")
    review = page.locator("section.portal-review", has_text="Whitechapel Diabetes Peer Group")
    review.get_by_role("button", name="Approve Whitechapel Diabetes Peer Group").click()
    expect(page.locator("section.portal-review").get_by_text("is approved and now listed")).to_be_visible()
    expect(page.locator("#portal-live-region")).to_contain_text("is approved and now listed")
    site.axe_check()

    messages = smtp_server.wait_for(2)  # the receipt, then the approval
    approval = [m for m in messages if m["Subject"] == "Whitechapel Diabetes Peer Group is now in the directory"]
    assert approval and "amina@example.org" in approval[0]["To"]
    link = next(word for word in body_of(approval[0]).split() if "/groups/whitechapel" in word)
    _sign_out(site)

    site.goto(link)
    expect(page.get_by_role("heading", name="Whitechapel Diabetes Peer Group")).to_be_visible()
    site.goto("/groups?q=diab")
    expect(page.get_by_role("link", name="Whitechapel Diabetes Peer Group")).to_be_visible()


@pytest.fixture
def directory(app):
    with app.app_context():
        diabetes, health = tag("theme", "Diabetes"), tag("theme", "Mental health")
        organisation("Sylheti Diabetes Champions", description="Talks about diabetes.", tags=[diabetes])
        organisation("Black Men's Talking Space", description="Peer support.", tags=[health])
        organisation("Somali Parents Network", description="Homework clubs.")
        _db.session.commit()


def test_live_search_and_facets_with_javascript(site, directory):
    page = site.page
    site.goto("/groups")
    expect(page.locator("#results-count")).to_have_text("3 groups found")
    page.get_by_label("Search groups").fill("diab")
    page.wait_for_url("**/groups?q=diab*")
    expect(page.locator("#results-count")).to_contain_text("1 group found")
    expect(page.locator("#portal-live-region")).to_have_text("1 group found")
    site.axe_check()
    page.get_by_label("Search groups").fill("")
    expect(page.locator("#results-count")).to_contain_text("3 groups found")
    page.get_by_role("group", name="Themes of work").get_by_label("Mental health").check()
    page.wait_for_url("**theme=mental-health*")
    expect(page.locator("#results-count")).to_contain_text("1 group found")
    expect(page.get_by_role("link", name="Black Men's Talking Space")).to_be_visible()
    site.axe_check()
    page.go_back()
    expect(page.locator("#results-count")).to_contain_text("3 groups found")


def test_search_and_facets_without_javascript(site_without_js, directory):
    site = site_without_js
    page = site.page
    site.goto("/groups")
    page.get_by_label("Search groups").fill('"diab" OR (')
    site.submit("Search")
    assert "/groups?q=" in page.url
    expect(page.locator("#results-count")).to_contain_text("0 groups found")
    page.get_by_label("Search groups").fill("diab")
    site.submit("Search")
    expect(page.locator("#results-count")).to_contain_text("1 group found")
    page.get_by_label("Search groups").fill("")
    site.submit("Search")
    expect(page.locator("#results-count")).to_contain_text("3 groups found")
    page.get_by_text("Filter results").click()  # folded until opened (JavaScript opens it on wide screens)
    page.get_by_role("group", name="Themes of work").get_by_label("Mental health").check()
    site.submit("Apply filters")
    expect(page.locator("#results-count")).to_contain_text("1 group found")
    expect(page.get_by_role("link", name="Black Men's Talking Space")).to_be_visible()
