"""The December 2026 walk in a real browser: in Urdu, digits and Latin words are drawn by the Latin
fonts and Urdu words by Nastaliq (static/app.css's Arabic-script-only faces); times on the 24-hour clock
in Urdu and Bengali. Screenshots: tests/e2e/screens/walk-*.png."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page

from tests.e2e.test_joining_journeys import _look
from tests.factories import events as event_factories

pytestmark = pytest.mark.e2e
STARTS = dt.datetime(2027, 5, 17, 17, 30, tzinfo=dt.UTC)  # 18:30 in London
NASTALIQ = "Noto Nastaliq Urdu"


def _fonts_used(page: Page, selector: str) -> dict[str, int]:
    """The fonts Chromium drew an element's text with (family: glyphs), from the DevTools protocol."""
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    session.detach()
    return {font["familyName"]: font["glyphCount"] for font in fonts}


@pytest.fixture
def workshop(db):
    event = event_factories.event(title="Zoom workshop 2027", slug="zoom-workshop-2027")
    event.starts_at, event.ends_at = STARTS, STARTS + dt.timedelta(hours=2)
    db.session.commit()
    return event


def test_urdu_draws_digits_and_latin_words_in_a_latin_font(site, workshop):
    page = site.page
    site.goto(f"/events/{workshop.slug}?lang=ur")
    # The title is Latin letters and digits only: no Nastaliq glyph in it.
    title = _fonts_used(page, "main h1")
    assert NASTALIQ not in title and sum(title.values()) >= len("Zoomworkshop2027"), title
    # The "When" line mixes Urdu words and "18:30": Nastaliq draws the words, a Latin font the digits.
    page.locator("main .govuk-summary-list__value").first.evaluate("e => e.id = 'walk-when'")
    when_text = page.locator("#walk-when").inner_text()
    assert "18:30" in when_text and "PM" not in when_text, when_text
    when = _fonts_used(page, "#walk-when")
    assert NASTALIQ in when, when
    assert any(family != NASTALIQ for family in when), when
    _look(site, "walk-ur-event-latin-digits")


def test_bengali_times_on_the_24_hour_clock(site, workshop):
    site.goto(f"/events/{workshop.slug}?lang=bn")
    text = site.page.locator("main").inner_text()
    assert "১৮:৩০" in text and "২০:৩০" in text and "PM" not in text, text
    _look(site, "walk-bn-event-times")
