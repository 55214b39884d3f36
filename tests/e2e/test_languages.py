"""Journeys in the members' languages in a real browser (issue 22): Urdu (right to left) and Bengali.

Directory search with filters, mailing-list sign-up with an error, event registration with an error and
a toolkit section with an error (as a member). axe checks every page; each key page is looked at 320 and
1280 px wide (screenshots in tests/e2e/screens/, languages-*.png) and must not scroll sideways at 320 px.
In Urdu the layout is mirrored (static/rtl.css): tick boxes and radios sit on the right of their labels,
the error summary and the red bar of a question with an error on the right, the back link on the right,
the task list's status at the left end. In Bengali everything stays left to right.

The pages are found by their structure (ids, names, classes), not by their words, so the journeys hold
whether the strings are still English or already translated."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from app.events import services as event_services
from app.i18n.languages import LANGUAGES
from tests import factories
from tests.e2e import test_directory_filters_journeys as directory_journeys
from tests.e2e.test_joining_journeys import _look
from tests.factories import events as event_factories
from tests.factories import mailing as mailing_factories
from tests.factories.groups import organisation
from tests.factories.toolkits import sections, small_toolkit

pytestmark = pytest.mark.e2e
directory = directory_journeys.directory  # the directory's four groups and their tags (a fixture)
LANGS = pytest.mark.parametrize("code", ["ur", "bn"])
# The first font each script's text asks for (static/app.css): Nastaliq (its Arabic-script-only face)
# for Urdu, Noto for Bengali.
FIRST_FONT = {"ur": '"Portal Urdu Nastaliq"', "bn": '"Noto Sans Bengali"'}
TOLERANCE = 2  # px: rounding of sub-pixel layout


def _box(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not on the screen"
    return box


def _right(box: dict) -> float:
    return box["x"] + box["width"]


def _in_language(page: Page, code: str, text: str = "main h1") -> bool:
    """The page is in `code`, with its direction and fonts (read on `text`, an element in the page's
    language); True when it is right to left."""
    language = LANGUAGES[code]
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language.tag)
    expect(html).to_have_attribute("dir", language.direction)
    font = page.locator(text).first.evaluate("e => getComputedStyle(e).fontFamily")
    assert font.startswith(FIRST_FONT[code]), font
    # The switcher: the current language is bold, not a link; the row sits at the inline end.
    current = page.locator(".portal-languages [aria-current]")
    expect(current).to_have_text(language.native_name)
    assert int(current.evaluate("e => getComputedStyle(e).fontWeight")) >= 700
    items = page.locator(".portal-languages__item")
    width = page.viewport_size["width"]
    if language.rtl:
        assert _right(_box(items.last)) < width / 2  # packed to the left, English rightmost
        assert _box(items.first)["x"] > _box(items.last)["x"]
    else:
        assert _box(items.first)["x"] > width / 2
    return language.rtl


def _ticks_at_the_start(page: Page, rtl: bool) -> None:
    """Every tick box and radio on show is at the start of its line: right of its label in Urdu, left
    in Bengali; the square or circle GOV.UK draws (the label's ::before) is drawn over the real input."""
    items = page.locator("main .govuk-checkboxes__item:visible, main .govuk-radios__item:visible")
    assert items.count() > 0
    for index in range(min(items.count(), 8)):
        item = items.nth(index)
        control, label = _box(item.locator("input").first), _box(item.locator("label").first)
        if rtl:
            assert control["x"] >= _right(label) - TOLERANCE, (index, control, label)
        else:
            assert _right(control) <= label["x"] + TOLERANCE, (index, control, label)
        drawn = item.locator("label").first.evaluate(
            """label => {
                const item = label.parentElement.getBoundingClientRect();
                const style = getComputedStyle(label, "::before");
                const left = item.left + parseFloat(style.left);
                return {x: left, width: parseFloat(style.width)};
            }"""
        )
        assert control["x"] - TOLERANCE <= drawn["x"], (index, drawn, control)
        assert drawn["x"] + drawn["width"] <= _right(control) + TOLERANCE, (index, drawn, control)


def _text_box(locator) -> dict:
    """Where the text itself is (not the block around it)."""
    return locator.evaluate(
        """e => { const r = document.createRange(); r.selectNodeContents(e); const b = r.getBoundingClientRect();
                  return {x: b.left, width: b.width}; }"""
    )


def _error_summary_at_the_start(page: Page, rtl: bool) -> None:
    """The error summary is at the start of the page's main column, its title and links from its start
    edge; the question with the error has its red bar on the start side."""
    summary = page.locator("main .govuk-error-summary").first
    expect(summary).to_be_visible()
    box, main = _box(summary), _box(page.locator("main"))
    title = _text_box(summary.locator(".govuk-error-summary__title"))
    link = _box(summary.locator(".govuk-error-summary__list a").first)
    inset = 5 + 20  # border and padding
    if rtl:
        assert abs(_right(box) - _right(main)) <= TOLERANCE, (box, main)
        assert abs(_right(title) - (_right(box) - inset)) <= TOLERANCE, (title, box)
        assert abs(_right(link) - (_right(box) - inset)) <= TOLERANCE, (link, box)
    else:
        assert abs(box["x"] - main["x"]) <= TOLERANCE, (box, main)
        assert abs(title["x"] - (box["x"] + inset)) <= TOLERANCE, (title, box)
        assert abs(link["x"] - (box["x"] + inset)) <= TOLERANCE, (link, box)
    group = page.locator("main .govuk-form-group--error").first
    widths = group.evaluate("e => [getComputedStyle(e).borderRightWidth, getComputedStyle(e).borderLeftWidth]")
    assert widths == (["5px", "0px"] if rtl else ["0px", "5px"]), widths


def _back_link_at_the_start(page: Page, rtl: bool) -> None:
    link, main = _box(page.locator(".govuk-back-link")), _box(page.locator("main"))
    if rtl:
        assert abs(_right(link) - _right(main)) <= TOLERANCE, (link, main)
        # The chevron is drawn at the link's right, pointing right (GOV.UK's left-pointing one mirrored).
        chevron = page.locator(".govuk-back-link").evaluate(
            "e => [getComputedStyle(e, '::before').right, getComputedStyle(e, '::before').transform]"
        )
        assert chevron[0] != "auto" and chevron[1].startswith("matrix(0.7071"), chevron
    else:
        assert abs(link["x"] - main["x"]) <= TOLERANCE, (link, main)


# Elements that stick out of either side of the window (in a right-to-left page, what sticks out on the
# right cannot even be scrolled to); visually hidden text and wide tables' own scroll boxes aside.
OFF_THE_SIDES = """() => [...document.querySelectorAll("body *")].filter((e) => {
  const r = e.getBoundingClientRect();
  if (r.width <= 1 || r.height <= 1 || e.closest(".portal-table-scroll, .govuk-visually-hidden")) return false;
  return r.left < -1 || r.right > window.innerWidth + 1;
}).slice(0, 5).map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().left)}`
  + `..${Math.round(e.getBoundingClientRect().right)}`)"""


def _phone_and_screenshots(site, name: str) -> None:
    """At 320 px nothing sticks out of either side; then screenshots at 320 and 1280 px (no sideways scroll)."""
    page = site.page
    page.set_viewport_size({"width": 320, "height": 900})
    assert page.evaluate(OFF_THE_SIDES) == [], page.url
    _look(site, name)
    # Playwright's screenshot leaves an empty style="" on the elements it touched; an htmx swap that
    # settles such an element copies the attribute with setAttribute, which the CSP (style-src 'self')
    # refuses and logs as an error. Take the screenshot's traces away; the page's own are not empty.
    page.evaluate("""document.querySelectorAll('[style=""]').forEach((e) => e.removeAttribute("style"))""")


def _submit(site, button: str = "main form [type=submit]") -> None:
    """Send a form by its (first) submit button, whatever its words, and check the next page."""
    with site.page.expect_navigation():
        site.page.locator(button).first.click()
    site.axe_check()


@LANGS
def test_directory_search_with_filters(site, directory, code):
    page = site.page
    site.goto(f"/groups?lang={code}")
    rtl = _in_language(page, code)
    page.locator("#q").fill("group")
    page.wait_for_url("**q=group*")
    page.locator("input[name=theme][value=diabetes]").check()
    page.wait_for_url("**theme=diabetes*")
    expect(page.locator(".portal-result")).to_have_count(2)
    page.locator("input[name=area][value=whitechapel]").check()
    page.wait_for_url("**area=whitechapel*")
    expect(page.locator(".portal-result")).to_have_count(1)
    expect(page.locator("input[name=theme][value=diabetes]")).to_be_checked()
    site.axe_check()
    _in_language(page, code)  # the live search kept the language (the cookie set by ?lang=)
    _ticks_at_the_start(page, rtl)
    results, filters = _box(page.locator("#directory-results")), _box(page.locator("#directory-filters"))
    # The filters' column is the first: on the right in Urdu, the results to its left.
    assert (results["x"] < filters["x"]) == rtl
    _phone_and_screenshots(site, f"languages-{code}-directory")


@LANGS
def test_mailing_list_sign_up_with_an_error(site, db, code):
    mailing_factories.topics()
    db.session.commit()
    page = site.page
    site.goto(f"/mailing-list?lang={code}")
    rtl = _in_language(page, code)
    page.locator("#email").fill("grace@example")
    page.locator("#name").fill("Grace Okafor")
    _submit(site)
    _error_summary_at_the_start(page, rtl)
    _ticks_at_the_start(page, rtl)
    expect(page.locator("#name")).to_have_value("Grace Okafor")  # nothing typed is lost
    _phone_and_screenshots(site, f"languages-{code}-mailing-error")

    page.locator("#email").fill("grace@example.org")
    page.locator("input[name=topics]").first.check()
    page.locator("#consent").check()
    _submit(site)
    expect(page.locator("main .govuk-error-summary")).to_have_count(0)
    _in_language(page, code)
    _phone_and_screenshots(site, f"languages-{code}-mailing-done")


@LANGS
def test_event_registration_with_an_error(site, db, code):
    event = event_factories.event(title="Spring network meeting")
    db.session.commit()
    page = site.page
    site.goto(f"/events/{event.slug}/register?lang={code}")
    rtl = _in_language(page, code)
    _back_link_at_the_start(page, rtl)
    page.locator("#email").fill("amina@example.org")
    page.locator("#registration-box [type=submit]").click()  # htmx: the box comes back with its errors
    expect(page.locator("#registration-box .govuk-error-summary")).to_be_visible()
    site.axe_check()
    _error_summary_at_the_start(page, rtl)
    _ticks_at_the_start(page, rtl)
    _phone_and_screenshots(site, f"languages-{code}-register-error")

    page.locator("#name").fill("Amina Yusuf")
    page.locator("#show_on_attendee_list").check()
    page.locator("#registration-box [type=submit]").click()
    expect(page.locator("#registration-box .govuk-error-summary")).to_have_count(0)
    expect(page.locator("#registration-box")).to_be_visible()
    site.axe_check()
    db.session.rollback()  # see what the live server committed
    assert event_services.find_registration(event.id, "amina@example.org") is not None
    _phone_and_screenshots(site, f"languages-{code}-registered")


@LANGS
def test_toolkit_section_with_an_error_as_a_member(site, db, code):
    toolkit = small_toolkit()
    amina = factories.user(name="Amina Hussain", email="amina@example.org")
    org = organisation("Bangla Wellbeing Circle", owner=amina)
    db.session.commit()
    page = site.page
    site.sign_in("amina@example.org")  # in English: nobody has chosen a language yet
    section = f"/toolkits/{toolkit.slug}/respond/section/{sections(toolkit)[0].id}?org={org.id}"
    site.goto(f"{section}&lang={code}")
    # The section's title is the toolkit's own English (marked lang="en"): the fonts are read on
    # "Section 1 of 2" below it.
    rtl = _in_language(page, code, "main h1 + p")
    _back_link_at_the_start(page, rtl)

    # A tick (saved as she goes), then "Save and continue" without the required first answer.
    with page.expect_response(lambda r: "/autosave" in r.url and r.status == 200):
        page.locator("main .govuk-checkboxes__input").first.check()
    _submit(site, "main button[name=action][value=continue]")
    _error_summary_at_the_start(page, rtl)
    _ticks_at_the_start(page, rtl)
    expect(page.locator("main .govuk-checkboxes__input").first).to_be_checked()  # nothing lost
    _phone_and_screenshots(site, f"languages-{code}-toolkit-error")

    target = page.locator(".govuk-error-summary__list a").first.get_attribute("href")
    with page.expect_response(lambda r: "/autosave" in r.url and r.status == 200):
        page.locator(target).fill("Amina Hussain, coordinator")
        page.locator(target).press("Tab")
    _submit(site, "main button[name=action][value=continue]")
    expect(page.locator("main .govuk-error-summary")).to_have_count(0)

    # The task list: each section's status at the end of its row (the left in Urdu).
    site.goto(f"/toolkits/{toolkit.slug}/respond?org={org.id}")
    _in_language(page, code)
    status = _box(page.locator(".govuk-task-list__status").first)
    name = _box(page.locator(".govuk-task-list__name-and-hint").first)
    assert (_right(status) <= name["x"] + TOLERANCE) == rtl, (status, name)
    _phone_and_screenshots(site, f"languages-{code}-toolkit-tasks")


@LANGS
def test_staff_translations_page(site, db, code):
    factories.user(role="staff", email="kwame@example.org", name="Kwame Mensah")
    db.session.commit()
    page = site.page
    site.sign_in("kwame@example.org")
    site.goto(f"/staff/translations?lang={code}")
    rtl = _in_language(page, code)
    # Each language's own name reads in its own direction, whatever the page's.
    expect(page.locator("#language-ur th span[lang=ur]")).to_have_attribute("dir", "rtl")
    language, main = _box(page.locator("#language-bn th")), _box(page.locator("main"))
    # The table's first column (the language) is at the start of the row: right in Urdu.
    assert (abs(_right(language) - _right(main)) <= TOLERANCE) == rtl, (language, main)
    _phone_and_screenshots(site, f"languages-{code}-staff-translations")
