"""Whole-site sweep (issue 8): every GET route, as every role, with real ids from the demo data."""

from __future__ import annotations

import pytest

from tests.sweep import support


@pytest.fixture
def demo(app, db):
    support.seed_demo()
    return db


def test_every_get_route_resolves_to_a_real_url(app, demo):
    routes = support.get_routes(app)
    unresolved = [f"{r.endpoint} {r.rule}: {r.problem}" for r in routes if r.url is None]
    assert not unresolved, (
        "The sweep cannot build a URL for these routes. Add a resolver for the argument in "
        "tests/sweep/support.py RESOLVERS (a real id or slug from the demo data, or a token made with "
        "the app's own token function):\n  " + "\n  ".join(unresolved)
    )
    assert len(routes) > 60


@pytest.mark.parametrize("role", support.ROLES)
def test_every_get_route_answers_each_role_correctly(app, client, demo, role):
    visits, _ = support.sweep(app, client, role)
    wrong = []
    for visit in visits:
        expected = support.expected_statuses(visit.route, role)
        if visit.status not in expected:
            allowed = "/".join(map(str, expected))
            wrong.append(f"{visit.status} (expected {allowed}) {visit.route.endpoint} {visit.route.url}")
        elif visit.status == 302 and role == "anonymous" and "/login" not in visit.location:
            wrong.append(f"302 to {visit.location}, not the sign-in page: {visit.route.endpoint} {visit.route.url}")
    crashes = [v for v in visits if v.status >= 500]
    assert not crashes, f"server errors as {role}: " + ", ".join(v.route.url for v in crashes)
    assert not wrong, (
        f"as {role}:\n  " + "\n  ".join(wrong) + "\nIf the answer is right (a route that checks who owns the "
        "object, or a page that sends signed-in people on), say so in tests/sweep/support.py "
        "(OBJECT_LEVEL or EXCEPTIONS, with the reason); otherwise fix the view."
    )
    assert len(visits) > 60


def test_a_route_nothing_can_resolve_is_reported_not_skipped(app):
    """A new route whose argument has no resolver fails the sweep instead of being left out."""
    from flask import Blueprint, Flask

    from app.security import public

    bp = Blueprint("widgets", __name__)

    @bp.route("/widgets/<widget_key>")
    @public
    def widget(widget_key):  # pragma: no cover - never requested
        return widget_key

    @bp.route("/widgets")
    @public
    def widgets():  # pragma: no cover - never requested
        return "list"

    mini = Flask(__name__)
    mini.register_blueprint(bp)
    routes = {r.endpoint: r for r in support.get_routes(mini)}
    assert routes["widgets.widget"].url is None
    assert routes["widgets.widget"].problem == "no resolver for <widget_key>"
    assert routes["widgets.widgets"].url == "/widgets"
