"""Issue 15 as people meet it, in Chromium with axe: signing out ends a copied session; staff see that
a reset e-mail exists but never its link; a removed member's old invitation link says why it is dead.
Two browser contexts where two people (or one person on two devices) share something; every page is
also checked at 320 px for sideways scrolling."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import Checked, _context
from tests.factories.groups import organisation

pytestmark = pytest.mark.e2e


def _fits_a_phone(site: Checked) -> None:
    """At 320 CSS px the page does not scroll sideways (WCAG 1.4.10)."""
    page = site.page
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 720})
    try:
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > "
            "window.innerWidth + 1 && !e.closest('.portal-table-scroll')).slice(0, 5)"
            ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
        )
        assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 320px: {wide}"
    finally:
        page.set_viewport_size(size)


def _second_browser(browser, live_server) -> Checked:
    return Checked(_context(browser, live_server.url, javascript=True).new_page(), live_server.url)


def _signed_in(site: Checked) -> bool:
    site.page.goto(site.base_url + "/account")
    return "/login" not in site.page.url


def test_sign_out_everywhere_ends_the_other_device_and_a_copied_cookie(site, browser, live_server, app, db):
    factories.user(email="amina@example.org", name="Amina Yusuf")
    db.session.commit()
    laptop, phone = site, _second_browser(browser, live_server)
    laptop.sign_in("amina@example.org")
    phone.sign_in("amina@example.org")
    # Someone copies the phone's cookie (a shared computer, a stolen laptop).
    thief = _context(browser, live_server.url, javascript=True)
    thief.add_cookies(phone.page.context.cookies())
    thief_page = thief.new_page()
    thief_page.goto(live_server.url + "/account")
    assert "/account" in thief_page.url

    laptop.goto("/account")
    expect(laptop.page.get_by_text("You are signed in on 2 devices or browsers")).to_be_visible()
    _fits_a_phone(laptop)
    laptop.submit("Sign out everywhere")
    expect(laptop.page.get_by_text("signed out on every device")).to_be_visible()
    assert laptop.page.url.endswith("/login")

    assert not _signed_in(phone)
    thief_page.goto(live_server.url + "/account")
    assert "/login" in thief_page.url
    thief.close()
    phone.page.context.close()


def test_a_copied_cookie_dies_when_its_owner_signs_out(site, browser, live_server, app, db):
    factories.user(email="kofi@example.org", name="Kofi Boateng")
    db.session.commit()
    site.sign_in("kofi@example.org")
    copy = _context(browser, live_server.url, javascript=False)
    copy.add_cookies(site.page.context.cookies())
    copy_page = copy.new_page()
    copy_page.goto(live_server.url + "/account")
    assert "/account" in copy_page.url
    site.submit("Sign out")
    copy_page.goto(live_server.url + "/account")
    assert "/login" in copy_page.url
    copy.close()


def test_staff_see_a_reset_email_exists_but_never_its_link(site, app, db, worker):
    """Capture mode (no MAIL_SERVER): the staff member who asks for the admin's reset cannot use it."""
    factories.user(email="boss@example.org", name="Ayesha Rahman", role="admin")
    factories.user(email="staff@example.org", name="Kwame Mensah", role="staff")
    db.session.commit()
    page = site.page
    site.goto("/reset-password")
    page.get_by_label("Email address").fill("boss@example.org")
    site.submit("Send reset link")
    site.sign_in("staff@example.org")
    site.goto("/staff/mail")
    row = page.get_by_role("row").filter(has_text="boss@example.org")
    expect(row.get_by_role("link", name=re.compile("Reset your password"))).to_be_visible(timeout=15_000)
    _fits_a_phone(site)
    with page.expect_navigation():
        row.get_by_role("link").first.click()
    site.axe_check()
    _fits_a_phone(site)
    expect(page.get_by_text("The link has been removed here")).to_be_visible()
    assert "/reset-password/" not in page.content()
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert not [h for h in hrefs if "/reset-password/" in h]


