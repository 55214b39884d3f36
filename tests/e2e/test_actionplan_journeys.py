"""Action plans in Chromium with axe on every page: staff import → preview → commit →
progress update (HTMX, and without JavaScript) → board report."""

from __future__ import annotations

import datetime as dt
import os
import tempfile

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


# --- issue 20: mapping, theme variants, status swap, board meetings, downloads --------------------

# Screenshots at 1280 and 320 px for a person to look at (E2E_SCREENSHOTS names another folder).
SHOTS = os.environ.get("E2E_SCREENSHOTS", os.path.join(tempfile.gettempdir(), "actionplan-shots"))


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0, f"{page.url} scrolls sideways by {width}px"


def _shoot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        _no_sideways_scroll(page)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    with open(info.value.path(), "rb") as handle:
        return handle.read()


def _upload_2026(site, page) -> None:
    site.goto("/staff/action-plans/import")
    page.get_by_label("Upload a spreadsheet").set_input_files(str(FIXTURES / "council_2026.tsv"))
    page.get_by_label("Title of the new plan").fill("Race equality 2026")
    site.submit("Upload and preview")
    expect(page.get_by_role("heading", name="What each column means")).to_be_visible()


def _import_with_mapping(site, page, db) -> ActionPlan:
    _upload_2026(site, page)
    variant = page.get_by_label("‘Jobs & Skills Council Workforce Development’: merge into ‘Jobs & Skills’?")
    expect(variant).to_be_checked()  # merged by default
    expect(page.locator("#preview-2\\.2")).to_contain_text("Theme in the file: Jobs & Skills Council")
    expect(page.locator("#preview-1\\.1")).to_contain_text("Progress update: “Completed”")
    _shoot(page, "import-preview")
    # Map a column: the benefits column is not wanted in this plan.
    page.locator("#column-4").select_option("ignore")
    site.submit("Update the preview")
    expect(page.locator("#column-4")).to_have_value("ignore")
    expect(page.locator("#changes-summary")).to_contain_text("Themes created: Community safety, Jobs & Skills")
    site.submit("Import 6 actions")
    expect(page.get_by_text("6 actions added")).to_be_visible()
    db.session.expire_all()
    plan = db.session.scalar(select(ActionPlan).where(ActionPlan.title == "Race equality 2026"))
    assert plan is not None
    return plan


def test_import_with_mapping_then_update_board_report_and_downloads(site, app, db):
    import csv
    import io

    from docx import Document
    from openpyxl import load_workbook

    from app.actionplan.models import Action

    factories.user(role="staff", email="staff@example.org", name="Kwame Mensah")
    db.session.commit()
    page = site.page
    site.sign_in("staff@example.org")
    plan = _import_with_mapping(site, page, db)
    assert db.session.scalar(select(Action.wider_benefits).where(Action.number == "1.1")) == ""  # ignored

    # Publish it, with the board's meeting dates.
    last_meeting = dt.date.today() - dt.timedelta(days=20)
    site.goto(f"/staff/action-plans/{plan.id}/edit")
    page.get_by_label("Published").check()
    page.get_by_label("Board meeting dates (optional)").fill(f"01/01/2026\n{last_meeting:%d/%m/%Y}")
    site.submit("Save plan")
    expect(page.get_by_role("link", name=f"/action-plans/{plan.slug}")).to_be_visible()  # a real link
    _shoot(page, "staff-plan")

    # An update that completes the action: the status tag at the top changes in the same swap.
    site.goto(f"/action-plans/{plan.slug}/actions/2.3")
    expect(page.locator("#action-status")).to_contain_text("In progress")
    page.get_by_label("Status after this update").select_option("completed")
    page.get_by_label("What has happened").fill("All twelve placements filled.")
    page.get_by_role("button", name="Add update").click()
    expect(page.locator("#portal-live-region")).to_contain_text("Progress update added to action 2.3.")
    expect(page.locator("#action-status")).to_contain_text("Completed")
    expect(page.locator("#action-status")).not_to_contain_text("In progress")
    site.axe_check()
    _shoot(page, "action")

    # The board report since the last board meeting: only what people reported, not the import.
    site.goto(f"/action-plans/{plan.slug}")
    page.get_by_role("link", name="What changed since the last meeting").click()
    page.wait_for_url("**/report")
    site.axe_check()
    expect(page.get_by_label("Changes since a meeting")).to_have_value(last_meeting.isoformat())
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"What changed since {last_meeting.day}")
    expect(page.get_by_text("1 action with news")).to_be_visible()
    expect(page.get_by_text("All twelve placements filled.")).to_be_visible()
    _shoot(page, "board-report")
    document = Document(io.BytesIO(_download(page, "download it as a Word document (.docx)")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "All twelve placements filled." in text and "Plan refreshed" not in text

    # The downloads open in their readers and are plain text.
    site.goto(f"/action-plans/{plan.slug}")
    rows = list(csv.reader(io.StringIO(_download(page, "Download as CSV").decode("utf-8-sig"))))
    by_number = {r[1]: r for r in rows[1:]}
    assert by_number["1.1"][8] == "N/A" and by_number["2.3"][10] == "Completed"
    assert not any("<" in cell for row in rows for cell in row)
    sheet = load_workbook(io.BytesIO(_download(page, "Download as Excel (.xlsx)"))).worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert isinstance(sheet.cell(row=2, column=13).value, dt.datetime)


def test_mapping_and_keeping_a_theme_apart_without_javascript(site_without_js, app, db):
    from app.actionplan.models import Theme

    factories.user(role="staff", email="staff@example.org")
    db.session.commit()
    site = site_without_js
    page = site.page
    site.sign_in("staff@example.org")
    _upload_2026(site, page)
    page.get_by_label("‘Jobs & Skills Council Workforce Development’: merge into ‘Jobs & Skills’?").uncheck()
    page.get_by_label("Treat ‘and’ and ‘&’ between names as two leads").uncheck()
    site.submit("Update the preview")
    assert "Jobs &amp; Skills Council Workforce Development" in page.content().split("Themes created:")[1][:400]
    site.submit("Import 6 actions")
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Theme.name))) == [
        "Community safety", "Jobs & Skills", "Jobs & Skills Council Workforce Development",
    ]  # fmt: skip
