"""The directory's filters in a real browser (issue 18 §3): ticks are never lost to a slow answer
(700 ms of added server latency), OR within a facet, and the phone layout (results first, filters
folded under "Filter results (N selected)")."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.extensions import db as _db
from app.groups.locations import load_demo_centroids, place_all_locations, sync_main_location
from tests.factories.groups import organisation, tag

LATENCY_MS = 700


@pytest.fixture
def directory(app):
    with app.app_context():
        load_demo_centroids()
        shadwell, whitechapel = tag("area", "Shadwell"), tag("area", "Whitechapel")
        diabetes, housing, health = tag("theme", "Diabetes"), tag("theme", "Housing"), tag("theme", "Mental health")
        made = [
            organisation("Shadwell Diabetes Group", tags=[shadwell, diabetes], postcode="E1 0AA",
                         public_fields=["address"]),
            organisation("Whitechapel Housing Group", tags=[whitechapel, housing], postcode="E1 1BB",
                         public_fields=["address"]),
            organisation("Whitechapel Diabetes Group", tags=[whitechapel, diabetes, health], postcode="E1 6AN",
                         public_fields=["address"]),
            organisation("Bow Wellbeing Group", tags=[tag("area", "Bow"), health], postcode="E3 4SS",
                         public_fields=["address"]),
        ]  # fmt: skip
        _db.session.flush()
        for org in made:
            sync_main_location(org)
        _db.session.flush()
        place_all_locations()
        _db.session.commit()


@pytest.fixture
def slow(app):
    app.config["DIRECTORY_TEST_DELAY_MS"] = LATENCY_MS
    yield
    app.config.pop("DIRECTORY_TEST_DELAY_MS", None)


def _theme(page, name):
    return page.get_by_role("group", name="Themes of work").get_by_label(name)


def test_ticks_right_after_typing_survive_a_slow_server(site, directory, slow):
    """Type a search, then tick two boxes while the search's answer is still on its way: both ticks
    stay, the address and the results are the final state, and the live region says its count."""
    page = site.page
    site.goto("/groups")
    for attempt in range(3):
        page.get_by_label("Search groups").fill("group")
        page.wait_for_timeout(400)  # the search's request (after its 300 ms pause) is now in flight
        _theme(page, "Diabetes").check()
        _theme(page, "Housing").check()  # a second quick tick
        page.wait_for_url("**theme=diabetes*theme=housing*")
        expect(page.locator("#results-count")).to_have_text("3 groups found for ‘group’")
        page.wait_for_timeout(LATENCY_MS * 2 + 300)  # every answer still on its way has arrived
        expect(_theme(page, "Diabetes")).to_be_checked()
        expect(_theme(page, "Housing")).to_be_checked()
        expect(page.locator("#results-count")).to_have_text("3 groups found for ‘group’")
        expect(page.locator("#portal-live-region")).to_have_text("3 groups found")
        expect(page.locator("#filter-count")).to_have_text(" (2 selected)")
        if attempt < 2:  # start again from nothing ticked
            _theme(page, "Diabetes").uncheck()
            _theme(page, "Housing").uncheck()
            page.get_by_label("Search groups").fill("")
            expect(page.locator("#results-count")).to_have_text("4 groups found")
            page.wait_for_timeout(LATENCY_MS * 2 + 300)
    site.axe_check()


def test_or_within_a_facet_and_counts_per_option(site, directory):
    page = site.page
    site.goto("/groups")
    areas = page.get_by_role("group", name="Areas (wards)")
    expect(areas.get_by_text("Shadwell (1)")).to_be_visible()
    areas.get_by_label("Shadwell").check()
    expect(page.locator("#results-count")).to_have_text("1 group found")
    areas.get_by_label("Whitechapel").check()  # Shadwell or Whitechapel
    expect(page.locator("#results-count")).to_have_text("3 groups found")
    expect(areas.get_by_text("Whitechapel (2)")).to_be_visible()
    _theme(page, "Diabetes").check()  # and Diabetes
    expect(page.locator("#results-count")).to_have_text("2 groups found")
    expect(page.get_by_role("link", name="Whitechapel Housing Group")).to_have_count(0)
    expect(areas.get_by_text("Whitechapel (1)")).to_be_visible()
    site.axe_check()


def test_phone_layout_results_first_and_folded_filters(browser, live_server, directory):
    from tests.e2e.conftest import Checked

    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    site = Checked(page, live_server.url)
    try:
        site.goto("/groups?theme=diabetes&area=shadwell&area=whitechapel")
        toggle = page.get_by_text("Filter results (3 selected)")
        expect(toggle).to_be_visible()
        expect(_theme(page, "Diabetes")).to_be_hidden()  # folded
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        # From the search box, the first result is a few Tab stops away.
        page.get_by_label("Search groups").focus()
        for stops in range(1, 8):  # noqa: B007 (read after the loop)
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.closest('.portal-results') !== null"):
                break
        assert stops <= 4, f"{stops} Tab stops to the first result"
        # The count and first result are above the filters on the screen.
        count_top = page.locator("#results-count").bounding_box()["y"]
        assert count_top < 640
        toggle.click()
        expect(_theme(page, "Diabetes")).to_be_visible()
        _theme(page, "Diabetes").uncheck()
        expect(page.locator("#filter-count")).to_have_text(" (2 selected)")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        site.axe_check()
    finally:
        context.close()


def test_near_a_postcode_without_javascript(site_without_js, directory):
    site = site_without_js
    page = site.page
    site.goto("/groups")
    page.get_by_text("Filter results").click()  # folded without JavaScript too
    page.get_by_label("Postcode").fill("e1 6an")
    page.get_by_label("Within").select_option("1")
    site.submit("Apply filters")
    expect(page.locator("#results-count")).to_have_text("3 groups found within 1 mile of E1 6AN")
    page.get_by_text("Filter results").click()
    page.get_by_label("Postcode").fill("SW1A 1AA")
    site.submit("Apply filters")
    expect(page.locator("#near-error")).to_contain_text("We cannot find SW1A 1AA")
    expect(page.locator("#results-count")).to_have_text("4 groups found")
    site.goto("/groups?page=99")
    expect(page.locator("#no-such-page")).to_contain_text("There is no page 99")