def test_a_removed_member_finds_their_old_invitation_link_dead(site, browser, live_server, app, db, smtp_server):
    owner = factories.user(email="owner@example.org", name="Nasreen Begum")
    factories.user(email="bilal@example.org", name="Bilal Ahmed")
    org = organisation("Tower Hamlets Somali Parents", owner=owner)
    db.session.commit()
    site.sign_in("owner@example.org")
    site.goto(f"/my-group/{org.id}")
    site.page.get_by_label("Email address").fill("bilal@example.org")
    site.submit("Send invitation")
    expect(site.page.get_by_text("Invitation sent to bilal@example.org")).to_be_visible()
    _fits_a_phone(site)

    from sqlalchemy import select

    from app.mail.models import OutboxMessage

    body = db.session.scalars(select(OutboxMessage.body_text).where(OutboxMessage.to_addr == "bilal@example.org")).one()
    link = re.search(r"https?://\S+/groups/join/\S+", body).group(0)
    path = "/" + link.split("/", 3)[3]

    bilal = _second_browser(browser, live_server)
    bilal.sign_in("bilal@example.org")
    bilal.goto(path)
    bilal.submit("Accept the invitation")
    expect(bilal.page.get_by_text("You are now a member of Tower Hamlets Somali Parents")).to_be_visible()

    site.goto(f"/my-group/{org.id}")
    with site.page.expect_navigation():
        site.page.get_by_role("link", name=re.compile("^Remove")).click()
    site.axe_check()  # removing someone asks first
    with site.page.expect_navigation():
        site.page.get_by_role("button", name="Yes, remove Bilal Ahmed").click()
    site.axe_check()
    expect(site.page.get_by_text("Bilal Ahmed has been removed")).to_be_visible()

    bilal.goto(path)
    expect(bilal.page.get_by_text("You were removed from Tower Hamlets Somali Parents")).to_be_visible()
    _fits_a_phone(bilal)
    bilal.page.context.close()


def test_a_refused_htmx_form_says_why_and_keeps_what_was_typed(site, app, db):
    """With JavaScript the registration form is sent by htmx, which does not swap in a 400 or a 429:
    the refusal must still be shown, above the form, with the typed values kept."""
    from tests.factories import events as eh

    event = eh.event(title="Networking lunch", capacity=30)
    busy = eh.event(title="Busy lunch", capacity=30)
    db.session.commit()
    app.config["RATELIMIT_EVENT_REGISTRATION"] = "2 per minute"
    page = site.page
    site.goto(f"/events/{event.slug}/register")
    page.get_by_label("Full name").first.fill("Amina\x00 Yusuf")
    page.get_by_label("Email address", exact=True).fill("amina@example.org")
    page.get_by_role("button", name="Register").click()
    alert = page.locator(".portal-request-error")
    expect(alert).to_contain_text("null character")
    expect(alert).to_be_focused()
    assert page.get_by_label("Email address", exact=True).input_value() == "amina@example.org"
    site.axe_check()
    _fits_a_phone(site)
    page.get_by_label("Full name").first.fill("Amina Yusuf")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You're registered")).to_be_visible()
    expect(page.locator(".portal-request-error")).to_have_count(0)

    # Too many attempts at one event from one address: the wait is said, the form keeps its values.
    site.goto(f"/events/{busy.slug}/register")
    page.get_by_label("Full name").first.fill("Bilal Ahmed")
    for _ in range(3):
        page.get_by_label("Email address", exact=True).fill("not-an-address")
        page.get_by_role("button", name="Register").click()
        page.wait_for_load_state("networkidle")
    alert = page.locator(".portal-request-error")
    expect(alert).to_contain_text("Too many attempts")
    expect(alert).to_contain_text("then try again")
    assert page.get_by_label("Full name").first.input_value() == "Bilal Ahmed"
    site.axe_check()
