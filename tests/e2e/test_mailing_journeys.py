"""Mailing-list journeys in Chromium with axe on every page: a reader joins, confirms, changes
preferences and unsubscribes; staff compose, preview, send and watch delivery finish."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.mailing import services
from app.mailing.models import Bulletin, Subscriber
from tests import factories
from tests.conftest import body_of
from tests.factories import mailing as mf

pytestmark = pytest.mark.e2e


def _link(smtp_server, to: str, path: str) -> str:
    smtp_server.wait_for(1, timeout=15)
    messages = smtp_server.to(to)
    assert messages, [m["Subject"] for m in smtp_server.messages]
    return re.search(rf"http://127\.0\.0\.1:\d+/mailing-list/{path}/\S+", body_of(messages[-1])).group(0)


def test_reader_joins_confirms_changes_preferences_and_unsubscribes(site, db, smtp_server, worker):
    mf.topics()
    db.session.commit()
    page = site.page
    site.goto("/")
    page.get_by_role("link", name="Join the mailing list").first.click()
    page.wait_for_url("**/mailing-list")
    site.axe_check()

    # A mistake first: errors are listed and what was typed is kept.
    page.get_by_label("Email address").fill("grace@example")
    page.get_by_label("Full name").fill("Grace Okafor")
    site.submit("Join the mailing list")
    assert page.title().startswith("Error:")
    assert page.get_by_label("Full name").input_value() == "Grace Okafor"

    page.get_by_label("Email address").fill("grace@example.org")
    page.get_by_label("Events").check()
    page.get_by_label("Health inequalities").check()
    page.get_by_label("I agree to receive these emails").check()
    site.submit("Join the mailing list")
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    site.goto(_link(smtp_server, "grace@example.org", "confirm"))
    expect(page.get_by_role("heading", name="You have joined the mailing list")).to_be_visible()
    page.get_by_role("link", name="Change what you get").click()
    page.wait_for_url("**/mailing-list/preferences/*")
    site.axe_check()
    expect(page.get_by_label("Events")).to_be_checked()
    page.get_by_label("Funding opportunities").check()
    page.get_by_label("Events").uncheck()
    site.submit("Save my choices")
    expect(page.get_by_text("Your choices have been saved.")).to_be_visible()
    expect(page.get_by_label("Funding opportunities")).to_be_checked()

    page.get_by_role("link", name="Unsubscribe from everything").click()
    page.wait_for_url("**/mailing-list/unsubscribe/*")
    site.axe_check()
    site.submit("Unsubscribe")
    expect(page.get_by_role("heading", name="You have unsubscribed")).to_be_visible()
    db.session.expire_all()
    assert db.session.query(Subscriber).one().status == "unsubscribed"


def test_staff_compose_preview_send_and_watch_delivery(site, db, smtp_server, worker):
    topics = mf.topics()
    factories.user(role="staff", email="kwame@example.org", name="Kwame Mensah")
    mf.confirmed_subscribers(40, topics[3].id)
    db.session.commit()
    page = site.page
    site.goto("/login")
    page.get_by_label("Email address").fill("kwame@example.org")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    site.submit("Sign in")

    site.goto("/staff/bulletins")
    page.get_by_role("button", name="Create a bulletin").click()
    page.wait_for_url("**/staff/bulletins/new")
    site.axe_check()
    page.get_by_label("Title").fill("Employment and skills bulletin: December")
    page.get_by_label("Introduction").fill("Welcome to December's bulletin.")
    page.get_by_label("Employment and skills bulletin").check()
    site.submit("Create and add items")
    expect(page.get_by_text("40 subscribers")).to_be_visible()

    # Add two items with HTMX (no page load), one refused first for a javascript: link.
    page.get_by_label("Heading").fill("Outreach worker job")
    page.get_by_label("Paragraph").fill("Part-time role helping people into work.")
    page.get_by_label("‘Find out more’ link (optional)").fill("javascript:alert(1)")
    page.get_by_role("button", name="Add item").click()
    expect(page.locator("#items .govuk-error-summary")).to_contain_text("Enter a link that starts with https://")
    site.axe_check()
    page.get_by_label("Kind of item").select_option("job")
    page.get_by_label("‘Find out more’ link (optional)").fill("https://example.org/jobs/outreach")
    page.get_by_role("button", name="Add item").click()
    expect(page.locator("#portal-live-region")).to_contain_text("Item ‘Outreach worker job’ added.")
    page.get_by_label("Kind of item").select_option("funding")
    page.get_by_label("Heading").fill("Skills fund open")
    page.get_by_label("Paragraph").fill("Grants for training programmes.")
    page.get_by_role("button", name="Add item").click()
    expect(page.locator("#portal-live-region")).to_contain_text("Item ‘Skills fund open’ added.")
    site.axe_check()

    # Keyboard reordering: focus the button and press Enter.
    page.get_by_role("button", name=re.compile(r"^Move up\W+Skills fund open$")).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#portal-live-region")).to_contain_text("moved up to position 1 of 2")
    expect(page.locator("#items h3").first).to_have_text("Skills fund open")
    site.axe_check()

    # Edit an item in place: the form swaps into the item; the add form keeps what is typed in it.
    page.get_by_label("Heading").fill("Half-typed heading")
    page.get_by_role("link", name=re.compile(r"^Edit\W+Outreach worker job$")).click()
    editor = page.locator("form[hx-post$='/edit']")
    expect(editor.locator("legend")).to_be_focused()
    expect(editor.locator("legend")).to_contain_text("Edit item 2: Outreach worker job")
    site.axe_check()
    editor.get_by_label("Paragraph").fill("")
    editor.get_by_role("button", name="Save item").click()
    expect(editor.locator(".govuk-error-summary")).to_contain_text("Enter a paragraph for the item")
    editor.get_by_label("Paragraph").fill("Twenty hours a week, helping people into work.")
    editor.get_by_label("Heading").fill("Outreach worker (part-time)")
    editor.get_by_role("button", name="Save item").click()
    expect(page.locator("#portal-live-region")).to_contain_text("Item ‘Outreach worker (part-time)’ saved.")
    expect(page.locator("#items li h3")).to_have_text(["Skills fund open", "Outreach worker (part-time)"])
    assert page.locator("#items form[action$='/items']").get_by_label("Heading").input_value() == "Half-typed heading"
    page.get_by_role("link", name=re.compile(r"^Edit\W+Skills fund open$")).click()
    expect(page.locator("form[hx-post$='/edit']")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Cancel\W+editing Skills fund open$")).click()
    expect(page.locator("form[hx-post$='/edit']")).to_have_count(0)
    site.axe_check()

    page.get_by_role("link", name="Preview").click()
    page.wait_for_url("**/preview")
    site.axe_check()
    frame = page.frame_locator("iframe.portal-email-preview")
    expect(frame.get_by_role("heading", name="Employment and skills bulletin: December")).to_be_visible()
    expect(page.locator("pre.portal-plain-text")).to_contain_text("FUNDING OPPORTUNITY: Skills fund open")
    page.get_by_role("link", name="Back to the bulletin").click()
    page.wait_for_url("**/staff/bulletins/*")

    page.get_by_role("link", name="Send or schedule").click()
    page.wait_for_url("**/send")
    site.axe_check()
    expect(page.get_by_text("40 subscribers")).to_be_visible()
    site.submit("Send bulletin")
    # The delivery page polls until every message is sent.
    expect(page.locator('[data-count="sent"]')).to_have_text("40", timeout=30_000)
    expect(page.locator("#delivery").get_by_text("Sending finished")).to_be_visible(timeout=10_000)
    site.axe_check()
    smtp_server.wait_for(40, timeout=15)
    assert len(smtp_server.messages) == 40
    # The delivery page only reads; the scheduler's job (run by the worker) marks the bulletin sent.
    db.session.expire_all()
    services.send_due_bulletins()  # (the worker's run of it may have come first: then nothing is left to do)
    db.session.expire_all()
    bulletin = db.session.query(Bulletin).one()
    assert bulletin.status == "sent"
    site.goto(f"/bulletins/{bulletin.slug}")
    expect(page.get_by_role("heading", name="Skills fund open")).to_be_visible()


def _press(site, action: str, heading: str) -> None:
    """Press an item's button (its name ends with the item's heading, for screen readers)."""
    with site.page.expect_navigation():
        site.page.get_by_role("button", name=re.compile(rf"^{action}\W+{re.escape(heading)}$")).click()
    site.axe_check()


def test_staff_compose_without_javascript(site_without_js, db, smtp_server, worker):
    """The whole composer with plain forms only: add, reorder, edit and remove items,
    preview (web page, e-mail and plain text) and send a test to yourself."""
    topics = mf.topics()
    factories.user(role="staff", email="kwame@example.org", name="Kwame Mensah")
    mf.confirmed_subscribers(3, topics[3].id)
    db.session.commit()
    site = site_without_js
    page = site.page
    site.goto("/login")
    page.get_by_label("Email address").fill("kwame@example.org")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    site.submit("Sign in")

    site.goto("/staff/bulletins")
    page.get_by_role("button", name="Create a bulletin").click()
    page.wait_for_url("**/staff/bulletins/new")
    site.axe_check()
    page.get_by_label("Title").fill("Employment and skills bulletin: January")
    page.get_by_label("Introduction").fill("Happy new year from the partnership.")
    page.get_by_label("Employment and skills bulletin").check()
    site.submit("Create and add items")
    expect(page.get_by_text("3 subscribers")).to_be_visible()

    # A javascript: link is refused on a full page reload, keeping what was typed.
    page.get_by_label("Kind of item").select_option("job")
    page.get_by_label("Heading").fill("Outreach worker job")
    page.get_by_label("Paragraph").fill("Part-time role helping people into work.")
    page.get_by_label("‘Find out more’ link (optional)").fill("javascript:alert(1)")
    site.submit("Add item")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a link that starts with https://")
    assert page.get_by_label("Heading").input_value() == "Outreach worker job"
    page.get_by_label("‘Find out more’ link (optional)").fill("https://example.org/jobs/outreach")
    site.submit("Add item")
    expect(page.get_by_text("Item ‘Outreach worker job’ added.")).to_be_visible()
    for kind, heading, body in (
        ("funding", "Skills fund open", "Grants for training programmes."),
        ("news", "Old news", "This one will be removed."),
    ):
        page.get_by_label("Kind of item").select_option(kind)
        page.get_by_label("Heading").fill(heading)
        page.get_by_label("Paragraph").fill(body)
        site.submit("Add item")
        expect(page.get_by_text(f"Item ‘{heading}’ added.")).to_be_visible()
    expect(page.locator("#items li h3")).to_have_text(["Outreach worker job", "Skills fund open", "Old news"])

    # Reorder with the plain buttons.
    _press(site, "Move up", "Skills fund open")
    expect(page.get_by_text("‘Skills fund open’ moved up to position 1 of 3.")).to_be_visible()
    expect(page.locator("#items li h3")).to_have_text(["Skills fund open", "Outreach worker job", "Old news"])

    # Edit on its own page: a mistake first, then the change.
    page.get_by_role("link", name=re.compile(r"^Edit\W+Outreach worker job$")).click()
    page.wait_for_url("**/items/*/edit")
    site.axe_check()
    expect(page.get_by_role("heading", name="Edit item 2")).to_be_visible()
    page.get_by_label("Heading").fill("Outreach worker (part-time)")
    page.get_by_label("Paragraph").fill("")
    site.submit("Save item")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a paragraph for the item")
    assert page.get_by_label("Heading").input_value() == "Outreach worker (part-time)"
    page.get_by_label("Paragraph").fill("Twenty hours a week, helping people into work.")
    site.submit("Save item")
    expect(page.get_by_text("Item ‘Outreach worker (part-time)’ saved.")).to_be_visible()

    _press(site, "Remove", "Old news")
    expect(page.get_by_text("Item ‘Old news’ removed.")).to_be_visible()
    expect(page.locator("#items li h3")).to_have_text(["Skills fund open", "Outreach worker (part-time)"])

    # Previews: e-mail (HTML and plain text) and web page.
    page.get_by_role("link", name="Preview", exact=True).click()
    page.wait_for_url("**/preview")
    site.axe_check()
    expect(page.locator("pre.portal-plain-text")).to_contain_text("JOB: Outreach worker (part-time)")
    expect(page.locator("pre.portal-plain-text")).not_to_contain_text("Old news")
    frame = page.frame_locator("iframe.portal-email-preview")
    expect(frame.get_by_role("heading", name="Skills fund open")).to_be_visible()
    page.get_by_role("link", name="Preview as a web page").click()
    page.wait_for_url("**/preview/web")
    site.axe_check()
    expect(page.get_by_role("heading", name="Outreach worker (part-time)")).to_be_visible()
    page.get_by_role("link", name="Back to the bulletin").click()
    page.wait_for_url("**/staff/bulletins/*")
    site.axe_check()

    site.submit("Send a test to kwame@example.org")
    expect(page.get_by_text("A test email is on its way to kwame@example.org.")).to_be_visible()
    (message,) = smtp_server.wait_for(1, timeout=15)
    assert message["To"] == "kwame@example.org"
    assert message["Subject"] == "[Test] Employment and skills bulletin: January"
    text = body_of(message)
    assert text.index("Skills fund open") < text.index("Outreach worker (part-time)")
    assert "Old news" not in text and "Find out more: https://example.org/jobs/outreach" in text
    db.session.expire_all()
    assert db.session.query(Bulletin).one().status == "draft"  # a test send changes nothing
    assert len(site.checked) >= 15


def test_staff_change_a_subscribers_topics_without_javascript(site_without_js, db):
    topics = mf.topics()
    factories.user(role="staff", email="kwame@example.org", name="Kwame Mensah")
    mf.subscriber(email="amina@example.org", name="Amina Yusuf", topic_ids=[topics[0].id])
    mf.subscriber(email="waiting@example.org", name="Waiting Person", status="pending", topic_ids=[])
    db.session.commit()
    site = site_without_js
    page = site.page
    site.goto("/login")
    page.get_by_label("Email address").fill("kwame@example.org")
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    site.submit("Sign in")

    site.goto("/staff/mailing-list?q=amina")
    page.get_by_role("link", name="Amina Yusuf").click()
    page.wait_for_url("**/staff/mailing-list/*")
    site.axe_check()
    page.get_by_label("Network news").uncheck()
    site.submit("Save topics")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least one topic")
    page.get_by_label("Events").check()
    page.get_by_label("Funding opportunities").check()
    site.submit("Save topics")
    expect(page.get_by_text("Topics saved for Amina Yusuf.")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Events, Funding opportunities")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Subscribed")

    site.goto("/staff/mailing-list?status=pending")
    page.get_by_role("link", name="Waiting Person").click()
    page.wait_for_url("**/staff/mailing-list/*")
    site.axe_check()
    expect(page.get_by_text("Their topics cannot be changed here because they are not subscribed.")).to_be_visible()
    assert page.get_by_role("button", name="Save topics").count() == 0
