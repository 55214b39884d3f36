"""Staff dashboard and network report in Chromium with axe on every page (with and without JavaScript)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from playwright.sync_api import expect

from app.db import utcnow
from tests import factories
from tests.factories import events as eh
from tests.factories import groups as gh
from tests.reports import builders as b
from tests.reports.builders import YEAR, when

pytestmark = pytest.mark.e2e


def _data(db) -> None:
    now = utcnow()
    factories.user(role="staff", email="staff@example.org", name="Sam Staff")
    gh.organisation(name="Sylhet Elders Lunch Club", status="pending")
    listed = [gh.organisation() for _ in range(4)]
    meeting = eh.event(days=6, kind="network_meeting", title="Network meeting: spring")
    for _ in range(2):
        eh.registration(meeting, status="waitlisted")
    b.bulletin(now, status="sending", sent=6, failed=1, queued=3).title = "Employment bulletin: March"
    kit = b.toolkit(now - dt.timedelta(days=1), now + dt.timedelta(days=9))
    kit.title = "Mental health mapping"
    b.response(kit, organisation=listed[0], submitted=now)
    plan, theme = b.plan()
    b.action(plan, theme, now - dt.timedelta(weeks=10), [("in_progress", now - dt.timedelta(weeks=10))])
    # Last year's second quarter, for the report.
    org = b.applied_group(when(3, 10), approved=when(4, 15))
    past = b.event(when(5, 20), kind="networking")
    b.registration(past, "attended", organisation_id=org.id)
    b.registration(past, "confirmed")
    b.bulletin(when(5, 2), sent=9, failed=1)
    b.subscriber(confirmed=when(4, 3))
    db.session.commit()


def test_staff_dashboard_and_report(site, db):
    _data(db)
    site.sign_in("staff@example.org")
    page = site.page
    site.goto("/staff")
    expect(page.locator("#queue-applications .portal-queue-count")).to_have_text("1")
    expect(page.locator("#queue-waiting .portal-queue-count")).to_have_text("2")
    expect(page.get_by_text("7 of 10 emails done (70%), 1 failed")).to_be_visible()
    expect(page.get_by_text("1 of 5 groups (20%)")).to_be_visible()

    # Each queue leads to the page that deals with it.
    with page.expect_navigation():
        page.get_by_role("link", name="Applications to review").click()
    site.axe_check()
    expect(page.get_by_text("Sylhet Elders Lunch Club").first).to_be_visible()
    site.goto("/staff")
    with page.expect_navigation():
        page.get_by_role("link", name="Network meeting: spring").click()
    site.axe_check()
    # The stale action's plan opens filtered to the actions that need an update.
    site.goto("/staff")
    with page.expect_navigation():
        page.locator("[id^=stale-plan-] a").click()
    site.axe_check()
    expect(page.get_by_text("1 open action has had no progress update for 6 weeks.")).to_be_visible()
    expect(page.get_by_text("Needs an update")).to_have_count(1)
    with page.expect_navigation():
        page.get_by_role("link", name="Show all actions").click()
    site.axe_check()
    expect(page.get_by_role("link", name="Show only the actions that need an update")).to_be_visible()

    # The report: this quarter by default, then last year's second quarter from the list.
    site.goto("/staff")
    with page.expect_navigation():
        page.get_by_role("link", name="Network report for funders and the board").click()
    site.axe_check()
    page.get_by_label("Quarter").select_option(f"{YEAR}-q2")
    site.submit("Show quarter")
    expect(page.locator("#period")).to_contain_text(f"{YEAR} quarter 2 (1 April {YEAR} to 30 June {YEAR})")
    expect(page.locator("#figure-groups-joined .portal-report-figure")).to_have_text("1")
    expect(page.locator("#figure-delivery-rate .portal-report-figure")).to_have_text("90%")
    expect(page.locator("#figure-attendance-rate .portal-report-figure")).to_have_text("50%")
    expect(page.locator("#chart-bulletins-title")).to_have_text("Emails delivered per bulletin")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Download this report as CSV for {YEAR} quarter 2").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as downloaded:
        rows = list(csv.reader(io.StringIO(downloaded.read())))
    assert ["Bulletins", "Delivery rate", "90"] in [r[:3] for r in rows]

    # Custom dates: a mistake gets a GOV.UK error, then the right dates work.
    page.get_by_text("Choose your own dates").click()
    page.locator("#start-day").fill("31")
    page.locator("#start-month").fill("2")
    page.locator("#start-year").fill(str(YEAR))
    page.locator("#end-day").fill("30")
    page.locator("#end-month").fill("6")
    page.locator("#end-year").fill(str(YEAR))
    site.submit("Show these dates")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The start date must be a real date, like 1 4 2026")
    page.locator("#start-day").fill("1")
    page.locator("#start-month").fill("5")
    site.submit("Show these dates")
    expect(page.locator("#period")).to_contain_text(f"1 May {YEAR} to 30 June {YEAR}")
    expect(page.locator("#figure-events-held .portal-report-figure")).to_have_text("1")


def test_report_without_javascript(site_without_js, db):
    _data(db)
    site = site_without_js
    site.sign_in("staff@example.org")
    site.goto("/staff")
    site.goto(f"/staff/reports?quarter={YEAR}-q2")
    page = site.page
    expect(page.locator("#figure-groups-joined .portal-report-figure")).to_have_text("1")
    page.get_by_text("Choose your own dates").click()
    page.locator("#end-day").fill("1")
    page.locator("#end-month").fill("1")
    page.locator("#end-year").fill(str(YEAR))
    site.submit("Show these dates")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the start date of the period")
