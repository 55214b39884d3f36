"""Browser fixtures: Debian Chromium driven by Playwright, axe-core on every page visited."""

from __future__ import annotations

import re
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, sync_playwright

from app.jobs import run_worker

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Checked:
    """A page whose every visit is checked with axe (WCAG 2.0/2.1/2.2 A and AA)."""

    def __init__(self, page: Page, base_url: str, axe_page: Page | None = None) -> None:
        self.page = page
        self.base_url = base_url
        # axe needs JavaScript; a page with JavaScript off is checked by copying its DOM
        # (scripts removed, so it stays the no-JS DOM) into a page on the same origin.
        self.axe_page = axe_page
        self.axe = Axe()
        self.checked: list[str] = []

    def axe_check(self) -> None:
        self.page.wait_for_load_state("load")
        target = self.page
        if self.axe_page is not None:
            html = re.sub(r"<script\b[^>]*>.*?</script>", "", self.page.content(), flags=re.S | re.I)
            self.axe_page.goto(self.base_url + "/healthz")
            self.axe_page.set_content(html, wait_until="load")
            target = self.axe_page
        results = self.axe.run(target, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"{self.page.url}\n{results.generate_report()}"
        self.checked.append(self.page.url)

    def goto(self, path: str) -> None:
        url = path if path.startswith("http") else self.base_url + path
        response = self.page.goto(url)
        assert response is not None and response.status < 500, (url, response and response.status)
        self.axe_check()

    def sign_in(self, email: str, password: str | None = None) -> None:
        """Sign in through the real form (the test factories' password unless told)."""
        from tests import factories

        self.goto("/login")
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password", exact=True).fill(password or factories.PASSWORD)
        self.submit("Sign in")

    def submit(self, button_text: str) -> None:
        """Click a submit button, wait for the next page, then check it."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button_text, exact=True).click()
        self.axe_check()


def _context(browser, base_url: str, javascript: bool):
    context = browser.new_context(base_url=base_url, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def site(browser, live_server):
    context = _context(browser, live_server.url, javascript=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # The page's own status is checked by goto(); the browser also logs error statuses of
    # pages visited on purpose (404, 400), so console "Failed to load resource" is not an error,
    # but any sub-resource (script, style, image, fragment) that fails is. htmx logs a refused request
    # (4xx) too; app.js shows it to the person, so that is not an error either, but a 5xx still is.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error"
            and not msg.text.startswith(("Failed to load resource", "Response Status Error Code 4"))
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.request.resource_type not in ("document", "xhr", "fetch") and r.status >= 400
            else None
        ),
    )
    yield Checked(page, live_server.url)
    context.close()
    assert errors == [], f"JavaScript errors in the browser: {errors}"


@pytest.fixture
def site_without_js(browser, live_server):
    context = _context(browser, live_server.url, javascript=False)
    checker = _context(browser, live_server.url, javascript=True)
    yield Checked(context.new_page(), live_server.url, axe_page=checker.new_page())
    context.close()
    checker.close()


@pytest.fixture
def worker(app):
    """The real mail worker running beside the live server, as in `make run`."""
    stop = threading.Event()
    thread = threading.Thread(target=run_worker, args=(app, stop, 0.05), daemon=True)
    thread.start()
    yield thread
    stop.set()
    thread.join(5)
