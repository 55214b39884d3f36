"""Two members of one group edit the same toolkit section at once, in two real Chromium contexts
(issue 16 §1), axe on every page: the same question (with JavaScript: autosave; without: the Save
button), different questions, and multiple choice. No answer is lost and every conflict is shown
with both answers and the choice of which to keep."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db as _db
from app.toolkits.models import Answer
from tests import factories
from tests.e2e.conftest import Checked, _context
from tests.factories.groups import organisation
from tests.factories.toolkits import questions, sections, small_toolkit

pytestmark = pytest.mark.e2e

SHOTS = Path("/work/wt/_notes/i16-shots")


@pytest.fixture
def colleague(browser, live_server):
    """A second JavaScript browser context (the `site` fixture is the first)."""
    context = _context(browser, live_server.url, javascript=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield Checked(page, live_server.url)
    context.close()
    assert errors == []


@pytest.fixture
def group(db):
    toolkit = small_toolkit()
    amina = factories.user(name="Amina Hussain", email="amina@example.org")
    bilal = factories.user(name="Bilal Ahmed", email="bilal@example.org")
    org = organisation("Bangla Wellbeing Circle", owner=amina, members=[bilal])
    db.session.commit()
    section = f"/toolkits/{toolkit.slug}/respond/section/{sections(toolkit)[0].id}?org={org.id}"
    return toolkit, section, f"/toolkits/{toolkit.slug}/respond/check?org={org.id}"


def _stored(toolkit, label: str) -> list[str]:
    _db.session.rollback()  # see what the live server committed
    question = questions(toolkit)[label]
    rows = _db.session.scalars(select(Answer).where(Answer.question_id == question.id).order_by(Answer.id)).all()
    return question.kind.display(rows)


def _autosaved(site, action, status: int = 200) -> None:
    with site.page.expect_response(lambda r: "/autosave" in r.url and r.status == status):
        action()


def _shot(site, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    site.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fits_320(site) -> None:
    site.page.set_viewport_size({"width": 320, "height": 800})
    assert site.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_same_question_both_with_javascript(site, colleague, group):
    toolkit, section, _check = group
    amina, bilal = site, colleague
    amina.sign_in("amina@example.org")
    bilal.sign_in("bilal@example.org")
    amina.goto(section)
    bilal.goto(section)  # Bilal's page is drawn before Amina types

    story_a = amina.page.get_by_label("Story (optional)")
    story_a.fill("Sylheti, Bengali")
    _autosaved(amina, lambda: story_a.press("Tab"))
    expect(amina.page.locator("#save-status")).to_contain_text("by Amina Hussain")

    story_b = bilal.page.get_by_label("Story (optional)")
    story_b.fill("Urdu")
    _autosaved(bilal, lambda: story_b.press("Tab"), status=422)
    summary = bilal.page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Amina Hussain changed “Story” at")
    expect(summary).to_contain_text("while you were editing. Choose which answer to keep")
    expect(summary).to_be_focused()
    conflict = bilal.page.locator(".toolkit-conflict")
    expect(conflict).to_contain_text("Amina Hussain’s answer")
    expect(conflict).to_contain_text("Sylheti, Bengali")
    expect(conflict).to_contain_text("Your answer")
    expect(bilal.page.get_by_label("Story (optional)")).to_have_value("Urdu")  # nothing typed is lost
    expect(bilal.page.locator(".toolkit-presence")).to_contain_text("Amina Hussain is also editing this section")
    bilal.axe_check()
    _shot(bilal, "conflict-js-1280")
    _fits_320(bilal)
    _shot(bilal, "conflict-js-320")
    bilal.page.set_viewport_size({"width": 1280, "height": 800})
    assert _stored(toolkit, "Story") == ["Sylheti, Bengali"]

    _autosaved(bilal, lambda: bilal.page.get_by_label("Keep Amina Hussain’s answer").check())
    expect(bilal.page.get_by_text("Kept your colleague’s answer to “Story”.")).to_be_visible()
    expect(bilal.page.locator(".govuk-error-summary")).to_have_count(0)
    expect(bilal.page.get_by_label("Story (optional)")).to_have_value("Sylheti, Bengali")
    bilal.axe_check()
    assert _stored(toolkit, "Story") == ["Sylheti, Bengali"]

    # Bilal goes on editing: no further conflict, and Amina sees him in the section.
    people = bilal.page.get_by_label("People (optional)")
    people.fill("40")
    _autosaved(bilal, lambda: people.press("Tab"))
    name = amina.page.get_by_label("Name")
    name.fill("Amina Hussain")
    _autosaved(amina, lambda: name.press("Tab"))
    expect(amina.page.locator(".toolkit-presence")).to_contain_text("Bilal Ahmed is also editing this section")
    _shot(amina, "presence-js-1280")
    assert _stored(toolkit, "People") == ["40"] and _stored(toolkit, "Name") == ["Amina Hussain"]


def test_same_question_without_javascript_then_history_and_restore(site, site_without_js, group):
    toolkit, section, check = group
    amina, bilal = site, site_without_js
    amina.sign_in("amina@example.org")
    bilal.sign_in("bilal@example.org")
    amina.goto(section)
    bilal.goto(section)

    story = amina.page.get_by_label("Story (optional)")
    story.fill("Sylheti, Bengali")
    _autosaved(amina, lambda: story.press("Tab"))

    bilal.page.get_by_label("Story (optional)").fill("Urdu")
    bilal.submit("Save and come back later")
    expect(bilal.page.locator(".govuk-error-summary")).to_contain_text("Amina Hussain changed “Story”")
    expect(bilal.page.locator(".toolkit-conflict")).to_contain_text("Sylheti, Bengali")
    expect(bilal.page.get_by_label("Story (optional)")).to_have_value("Urdu")
    assert bilal.page.title().startswith("Error: ")
    _shot(bilal, "conflict-nojs-1280")
    bilal.submit("Save and come back later")  # no choice made: still asked
    expect(bilal.page.locator(".govuk-error-summary")).to_contain_text("Choose which answer to keep")
    bilal.page.get_by_label("Use my answer (as it is below)").check()
    bilal.submit("Save and come back later")
    expect(bilal.page.get_by_text("Kept your answer to “Story”.")).to_be_visible()
    assert _stored(toolkit, "Story") == ["Urdu"]

    # Amina reads the history on "Check your answers" and restores her version.
    amina.goto(check)
    amina.page.get_by_text("History of this answer").first.click()
    history = amina.page.locator("#history-" + questions(toolkit)["Story"].html_id)
    expect(history).to_contain_text("Bilal Ahmed")
    expect(history).to_contain_text("From: Sylheti, Bengali")
    expect(history).to_contain_text("To: Urdu")
    amina.axe_check()
    _shot(amina, "history-1280")
    _fits_320(amina)
    _shot(amina, "history-320")
    amina.page.set_viewport_size({"width": 1280, "height": 800})
    amina.submit("Restore this version of “Story” (Sylheti, Bengali)")
    expect(amina.page.get_by_text("The answer to “Story” is back to the version saved")).to_be_visible()
    assert _stored(toolkit, "Story") == ["Sylheti, Bengali"]


def test_different_questions_with_and_without_javascript(site, site_without_js, group):
    toolkit, section, _check = group
    amina, bilal = site, site_without_js
    amina.sign_in("amina@example.org")
    bilal.sign_in("bilal@example.org")
    amina.goto(section)
    bilal.goto(section)
    name = amina.page.get_by_label("Name")
    name.fill("Amina Hussain")
    _autosaved(amina, lambda: name.press("Tab"))
    bilal.page.get_by_label("People (optional)").fill("40")
    bilal.submit("Save and come back later")
    expect(bilal.page.get_by_text("Your answers to “Everything” have been saved.")).to_be_visible()
    assert _stored(toolkit, "Name") == ["Amina Hussain"]
    assert _stored(toolkit, "People") == ["40"]


def test_multiple_choice_both_with_javascript_merge(site, colleague, group):
    toolkit, section, _check = group
    amina, bilal = site, colleague
    amina.sign_in("amina@example.org")
    bilal.sign_in("bilal@example.org")
    amina.goto(section)
    bilal.goto(section)
    _autosaved(amina, lambda: amina.page.get_by_label("Advice").check())
    _autosaved(bilal, lambda: bilal.page.get_by_label("Befriending").check())
    # Bilal's page now shows Amina's tick too (the question came back merged).
    expect(bilal.page.get_by_label("Advice")).to_be_checked()
    expect(bilal.page.get_by_label("Befriending")).to_be_checked()
    bilal.axe_check()
    assert _stored(toolkit, "Work") == ["Advice", "Befriending"]
    # Amina removes Advice on her (older) page: Bilal's Befriending stays.
    _autosaved(amina, lambda: amina.page.get_by_label("Advice").uncheck())
    assert _stored(toolkit, "Work") == ["Befriending"]


def test_multiple_choice_without_javascript_merge(site, site_without_js, group):
    toolkit, section, _check = group
    amina, bilal = site, site_without_js
    amina.sign_in("amina@example.org")
    bilal.sign_in("bilal@example.org")
    amina.goto(section)
    bilal.goto(section)
    _autosaved(amina, lambda: amina.page.get_by_label("Advice").check())
    bilal.page.get_by_label("Cooking").check()
    bilal.submit("Save and come back later")
    expect(bilal.page.get_by_text("Your answers to “Everything” have been saved.")).to_be_visible()
    assert _stored(toolkit, "Work") == ["Advice", "Cooking"]


def test_published_findings_disclosure_check_and_compare_walk(site, app, db):
    """The demo's "You said" (a snapshot, figures protected), the disclosure check staff see before
    publishing, the results page with reminders and exports, and a cross-tabulation, at 1280 and 320 px."""
    from app.toolkits.demo import DEMO_SLUG

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    factories.user(role="staff", email="walker@example.org", name="Kwame Mensah")
    db.session.commit()
    page = site.page
    site.goto(f"/toolkits/{DEMO_SLUG}/you-said")
    expect(page.get_by_text("Mental health was ranked first, closely followed by Diabetes.")).to_be_visible()
    expect(page.get_by_text("Based on 30 responses received by")).to_be_visible()
    _shot(site, "you-said-1280")
    _fits_320(site)
    _shot(site, "you-said-320")
    page.set_viewport_size({"width": 1280, "height": 800})
    site.sign_in("walker@example.org")
    site.goto(f"/staff/toolkits/{DEMO_SLUG}/you-said")
    expect(page.get_by_role("heading", name="Disclosure check")).to_be_visible()
    _shot(site, "disclosure-check-1280")
    _fits_320(site)
    _shot(site, "disclosure-check-320")
    page.set_viewport_size({"width": 1280, "height": 800})
    site.goto(f"/staff/toolkits/{DEMO_SLUG}/results")
    expect(page.locator("#reminder-reach")).to_contain_text("A reminder would go to")
    expect(page.locator("#export-scope")).to_contain_text("drafts are left out")
    _shot(site, "results-1280")
    with page.expect_navigation():
        page.get_by_role("link", name="Compare the answers to two questions").click()
    site.axe_check()
    page.get_by_label("Rows: answers to").select_option(index=1)
    page.get_by_label("Columns: answers to").select_option(index=2)
    site.submit("Compare")
    expect(page.locator("#crosstab-caption")).to_be_visible()
    _shot(site, "compare-1280")
    _fits_320(site)
    _shot(site, "compare-320")
