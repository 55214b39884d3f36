"""Action plans in Chromium with axe on every page: staff import → preview → commit →
progress update (HTMX, and without JavaScript) → board report."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.actionplan.models import ActionPlan, ProgressUpdate
from tests import factories
from tests.actionplan.conftest import FIXTURES

pytestmark = pytest.mark.e2e


def test_staff_import_preview_commit_update_and_board_report(site, app, db):
    factories.user(role="staff", email="staff@example.org", name="Kwame Mensah")
    db.session.commit()
    page = site.page
    site.sign_in("staff@example.org")

    site.goto("/staff/action-plans")
    page.get_by_role("link", name="Import a spreadsheet").click()
    page.wait_for_url("**/staff/action-plans/import")
    site.axe_check()

    # A mistake first: no file chosen.
    site.submit("Upload and preview")
    expect(page.get_by_role("alert")).to_contain_text("Choose a CSV, TSV or Excel (.xlsx) file")

    page.get_by_label("Upload a spreadsheet").set_input_files(str(FIXTURES / "council_messy.tsv"))
    page.get_by_label("Title of the new plan").fill("Race Equality Action Plan")
    site.submit("Upload and preview")
    expect(page.get_by_role("heading", name="Check the import before saving")).to_be_visible()
    expect(page.get_by_text("Row 12: Numbering jumps from 3.2 to 3.4")).to_be_visible()
    expect(page.get_by_role("table", name="Education (3 actions)")).to_be_visible()

    site.submit("Import 8 actions")
    expect(page.get_by_text("8 actions added")).to_be_visible()
    plan = db.session.scalar(select(ActionPlan))
    assert plan.title == "Race Equality Action Plan"

    # Publish it, then read it as the public would.
    site.goto(f"/staff/action-plans/{plan.id}/edit")
    page.get_by_label("Published").check()
    site.submit("Save plan")
    site.goto(f"/action-plans/{plan.slug}")
    expect(page.get_by_role("heading", name="Council workforce and culture")).to_be_visible()

    # Filters swap the list with HTMX and give a shareable URL.
    page.get_by_label("Lead officer").select_option("Lena Kowalski")
    page.wait_for_url("**officer=Lena+Kowalski*")
    expect(
        page.locator("#plan-actions").get_by_text("3 of 8 actions shown")
    ).to_be_visible()  # the live region repeats it
    site.axe_check()

    page.get_by_role("link", name="3.1 Hate crime reporting centres").click()
    page.wait_for_url("**/actions/3.1")
    site.axe_check()

    # A progress update, added inline.
    page.get_by_label("Day").fill(str(dt.date.today().day))
    page.get_by_label("Month").fill(str(dt.date.today().month))
    page.get_by_label("Year").fill(str(dt.date.today().year))
    page.get_by_label("Status after this update").select_option("in_progress")
    page.get_by_label("What has happened").fill("Two reporting centres opened in libraries.")
    page.get_by_role("button", name="Add update").click()
    expect(page.locator("#portal-live-region")).to_contain_text("Progress update added to action 3.1.")
    expect(page.locator("#action-timeline")).to_contain_text("Two reporting centres opened in libraries.")
    expect(page.locator("#action-timeline")).to_contain_text("changed from Not started to")
    site.axe_check()
    db.session.expire_all()
    assert db.session.scalar(select(ProgressUpdate.body).where(ProgressUpdate.source == "manual")) == (
        "<p>Two reporting centres opened in libraries.</p>"
    )

    # The board report for the meeting.
    since = (dt.date.today() - dt.timedelta(days=7)).isoformat()
    site.goto(f"/action-plans/{plan.slug}/report?since={since}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("What changed since")
    expect(page.get_by_text("Two reporting centres opened in libraries.")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Show changes")).to_be_hidden()
    page.emulate_media(media="screen")


def test_lead_officer_adds_an_update_without_javascript(site_without_js, app, db):
    from app.actionplan.importing.apply import apply_import
    from app.actionplan.importing.plan import parse_file
    from app.actionplan.models import Action

    officer = factories.user(email="lena@example.org", name="Lena Kowalski")
    plan = ActionPlan(title="Plan", slug="plan", status="published", visibility="members")
    apply_import(parse_file((FIXTURES / "council_messy.tsv").read_bytes(), "council_messy.tsv"), plan)
    db.session.flush()
    action = db.session.scalar(select(Action).where(Action.number == "3.2").options(selectinload(Action.lead_users)))
    action.lead_users = [officer]
    db.session.commit()
    site = site_without_js
    site.sign_in("lena@example.org")
    site.goto("/action-plans/plan/actions/3.2")
    site.page.get_by_label("What has happened").fill("Cadets trained")
    site.page.get_by_label("Status after this update").select_option("completed")
    site.submit("Add update")
    assert "Progress update added to action 3.2." in site.page.content()
    site.goto("/action-plans/plan/actions/3.1")
    assert site.page.get_by_label("What has happened").count() == 0  # not their action
    site.goto("/action-plans/plan?status=completed")
    assert "1 of 8 actions shown" in site.page.content()
