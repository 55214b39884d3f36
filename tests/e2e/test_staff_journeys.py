"""Staff journeys in Chromium with axe: inline role changes with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.auth.models import User
from tests import factories

pytestmark = pytest.mark.e2e


def test_admin_manages_users_with_htmx(site, app, db):
    factories.user(role="admin", email="admin@example.org", name="Ayesha Rahman")
    member = factories.user(email="farah@example.org", name="Farah Ahmed")
    db.session.commit()
    site.sign_in("admin@example.org")
    page = site.page
    for path in ("/staff", "/staff/audit", "/staff/mail", "/staff/invitations"):
        site.goto(path)
    site.goto("/staff/users")

    # Live search narrows the table without a page load, and the URL is shareable.
    page.get_by_label("Search by name or email").fill("farah")
    page.wait_for_url("**/staff/users?q=farah*")
    expect(page.locator("#users-table tbody tr")).to_have_count(1)
    site.axe_check()

    row = page.locator(f"#user-{member.id}")
    row.get_by_label("Role for Farah Ahmed").select_option("staff")
    row.get_by_role("button", name="Change role for Farah Ahmed").click()
    page.locator(f"#user-{member.id}").get_by_text("Farah Ahmed is now staff.").wait_for()
    expect(page.locator("#portal-live-region")).to_contain_text("Farah Ahmed is now staff.")
    site.axe_check()
    db.session.expire_all()
    assert db.session.get(User, member.id).role == "staff"

    page.locator(f"#user-{member.id}").get_by_role("button", name="Deactivate Farah Ahmed").click()
    page.locator(f"#user-{member.id}").get_by_text("Deactivated", exact=True).wait_for()
    site.axe_check()
    db.session.expire_all()
    assert db.session.get(User, member.id).active is False


def test_admin_changes_role_without_javascript(site_without_js, app, db):
    factories.user(role="admin", email="admin@example.org")
    member = factories.user(email="kofi@example.org", name="Kofi Boateng")
    db.session.commit()
    site = site_without_js
    site.sign_in("admin@example.org")
    site.goto("/staff/users?q=kofi")
    row = site.page.locator(f"#user-{member.id}")
    row.get_by_label("Role for Kofi Boateng").select_option("admin")
    with site.page.expect_navigation():
        row.get_by_role("button", name="Change role for Kofi Boateng").click()
    site.axe_check()
    assert "Kofi Boateng is now administrator." in site.page.content()
    db.session.expire_all()
    assert db.session.get(User, member.id).role == "admin"
