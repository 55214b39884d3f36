"""Header navigation. An item appears only when its feature's endpoint exists, so the
menu never links to a page that is not built yet; features add themselves by endpoint."""

from __future__ import annotations

from flask import current_app, request, url_for
from flask_login import current_user

from app.security import has_role

# (label, endpoint): order as the issue names them.
PUBLIC_NAV = [
    ("Groups", "groups.index"),
    ("Events", "events.index"),
    ("Toolkits", "toolkits.index"),
    ("Action plans", "actionplan.index"),
    ("Bulletins", "mailing.bulletins"),
    ("Join the mailing list", "mailing.signup"),
]


def navigation_items() -> list[dict]:
    views = current_app.view_functions
    items = []
    path = request.path if request else ""
    for label, endpoint in PUBLIC_NAV:
        if endpoint in views:
            href = url_for(endpoint)
            items.append({"text": label, "href": href, "active": path.startswith(href) and href != "/"})
    if has_role(current_user, "staff"):
        href = url_for("staff.dashboard")
        items.append({"text": "Staff", "href": href, "active": path.startswith(href)})
    if current_user.is_authenticated and "main.my_group" in views:
        # The member dashboard: their group's entry, toolkits to answer, registrations. No query here
        # (every page draws the menu); the page itself says how to join or add a group when there is none.
        href = url_for("main.my_group")
        items.append({"text": "Your group", "href": href, "active": path.startswith(href)})
    if current_user.is_authenticated:
        href = url_for("auth.account")
        items.append({"text": "Your account", "href": href, "active": path.startswith(href)})
    else:
        href = url_for("auth.login")
        items.append({"text": "Sign in", "href": href, "active": path.startswith(href)})
    return items
