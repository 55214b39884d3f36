"""A group's venues in a real browser (issue 18): a member adds a venue with a mistake first, with and
without JavaScript, then a visitor finds the group "near a postcode", nearest first, with how far;
axe on every page, and no sideways scroll at 320 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.extensions import db as _db
from app.groups.locations import load_demo_centroids, place_all_locations, sync_main_location
from tests import factories
from tests.factories.groups import organisation

SCREENS = Path(__file__).parent / "screens"


@pytest.fixture
def groups(app):
    with app.app_context():
        load_demo_centroids()
        amina = factories.user(email="amina@example.org", name="Amina Hussain")
        made = [
            organisation("Shadwell Sisters", owner=amina, postcode="E1 0AA", public_fields=["address"]),
            organisation("Whitechapel Elders", postcode="E1 1BB", public_fields=["address"]),
        ]
        _db.session.flush()
        for org in made:
            sync_main_location(org)
        _db.session.flush()
        place_all_locations()
        _db.session.commit()
        return made[0].id


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_member_adds_a_venue_and_a_visitor_finds_it_nearest_first(request, javascript, groups):
    site = request.getfixturevalue("site" if javascript else "site_without_js")
    page = site.page
    site.sign_in("amina@example.org")
    site.goto(f"/my-group/{groups}")
    with page.expect_navigation():
        page.get_by_role("link", name="Venues").click()
    site.axe_check()
    expect(page.get_by_role("heading", name="Where your group meets")).to_be_visible()

    page.get_by_label("Name of the venue").fill("Bow Community Hall")
    page.get_by_label("Address").fill("1 Roman Road")
    page.get_by_label("Postcode").fill("E3 4S")
    site.submit("Add venue")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real UK postcode, like E1 6AN")
    expect(page.get_by_label("Name of the venue")).to_have_value("Bow Community Hall")  # nothing typed is lost
    page.get_by_label("Postcode").fill("E3 4SS")
    site.submit("Add venue")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Bow Community Hall has been added")
    expect(page.get_by_role("heading", name="Bow Community Hall")).to_be_visible()
    suffix = "js" if javascript else "nojs"
    page.screenshot(path=str(SCREENS / f"venues-1280-{suffix}.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    _fits(page)
    page.screenshot(path=str(SCREENS / f"venues-320-{suffix}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})

    site.goto("/groups?near=E3+4SS&within=5")
    results = page.locator(".portal-results li")
    expect(results.first).to_contain_text("Shadwell Sisters")  # its venue is at that postcode
    expect(results.first).to_contain_text("Less than 0.1 miles away")
    expect(results.nth(1)).to_contain_text("Whitechapel Elders")
    expect(page.get_by_label("Sort by")).to_have_value("nearest")
    page.set_viewport_size({"width": 320, "height": 800})
    _fits(page)
    page.screenshot(path=str(SCREENS / f"near-320-{suffix}.png"), full_page=True)
