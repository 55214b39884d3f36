"""Toolkit journey in Chromium with axe on every page: staff build a toolkit → two colleagues
of one organisation answer it together (one with JavaScript and autosave, one without, with the
Save button) → check answers → submit → results → publish "You said"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from app.times import LONDON
from tests import factories
from tests.conftest import body_of
from tests.factories.groups import organisation

pytestmark = pytest.mark.e2e


def _fill_date(page, legend: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _add_question(site, section_button: str, kind: str, label: str, **extra) -> None:
    page = site.page
    with page.expect_navigation():
        page.get_by_role("link", name=section_button).first.click()
    site.axe_check()
    page.get_by_label("Type of question").select_option(kind)
    page.get_by_label("Question", exact=True).fill(label)
    if extra.get("required"):
        page.get_by_label("An answer is required").check()
    if "options" in extra:
        page.get_by_label("Options", exact=True).fill(extra["options"])
    if "rank_top" in extra:
        page.get_by_label("How many to rank (optional)").fill(str(extra["rank_top"]))
    if "show_if" in extra:
        page.get_by_label("Show this question only when").select_option(label=extra["show_if"])
    site.submit("Add question")
    expect(page.get_by_text(f"Added the question “{label}”.")).to_be_visible()


def test_build_answer_together_submit_results_and_you_said(site, site_without_js, app, db, smtp_server, worker):
    staff = factories.user(role="staff", email="staff@example.org", name="Kwame Mensah")
    amina = factories.user(email="amina@example.org", name="Amina Hussain")
    joseph = factories.user(email="joseph@example.org", name="Joseph Okafor")
    organisation("Bangla Wellbeing Circle", owner=amina, members=[joseph])
    organisation("Somali Parents Network")  # has not answered
    db.session.commit()
    del staff
    page = site.page
    today = dt.datetime.now(LONDON).date()

    # --- staff build the toolkit ---
    site.sign_in("staff@example.org")
    site.goto("/staff/toolkits")
    with page.expect_navigation():
        page.get_by_role("link", name="Create a blank toolkit").click()
    site.axe_check()
    page.get_by_label("Title").fill("Health mapping 2027")
    _fill_date(page, "Opening date", today)
    _fill_date(page, "Closing date", today + dt.timedelta(days=30))
    page.get_by_label("Published", exact=True).check()
    site.submit("Create toolkit")
    expect(page.get_by_role("heading", name="Health mapping 2027")).to_be_visible()
    _add_question(site, "Add a question to About your organisation", "short_text", "Your name", required=True)
    _add_question(site, "Add a question to About your organisation", "ranking", "Rank the health issues",
                  options="Mental health\nDiabetes\nMaternal health", rank_top=2, required=True)  # fmt: skip
    _add_question(site, "Add a question to About your organisation", "yes_no", "Do you offer mental-health support?")
    _add_question(site, "Add a question to About your organisation", "short_text", "What support do you offer?",
                  show_if="“Do you offer mental-health support?” is answered “Yes”")  # fmt: skip
    # Reorder with HTMX (keyboard-accessible buttons): the ranking question moves to the top.
    item = page.get_by_role("listitem").filter(has_text="Rank the health issues")
    item.get_by_role("button", name=re.compile(r"^Move up")).click()
    expect(page.get_by_text("Moved “Rank the health issues” up to number 1 in its section.")).to_be_visible()
    site.axe_check()
    with page.expect_navigation():
        page.get_by_role("link", name="Preview as a respondent").click()
    site.axe_check()
    expect(page.get_by_role("heading", name="About your organisation")).to_be_visible()

    # --- Amina starts (JavaScript on: autosave) ---
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    site.sign_in("amina@example.org")
    site.goto("/toolkits")
    with page.expect_navigation():
        page.get_by_role("link", name="Health mapping 2027").click()
    site.axe_check()
    with page.expect_navigation():
        page.get_by_role("link", name="Start now").click()
    site.axe_check()
    expect(page.locator(".govuk-task-list__status")).to_have_text("Not started")
    with page.expect_navigation():
        page.get_by_role("link", name="About your organisation").click()
    site.axe_check()
    conditional = page.get_by_label("What support do you offer? (optional)")
    expect(conditional).to_be_hidden()
    page.get_by_label("Your name").fill("Amina Hussain, coordinator")
    page.get_by_label("Your name").press("Tab")
    expect(page.locator("#save-status")).to_contain_text("by Amina Hussain")
    with page.expect_response(lambda r: "/autosave" in r.url and r.status == 200):
        page.get_by_label("Yes", exact=True).check()
    expect(conditional).to_be_visible()
    with page.expect_response(lambda r: "/autosave" in r.url and r.status == 200):
        page.get_by_label("Mental health").select_option("1")
    expect(page.locator("#save-status")).to_contain_text("Last saved")
    site.axe_check()
    task_url = page.url.split("/section/")[0]
    site.goto(task_url.replace("/respond", "/respond") + "?" + page.url.split("?")[1])
    expect(page.locator(".govuk-task-list__status")).to_have_text("In progress")

    # --- Joseph continues the same draft (JavaScript off: the Save button) ---
    other = site_without_js
    other.sign_in("joseph@example.org")
    other.goto("/toolkits")
    with other.page.expect_navigation():
        other.page.get_by_role("link", name="Health mapping 2027").click()
    other.axe_check()
    with other.page.expect_navigation():
        other.page.get_by_role("link", name="Continue").click()
    other.axe_check()
    expect(other.page.get_by_text("by Amina Hussain")).to_be_visible()
    with other.page.expect_navigation():
        other.page.get_by_role("link", name="About your organisation").click()
    other.axe_check()
    expect(other.page.get_by_label("Your name")).to_have_value("Amina Hussain, coordinator")
    # A mistake first: two issues ranked 1 — the error summary, nothing typed lost.
    other.page.get_by_label("Diabetes").select_option("1")
    other.page.get_by_label("What support do you offer? (optional)").fill("Weekly peer support group")
    other.submit("Save and continue")
    expect(other.page.get_by_role("link", name="Give each option a different number")).to_be_visible()
    expect(other.page.get_by_label("What support do you offer? (optional)")).to_have_value("Weekly peer support group")
    other.page.get_by_label("Diabetes").select_option("2")
    other.submit("Save and continue")
    expect(other.page.get_by_role("heading", name="Check your answers")).to_be_visible()
    # (each answer also has its history, folded away under "History of this answer")
    expect(other.page.get_by_text("1. Mental health", exact=True)).to_be_visible()
    expect(other.page.get_by_text("Weekly peer support group", exact=True)).to_be_visible()
    other.submit("Submit answers")
    expect(other.page.get_by_role("heading", name="Answers submitted")).to_be_visible()
    messages = smtp_server.wait_for(1)
    assert messages and "joseph@example.org" in str(messages[0]["To"])
    assert "Weekly peer support group" in body_of(messages[0])

    # --- staff read the results and publish "You said" ---
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    site.sign_in("staff@example.org")
    site.goto("/staff/toolkits")
    with page.expect_navigation():
        page.get_by_role("link", name="Health mapping 2027").click()
    site.axe_check()
    with page.expect_navigation():
        page.get_by_role("link", name="Results").click()
    site.axe_check()
    expect(page.get_by_text("1 of 2 organisations have submitted (50%).")).to_be_visible()
    expect(page.get_by_text("Mental health was ranked first, followed by Diabetes.")).to_be_visible()
    expect(page.get_by_text("Weekly peer support group")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="“You said”").click()
    site.axe_check()
    page.get_by_label("Summary").fill("Thank you to everyone who answered.")
    page.get_by_label("Rank the health issues").check()
    page.get_by_label("Publish the “You said” page").check()
    site.submit("Save")
    expect(page.get_by_text("“This is what you said” has been published.")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    site.goto("/toolkits")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^This is what you said")).click()
    site.axe_check()
    expect(page.get_by_text("This toolkit is still open")).to_be_visible()
    expect(page.get_by_text("Thank you to everyone who answered.")).to_be_visible()
    # One organisation is fewer than the threshold: the question is not shown, free text never.
    expect(page.get_by_text("Weekly peer support group")).to_have_count(0)
    expect(page.get_by_role("link", name="add your answers")).to_be_visible()


FILTER_LABEL = "Theme"


def test_results_filter_with_and_without_javascript(site, site_without_js, app, db):
    """Staff filter the results by theme: with JavaScript the region updates in place (the address
    follows, Back returns to everyone); without it the form's button loads the filtered page."""
    from tests.factories.groups import tag
    from tests.factories.toolkits import questions, small_toolkit
    from tests.toolkits.test_staff import _respond

    factories.user(role="staff", email="staff@example.org", name="Kwame Mensah")
    theme = tag("theme", "Mental health")
    toolkit = small_toolkit()
    for i in range(4):
        user = factories.user()
        org = organisation(f"Group {i}", owner=user, tags=[theme] if i % 2 == 0 else [])
        _respond(db, toolkit, org, user, {questions(toolkit)["Name"].html_id: f"Person {i}"})
    db.session.commit()
    results = f"/staff/toolkits/{toolkit.slug}/results"

    site.sign_in("staff@example.org")
    site.goto(results)
    page = site.page
    expect(page.get_by_text("4 of 4 organisations have submitted (100%).")).to_be_visible()
    with page.expect_response(lambda r: "theme=" in r.url and r.request.headers.get("hx-request") == "true"):
        page.get_by_label(FILTER_LABEL).select_option(label="Mental health")
    expect(page.get_by_text("2 of 2 organisations have submitted (100%).")).to_be_visible()
    expect(page.locator("#portal-live-region")).to_contain_text("Showing organisations tagged Mental health.")
    assert "theme=mental-health" in page.url
    site.axe_check()
    page.go_back()
    expect(page.get_by_text("4 of 4 organisations have submitted (100%).")).to_be_visible()
    site.axe_check()

    other = site_without_js
    other.sign_in("staff@example.org")
    other.goto(results)
    other.page.get_by_label(FILTER_LABEL).select_option(label="Mental health")
    other.submit("Show results")
    expect(other.page.get_by_text("2 of 2 organisations have submitted (100%).")).to_be_visible()
    expect(other.page.get_by_text("Showing organisations tagged “Mental health”.")).to_be_visible()
