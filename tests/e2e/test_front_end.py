"""Issue 21 §2, §3, §5 in Chromium: no layout jump on a phone, GOV.UK typography for rich text and link
buttons, and htmx swaps that keep the CSP console clean, say "Error: " in the title and move a focus
that can be seen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.factories import events as event_factories
from tests.factories import toolkits as toolkit_factories
from tests.factories.groups import organisation

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SERVICE = "Community Network Portal"
GOVUK_FONT = "system-ui"

# Layout shifts of the page so far (buffered entries include those before this script ran).
CLS = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({ type: "layout-shift", buffered: true });
  window.setTimeout(() => resolve(total), 500);
})"""

# Every CSP violation on every page of the context, read back with VIOLATIONS.
RECORD_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (event) => {
  window.portalCspViolations = window.portalCspViolations || [];
  window.portalCspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});"""
VIOLATIONS = "() => window.portalCspViolations || []"

# The lowest contrast against white of the colours that draw the focused element's indicator (outline
# and box-shadow); WCAG 1.4.11 asks 3:1 of at least one of them, so the best is returned.
FOCUS_CONTRAST = """() => {
  const style = getComputedStyle(document.activeElement);
  const colours = `${style.outlineStyle === "none" ? "" : style.outlineColor} ${style.boxShadow}`
    .match(/rgba?\\([^)]*\\)/g) || [];
  const luminance = (rgb) => {
    const [r, g, b] = rgb.map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let best = 1;
  for (const colour of colours) {
    const parts = colour.match(/[\\d.]+/g).map(Number);
    if (parts.length === 4 && parts[3] === 0) continue; // transparent
    best = Math.max(best, 1.05 / (luminance(parts.slice(0, 3)) + 0.05));
  }
  return best;
}"""


def _no_violations(page) -> None:
    assert page.evaluate(VIOLATIONS) == []


def test_key_pages_do_not_jump_on_a_phone(site, db):
    event = event_factories.event(title="Health partnership meeting")
    db.session.commit()
    site.page.set_viewport_size(PHONE)
    for path in ("/", "/groups", "/events", "/login", f"/events/{event.slug}"):
        site.goto(path)
        assert site.page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
        shift = site.page.evaluate(CLS)
        assert shift < 0.05, (path, shift)


def test_rich_text_and_link_buttons_use_govuk_typography(site, db):
    factories.user(role="staff", email="staff@example.org")
    toolkit = toolkit_factories.small_toolkit(status="draft")
    description = (
        "<h2>What to expect</h2><p>An afternoon with <a href='https://example.org'>partners</a>.</p>"
        "<ul><li>Talks</li><li>Lunch</li></ul><blockquote><p>Best meeting yet.</p></blockquote>"
        "<table><tr><th scope='col'>Time</th></tr><tr><td>2pm</td></tr></table>"
    )
    event = event_factories.event(description=description)
    db.session.commit()
    page = site.page

    site.goto(f"/events/{event.slug}")
    rich = page.locator(".portal-rich-text")
    for selector in ("p", "li", "h2", "a", "td", "blockquote"):
        font = rich.locator(selector).first.evaluate("e => getComputedStyle(e).fontFamily")
        assert font.startswith(GOVUK_FONT), (selector, font)
    assert rich.locator("h2").evaluate("e => getComputedStyle(e).fontWeight") == "700"
    assert rich.locator("ul").evaluate("e => getComputedStyle(e).listStyleType") == "disc"
    assert rich.locator("a").evaluate("e => getComputedStyle(e).color") == "rgb(26, 101, 166)"
    assert rich.locator("td").evaluate("e => getComputedStyle(e).borderBottomStyle") == "solid"

    site.sign_in("staff@example.org")
    site.goto(f"/staff/toolkits/{toolkit.slug}")
    buttons = page.locator("main .portal-link-button")
    assert buttons.count() > 1
    for index in range(buttons.count()):
        style = buttons.nth(index).evaluate(
            "e => [getComputedStyle(e).fontFamily, getComputedStyle(e).fontSize, getComputedStyle(e).color]"
        )
        assert style == [style[0], "19px", "rgb(26, 101, 166)"] and style[0].startswith(GOVUK_FONT), style


def test_htmx_swaps_keep_the_csp_console_clean_and_update_the_title(site, db):
    factories.user(role="staff", email="staff@example.org", name="Kwame Mensah")
    factories.user(email="farah@example.org", name="Farah Ahmed")
    organisation("Hackney Health Forum")
    db.session.commit()
    page = site.page
    page.context.add_init_script(RECORD_VIOLATIONS)

    # Directory live search: the swapped-in results bring the title a full load of the same URL has.
    site.goto("/groups")
    with page.expect_response(lambda r: "/groups?" in r.url):
        page.get_by_label("Search groups").fill("Hackney")
    expect(page.locator("#results-count")).to_contain_text("for ‘Hackney’")
    assert page.title() == f"Hackney – Find a community group – {SERVICE}"
    swapped_title = page.title()
    _no_violations(page)
    site.goto("/groups?q=Hackney")
    assert page.title() == swapped_title

    # Staff users filter.
    site.sign_in("staff@example.org")
    site.goto("/staff/users")
    with page.expect_response(lambda r: "/staff/users?" in r.url):
        page.get_by_label("Search by name or email").fill("Farah")
    expect(page.locator("#users-table")).to_contain_text("Farah Ahmed")
    expect(page.locator("#users-table")).not_to_contain_text("Kwame Mensah")
    site.axe_check()
    _no_violations(page)


def test_error_swap_says_error_in_the_title_and_focuses_a_visible_summary(site, db):
    event = event_factories.event(title="Health partnership meeting")
    db.session.commit()
    page = site.page
    page.context.add_init_script(RECORD_VIOLATIONS)

    site.goto(f"/events/{event.slug}/register")
    title = page.title()
    assert not title.startswith("Error:")
    with page.expect_response(lambda r: r.status == 422):
        page.get_by_role("button", name="Register", exact=True).click()
    summary = page.locator("#registration-box .govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    page.wait_for_function("document.title.startsWith('Error: ')")
    assert page.title() == f"Error: {title}"
    assert page.evaluate(FOCUS_CONTRAST) >= 3
    site.axe_check()

    # Put right, the title loses "Error: " and the confirmation takes a focus that can be seen.
    page.get_by_label("Full name").first.fill("Farah Ahmed")
    page.get_by_label("Email address", exact=True).fill("farah@example.org")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.locator("#registration-box .govuk-error-summary")).to_have_count(0)
    expect(page.locator("#registration-box")).to_be_focused()
    page.wait_for_function(f"document.title === {title!r}")
    assert page.evaluate(FOCUS_CONTRAST) >= 3
    _no_violations(page)


def test_agenda_item_error_and_confirmation_take_a_visible_focus(site, db):
    factories.user(role="staff", email="staff@example.org")
    event = event_factories.event(title="Health partnership meeting")
    db.session.commit()
    page = site.page
    page.context.add_init_script(RECORD_VIOLATIONS)
    site.sign_in("staff@example.org")
    site.goto(f"/staff/events/{event.id}/agenda")
    title = page.title()

    with page.expect_response(lambda r: r.status == 422):
        page.get_by_role("button", name="Add item").click()
    expect(page.locator("#agenda-editor .govuk-error-summary")).to_be_focused()
    page.wait_for_function("document.title.startsWith('Error: ')")
    assert page.evaluate(FOCUS_CONTRAST) >= 3

    page.get_by_label("Item", exact=True).fill("Mapping toolkit findings")
    page.get_by_role("button", name="Add item").click()
    message = page.locator("#agenda-editor").get_by_text("Added “Mapping toolkit findings” to the agenda.")
    expect(message).to_be_focused()
    page.wait_for_function(f"document.title === {title!r}")
    assert page.evaluate(FOCUS_CONTRAST) >= 3
    site.axe_check()
    _no_violations(page)


def test_add_someone_focuses_the_error_summary_then_the_confirmation(site, db):
    """Staff "Add someone" on an event's registrants page: the error summary, then the success banner,
    takes a focus that can be seen, also when the form's action ends in a #fragment."""
    factories.user(role="staff", email="staff@example.org")
    event = event_factories.event(title="Health partnership meeting")
    db.session.commit()
    page = site.page
    site.sign_in("staff@example.org")
    site.goto(f"/staff/events/{event.id}/registrants")

    site.submit("Add person")
    expect(page.locator("main .govuk-error-summary")).to_be_focused()
    assert page.title().startswith("Error: ")
    assert page.evaluate(FOCUS_CONTRAST) >= 3

    page.get_by_label("Their full name").fill("Farah Ahmed")
    page.get_by_label("Their email address").fill("farah@example.org")
    site.submit("Add person")
    banner = page.locator("main .govuk-notification-banner--success")
    expect(banner).to_contain_text("Farah Ahmed added")
    expect(banner).to_be_focused()
    assert page.evaluate(FOCUS_CONTRAST) >= 3

    # A form whose action ends in a #fragment keeps it across the redirect; the browser's scroll to the
    # fragment would leave focus on <body>, and app.js puts it back on the banner.
    page.get_by_label("Their full name").fill("Bilal Ahmed")
    page.get_by_label("Their email address").fill("bilal@example.org")
    page.locator("main form:has(#name)").evaluate("form => { form.action = form.action + '#add'; }")
    site.submit("Add person")
    assert page.url.endswith("#add")
    expect(page.locator("main .govuk-notification-banner--success")).to_be_focused()


