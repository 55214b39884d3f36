"""Issue 21 §6: the header fits at every width from 320 to 1920 px for every role. Where there is room
the main navigation's items sit on one line; where there is not they fold behind the "Menu" button
(which opens them as a list); the account bar's links always sit on one line; nothing scrolls
sideways."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import _context
from tests.e2e.test_reflow_sweep import sign_in
from tests.sweep import support

pytestmark = pytest.mark.e2e

WIDTHS = [320, 375, 768, 1024, 1280, 1920]
ROLES = ["anonymous", "member", "staff", "admin"]
# Where static/app.css's --govuk-breakpoint-tablet puts the change from the menu button to one line.
ONE_LINE_FROM = 900

# Lines (distinct tops) of the visible items of a list, and whether the page scrolls sideways.
HEADER = """() => {
  const lines = (selector) => new Set([...document.querySelectorAll(selector)]
    .filter((e) => e.offsetParent !== null)
    .map((e) => Math.round(e.getBoundingClientRect().top))).size;
  const visible = (selector) => [...document.querySelectorAll(selector)].filter((e) => e.offsetParent !== null).length;
  const toggle = document.querySelector(".govuk-service-navigation__toggle");
  return {
    items: document.querySelectorAll(".govuk-service-navigation__item").length,
    visibleItems: visible(".govuk-service-navigation__item"),
    navLines: lines(".govuk-service-navigation__item"),
    accountLines: lines(".portal-account-bar__item"),
    accountItems: visible(".portal-account-bar__item"),
    menuButton: toggle !== null && toggle.offsetParent !== null,
    sideways: document.documentElement.scrollWidth > window.innerWidth,
  };
}"""


@pytest.fixture
def demo(app, db):
    support.seed_demo()
    return db


@pytest.mark.parametrize("role", ROLES)
def test_header_navigation_fits_every_width(demo, browser, live_server, role):
    context = _context(browser, live_server.url, javascript=True)
    page = context.new_page()
    try:
        if role != "anonymous":
            sign_in(page, live_server.url, role)
        for path in ("/", "/events"):
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                page.goto(live_server.url + path)
                header = page.evaluate(HEADER)
                where = (role, path, width, header)
                assert not header["sideways"], where
                assert header["accountLines"] == 1 and header["accountItems"] == (1 if role == "anonymous" else 2), (
                    where
                )
                expected = {"anonymous": 5, "member": 6}.get(role, 7)
                assert header["items"] == expected, where
                if width >= ONE_LINE_FROM:
                    assert not header["menuButton"] and header["visibleItems"] == expected, where
                    assert header["navLines"] == 1, where
                else:
                    assert header["menuButton"] and header["visibleItems"] == 0, where
                    page.get_by_role("button", name="Menu").click()
                    opened = page.evaluate(HEADER)
                    assert opened["visibleItems"] == expected and not opened["sideways"], (where, opened)
    finally:
        context.close()


def test_header_without_javascript_shows_every_item(demo, browser, live_server):
    """No JavaScript: no menu button; the list shows in full (on a phone one item a line)."""
    context = _context(browser, live_server.url, javascript=False)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "staff")
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(live_server.url + "/")
            header = page.evaluate(HEADER)
            assert not header["menuButton"] and header["visibleItems"] == 7, (width, header)
            assert not header["sideways"], (width, header)
            assert header["navLines"] == (1 if width == 1280 else 7), (width, header)
    finally:
        context.close()
