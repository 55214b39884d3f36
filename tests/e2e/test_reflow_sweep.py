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


def offenders(browser, base_url: str, role: str, urls: list[str]) -> list[str]:
    """Visit `urls` as `role` in one browser context 320 px wide; one line for each page too wide."""
    context = _context(browser, base_url, javascript=True)
    page = context.new_page()
    page.set_viewport_size({"width": WIDTH, "height": 640})
    found = []
    try:
        if role != "anonymous":
            sign_in(page, base_url, role)
        for url in urls:
            response = page.goto(base_url + url, wait_until="domcontentloaded")
            assert response is not None and response.status < 500, (role, url, response and response.status)
            overflow = page.evaluate(MEASURE)
            if overflow:
                found.append(f"{url}: {overflow['scrollWidth']} px; widest: {overflow['worst']}")
    finally:
        context.close()
    return found


@pytest.mark.parametrize("role", support.ROLES)
def test_every_page_reflows_at_320px_for_each_role(app, client, demo, browser, live_server, role):
    urls = html_pages(app, client, role)
    assert len(urls) >= 15, urls
    found = offenders(browser, live_server.url, role, urls)
    assert found == [], f"{role}: {len(found)} of {len(urls)} pages scroll sideways at {WIDTH} px\n" + "\n".join(found)


def test_every_toolkit_section_reflows_at_320px(app, demo, browser, live_server):
    """The sweep opens a toolkit's first section only; the questions (the ranking one among them)
    are spread over all of them."""
    from flask import url_for
    from sqlalchemy import select

    from app.toolkits.models import Section, Toolkit

    rows = demo.session.execute(select(Toolkit.slug, Section.id).join(Section, Section.toolkit_id == Toolkit.id))
    with app.test_request_context():
        urls = [url_for("toolkits.section", slug=slug, section_id=section_id) for slug, section_id in rows]
    assert len(urls) > 1, urls
    found = offenders(browser, live_server.url, "member", urls)
    assert found == [], f"{len(found)} of {len(urls)} sections scroll sideways at {WIDTH} px\n" + "\n".join(found)