def _section_id(toolkit) -> int:
    from sqlalchemy import select

    from app.extensions import db
    from app.toolkits.models import Section

    return db.session.scalar(select(Section.id).where(Section.toolkit_id == toolkit.id).order_by(Section.id))


def test_question_builder_shows_the_chosen_types_fields(site, site_without_js, db):
    """With JavaScript only the chosen type's settings show (the others' fields are disabled, so not sent);
    without it every group shows under its heading."""
    factories.user(role="staff", email="staff@example.org")
    toolkit = toolkit_factories.small_toolkit(status="draft")
    db.session.commit()
    path = f"/staff/toolkits/{toolkit.slug}/sections/{_section_id(toolkit)}/questions/new"
    page = site.page
    site.sign_in("staff@example.org")
    site.goto(path)
    headings = page.locator("main form h2")

    def visible_headings() -> list[str]:
        return [h.inner_text() for h in headings.all() if h.is_visible()]

    assert visible_headings() == ["Condition"]  # short text, the first type, has no settings
    page.get_by_label("Type of question").select_option("ranking")
    assert visible_headings() == ["For choice and ranking questions", "Condition"]
    expect(page.get_by_label("How many to rank (optional)")).to_be_visible()
    expect(page.get_by_label("Offer “Other, please specify”")).to_be_hidden()
    page.get_by_label("Type of question").select_option("number")
    assert visible_headings() == ["For number questions", "Condition"]
    expect(page.get_by_label("Options", exact=True)).to_be_disabled()
    page.get_by_label("Type of question").select_option("single_choice")
    expect(page.get_by_label("Offer “Other, please specify”")).to_be_visible()
    expect(page.get_by_label("How many to rank (optional)")).to_be_hidden()
    site.axe_check()

    # Sent with errors, the page comes back showing the chosen type's fields and its errors in order.
    page.get_by_label("Options", exact=True).fill("Only one")
    site.submit("Add question")
    assert visible_headings() == ["For choice and ranking questions", "Condition"]
    summary = page.locator(".govuk-error-summary__list a")
    assert [summary.nth(i).get_attribute("href") for i in range(summary.count())] == ["#label", "#options"]

    site_without_js.sign_in("staff@example.org")
    site_without_js.goto(path)
    nojs = site_without_js.page
    assert [h.inner_text() for h in nojs.locator("main form h2").all() if h.is_visible()] == [
        "For choice and ranking questions",
        "For number questions",
        "For scale questions",
        "Condition",
    ]


def test_removing_a_member_asks_first(site, site_without_js, db):
    amina = factories.user(email="amina@example.org", name="Amina Hussain")
    joseph = factories.user(email="joseph@example.org", name="Joseph Okafor")
    org = organisation("Bangla Wellbeing Circle", owner=amina, members=[joseph])
    db.session.commit()
    for checked in (site_without_js, site):
        page = checked.page
        checked.sign_in("amina@example.org")
        checked.goto(f"/my-group/{org.id}")
        with page.expect_navigation():
            page.get_by_role("link", name="Remove Joseph Okafor").click()
        checked.axe_check()
        expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to remove Joseph Okafor?")
        assert page.title().startswith("Remove Joseph Okafor from Bangla Wellbeing Circle – ")
        if checked is site_without_js:
            with page.expect_navigation():
                page.get_by_role("link", name="No, go back").click()
            expect(page.get_by_text("joseph@example.org")).to_have_count(1)
            continue
        checked.submit("Yes, remove Joseph Okafor")
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Joseph Okafor has been removed")
        expect(page.get_by_text("joseph@example.org")).to_have_count(0)
