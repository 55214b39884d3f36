"""Header navigation. An item appears only when its feature's endpoint exists, so the
menu never links to a page that is not built yet; features add themselves by endpoint.

Two lists (issue 21 §6): the main navigation (what the portal offers, plus the signed-in person's
group and, for staff, the staff area) and a short account bar above it (sign in, or the account page
and sign out). Splitting them keeps the main list short enough to sit on one line from the width where
the menu button gives way (`--govuk-breakpoint-tablet` in static/app.css) up to 1920 px, for every
role; tests/e2e/test_header_navigation.py measures it."""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_login import current_user

from app.i18n import _l
from app.security import has_role

# (label, endpoint): order as the issue names them. Joining the mailing list is linked from the
# bulletins page, the home page and the footer rather than from the header.
PUBLIC_NAV = [
    (_l("Groups"), "groups.index"),
    (_l("Events"), "events.index"),
    (_l("Toolkits"), "toolkits.index"),
    (_l("Action plans"), "actionplan.index"),
    (_l("Bulletins"), "mailing.bulletins"),
]
YOUR_GROUP = _l("Your group")
STAFF = _l("Staff")
YOUR_ACCOUNT = _l("Your account")
SIGN_IN = _l("Sign in")


def _item(text, endpoint: str, path: str) -> dict:
    href = url_for(endpoint)
    return {"text": str(text), "href": href, "active": path.startswith(href) and href != "/"}


def navigation_items() -> list[dict]:
    views = current_app.view_functions
    path = request.path if request else ""
    items = [_item(label, endpoint, path) for label, endpoint in PUBLIC_NAV if endpoint in views]
    if current_user.is_authenticated and "main.my_group" in views:
        # The member dashboard: their group's entry, toolkits to answer, registrations. No query here
        # (every page draws the menu); the page itself says how to join or add a group when there is none.
        items.append(_item(YOUR_GROUP, "main.my_group", path))
    if has_role(current_user, "staff"):
        items.append(_item(STAFF, "staff.dashboard", path))
    return items


def account_items() -> list[dict]:
    """The account bar's links; "Sign out" (a POST form) follows them in base.html when signed in."""
    path = request.path if request else ""
    if current_user.is_authenticated:
        return [_item(YOUR_ACCOUNT, "auth.account", path)]
    return [_item(SIGN_IN, "auth.login", path)]
