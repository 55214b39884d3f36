"""The whole-site sweep (tests/sweep) in Chromium, kept here to share the e2e session's browser:
one URL per distinct page template reachable by each role, with axe (WCAG 2.0/2.1/2.2 A and AA) on
each; and hostile values typed into real forms never run as script."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.auth.demo import DEMO_USERS
from tests.e2e.conftest import Checked, _context
from tests.sweep import support

pytestmark = pytest.mark.e2e

PASSWORDS = {email: password for email, _name, _role, password in DEMO_USERS}


@pytest.fixture
def demo(app, db):
    support.seed_demo()
    return db


def pages_by_template(app, client, role: str) -> dict[str, str]:
    """One URL for each page template `role` reaches (full pages only: fragments have no <html>)."""
    visits, _ = support.sweep(app, client, role)
    pages: dict[str, str] = {}
    for visit in visits:
        if visit.status == 200 and visit.template and visit.body and "<html" in visit.body[:500]:
            pages.setdefault(visit.template, visit.route.url)
    return pages


def sign_in(checked: Checked, role: str) -> None:
    email = support.ROLE_EMAILS[role]
    checked.sign_in(email, PASSWORDS[email])


@pytest.mark.parametrize("role", support.ROLES)
def test_every_page_template_passes_axe_for_each_role(app, client, demo, browser, live_server, role):
    pages = pages_by_template(app, client, role)
    assert len(pages) >= 15, pages
    context = _context(browser, live_server.url, javascript=True)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    checked = Checked(page, live_server.url)
    try:
        if role != "anonymous":
            sign_in(checked, role)
        for template, url in sorted(pages.items()):
            response = page.goto(live_server.url + url)
            assert response is not None and response.status == 200, (role, template, url, response and response.status)
            checked.axe_check()
    finally:
        context.close()
    assert errors == [], errors
    assert len(checked.checked) >= len(pages)


HOSTILE_NAME = '"><img src=x onerror=alert(1)><script>alert("xss")</script>'


def test_hostile_values_typed_into_forms_never_run(site, app, demo, live_server):
    """A representative set of public and member forms, filled in Chromium: no dialog ever opens,
    and the values come back as text."""
    dialogs: list[str] = []
    page = site.page
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # Anonymous: the mailing list and an event registration.
    site.goto("/mailing-list")
    page.get_by_label("Email address").fill("hostile@example.org")
    page.locator("input[name=name]").fill(HOSTILE_NAME)
    page.locator("input[name=organisation_name]").fill("javascript:alert(1)")
    page.locator("form[method=post] button[type=submit], form[method=post] input[type=submit]").last.click()
    page.wait_for_load_state("load")
    site.axe_check()

    register = next(r.url for r in support.get_routes(app) if r.endpoint == "events.register")
    site.goto(register)
    page.locator("input[name=name]").fill(HOSTILE_NAME)
    page.locator("input[name=email]").fill("hostile.guest@example.org")
    page.locator("input[name=organisation_name]").fill('"><img src=x onerror=alert(1)>')
    page.locator("textarea[name=access_needs]").fill("<script>alert(1)</script>\u202egpj.exe")
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state("load")
    site.axe_check()
    expect(page.locator("body")).not_to_contain_text("Sorry, there is a problem with the service")

    # A member: their name (shown in the header menu and on pages) and their group's description.
    site.goto("/login")
    page.get_by_label("Email address").fill("member@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORDS["member@example.org"])
    site.submit("Sign in")
    site.goto("/account/name")
    page.locator("input[name=name]").fill(HOSTILE_NAME)
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state("load")
    site.axe_check()
    site.goto("/account")
    expect(page.locator("main")).to_contain_text('"><img src=x onerror=alert(1)>')
    org_id = support.RESOLVERS[("*", "org_id")]()
    assert dialogs == [], dialogs
    site.goto(f"/my-group/{org_id}/edit")
    page.locator("textarea[name=description]").fill(HOSTILE_NAME + " We support families.")
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state("load")
    site.axe_check()
    site.goto(f"/my-group/{org_id}")
    site.submit("Sign out")

    # Staff see the stored values on their pages.
    site.goto("/login")
    page.get_by_label("Email address").fill("staff@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORDS["staff@example.org"])
    site.submit("Sign in")
    for path in ("/staff/mailing-list", "/staff/users", f"/staff/groups/{org_id}", "/staff/audit"):
        site.goto(path)
    assert dialogs == [], dialogs
