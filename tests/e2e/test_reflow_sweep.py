"""Reflow (WCAG 1.4.10): every HTML page the route sweep knows, for every role, fits a 320 CSS px
wide screen without scrolling sideways. A wide data table may scroll inside its own labelled
`.portal-table-scroll` box; that box clips its content, so it does not widen the page."""

from __future__ import annotations

import pytest

from app.auth.demo import DEMO_USERS
from tests.e2e.conftest import _context
from tests.sweep import support

pytestmark = pytest.mark.e2e

PASSWORDS = {email: password for email, _name, _role, password in DEMO_USERS}
WIDTH = 320

# The page's width, and when it is too wide, the element or run of text (a long word or address)
# reaching furthest right, the innermost on a tie, to say what to fix: one outside the scroll
# boxes if any, else one inside.
MEASURE = """
() => {
  const limit = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= limit) return null;
  const worst = {outside: null, inside: null};
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const isText = node.nodeType === Node.TEXT_NODE;
    const el = isText ? node.parentElement : node;
    if (isText) range.selectNodeContents(node);
    const box = (isText ? range : el).getBoundingClientRect();
    const where = el.parentElement.closest(".portal-table-scroll") ? "inside" : "outside";
    if (box.right <= limit || (worst[where] && box.right < worst[where].right)) continue;
    const name = (isText ? "text in " : "") + el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + [...el.classList].map((c) => "." + c).join("");
    worst[where] = {right: Math.round(box.right), width: Math.round(box.width), element: name,
                    text: (node.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60)};
  }
  return {scrollWidth, worst: worst.outside || worst.inside};
}
"""


@pytest.fixture
def demo(app, db):
    support.seed_demo()
    return db


def html_pages(app, client, role: str) -> list[str]:
    """The URL of every full HTML page `role` gets from a GET route (fragments have no <html>)."""
    visits, unresolved = support.sweep(app, client, role)
    assert unresolved == [], [(r.endpoint, r.problem) for r in unresolved]
    urls = [v.route.url for v in visits if not 300 <= v.status < 400 and "<html" in v.body[:500]]
    return list(dict.fromkeys(urls))


def sign_in(page, base_url: str, role: str) -> None:
    email = support.ROLE_EMAILS[role]
    page.goto(base_url + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORDS[email])
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    assert "/login" not in page.url, page.url


@pytest.mark.parametrize("role", support.ROLES)
def test_every_page_reflows_at_320px_for_each_role(app, client, demo, browser, live_server, role):
    urls = html_pages(app, client, role)
    assert len(urls) >= 15, urls
    context = _context(browser, live_server.url, javascript=True)
    page = context.new_page()
    page.set_viewport_size({"width": WIDTH, "height": 640})
    offenders = []
    try:
        if role != "anonymous":
            sign_in(page, live_server.url, role)
        for url in urls:
            response = page.goto(live_server.url + url, wait_until="domcontentloaded")
            assert response is not None and response.status < 500, (role, url, response and response.status)
            overflow = page.evaluate(MEASURE)
            if overflow:
                offenders.append((url, overflow["scrollWidth"], overflow["worst"]))
    finally:
        context.close()
    report = "\n".join(f"{url}: {width} px; widest: {worst}" for url, width, worst in offenders)
    assert offenders == [], f"{role}: {len(offenders)} of {len(urls)} pages scroll sideways at {WIDTH} px\n{report}"
