"""Account journeys as a new user takes them, in Chromium, with axe on every page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import body_of

pytestmark = pytest.mark.e2e

PASSWORD = "lantern-meadow-copper"
NEW_PASSWORD = "harbour-violet-anchor"


def _link_from_mail(smtp_server, to: str, count: int) -> str:
    smtp_server.wait_for(count, timeout=15)
    messages = smtp_server.to(to)
    assert len(messages) >= count, [m["Subject"] for m in smtp_server.messages]
    return re.search(r"http://127\.0\.0\.1:\d+/\S+", body_of(messages[count - 1])).group(0)


def test_register_confirm_sign_in_and_reset_password(site, smtp_server, worker):
    page = site.page
    site.goto("/")
    page.get_by_role("link", name="Create an account").first.click()
    page.wait_for_url("**/register")
    site.axe_check()

    # A mistake first: the error summary appears and what was typed is kept.
    page.get_by_label("Full name").fill("Amina Yusuf")
    page.get_by_label("Email address").fill("amina@example")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    site.submit("Create account")
    assert page.title().startswith("Error:")
    assert page.get_by_role("alert").get_by_text("There is a problem").is_visible()
    assert page.get_by_label("Full name").input_value() == "Amina Yusuf"

    page.get_by_label("Email address").fill("amina@example.org")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    site.submit("Create account")
    assert page.get_by_role("heading", name="Check your email").is_visible()

    # Read the confirmation e-mail from the SMTP server and open its link.
    site.goto(_link_from_mail(smtp_server, "amina@example.org", 1))
    assert "Your email address is confirmed" in page.content()

    page.get_by_label("Email address").fill("amina@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    site.submit("Sign in")
    assert "You are signed in" in page.content()
    site.goto("/account")
    assert page.get_by_text("Amina Yusuf").first.is_visible()

    # Sign out, then reset the password through the e-mailed link.
    site.submit("Sign out")
    site.goto("/login")
    page.get_by_role("link", name="I have forgotten my password").click()
    page.wait_for_url("**/reset-password")
    site.axe_check()
    page.get_by_label("Email address").fill("amina@example.org")
    site.submit("Send reset link")
    site.goto(_link_from_mail(smtp_server, "amina@example.org", 2))
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    site.submit("Save new password")
    page.get_by_label("Email address").fill("amina@example.org")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    site.submit("Sign in")
    assert "You are signed in" in page.content()
    assert len(site.checked) >= 10


def test_wrong_password_and_static_pages(site):
    page = site.page
    site.goto("/login")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    site.submit("Sign in")
    assert "Enter a correct email address and password" in page.content()
    for path in ("/accessibility", "/privacy", "/no-such-page", "/reset-password/garbage"):
        site.goto(path)


def test_journey_works_without_javascript(site_without_js, app, db):
    from tests import factories

    factories.user(email="nojs@example.org")
    db.session.commit()
    site = site_without_js
    site.goto("/login")
    site.page.get_by_label("Email address").fill("nojs@example.org")
    site.page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    site.submit("Sign in")
    site.goto("/account")
    assert "Your account" in site.page.content()
