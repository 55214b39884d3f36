"""The sweep's browser part uses the e2e fixtures (Chromium, axe on every visit)."""

from tests.e2e.conftest import browser, site  # noqa: F401
