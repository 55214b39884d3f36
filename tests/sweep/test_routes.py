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
        elif (
            visit.status == 302
            and role == "anonymous"
            and "/login" not in visit.location
            and visit.route.endpoint not in support.LEAVES_THE_SITE
        ):
            wrong.append(f"302 to {visit.location}, not the sign-in page: {visit.route.endpoint} {visit.route.url}")
    crashes = [v for v in visits if v.status >= 500]
    doubled = [v.route.url for v in visits if v.content_type.lower().count("charset") > 1]
    assert not doubled, f"Content-Type names its charset twice: {doubled}"
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


# --- hostile paths and queries (issue 15.9): never a 500, on either database --------------------

HOSTILE_VALUES = {
    "NUL byte": "a\x00b",
    "calendar edge": "0001-01-01T00:00:00+14:00",
    "far future": "9999-12-31T23:59:59-14:00",
    "huge number": "9" * 30,
}


def _query_names(app, visits) -> list[str]:
    """Every query parameter a page's GET form sends, and every one the code reads by name."""
    import pathlib
    import re

    names = set()
    for visit in visits:
        for form in re.findall(r"<form[^>]*method=\"get\"[^>]*>.*?</form>", visit.body, flags=re.S | re.I):
            names.update(re.findall(r"\bname=\"([^\"]+)\"", form))
    for path in pathlib.Path(app.root_path).rglob("*.py"):
        names.update(re.findall(r"request\.(?:args|values)(?:\.get|\.getlist)?[\(\[]\"([a-z_-]+)\"", path.read_text()))
    # The Open Referral feed reads its parameters by name from one table (app/groups/hsds_params.py).
    from app.groups.hsds_params import OPERATIONS

    names.update({"page", "per_page"}, *OPERATIONS.values())
    return sorted(names - {"csrf_token"})


def _hostile_paths(app, route) -> list[tuple[str, tuple[int, ...]]]:
    """The route's URL with a NUL byte in each text argument (404), and an id too big for any row (404)."""
    from urllib.parse import quote

    adapter = app.url_map.bind("localhost")
    rule = next(r for r in app.url_map.iter_rules(route.endpoint))
    _endpoint, values = adapter.match(route.url.split("?")[0], method="GET")
    found = []
    texts = {k: f"{v}\x00x" for k, v in values.items() if isinstance(v, str)}
    if texts:
        found.append(adapter.build(route.endpoint, {**values, **texts}, force_external=False))
    ints = [k for k, v in values.items() if isinstance(v, int)]
    if ints:
        path = rule.rule
        for key, value in values.items():
            replacement = "9" * 30 if key in ints else quote(str(value), safe="")
            path = re.sub(rf"<(?:[a-z]+(?:\([^)]*\))?:)?{key}>", replacement, path)
        found.append(path)
    return [(url, (404,)) for url in found]


import re  # noqa: E402  (used by the helpers above at call time)


@pytest.mark.parametrize("role", support.ROLES)
def test_hostile_paths_and_queries_never_crash(app, client, demo, role):
    """Every GET route, as every role: a NUL byte in the path is a 404 and in the query a 400; dates past
    the calendar's edge and numbers too big for a column are refused or ignored, never a 500."""
    from urllib.parse import urlencode

    visits, _ = support.sweep(app, client, role)
    names = _query_names(app, visits)
    assert {"q", "page", "modified_after"} <= set(names)
    wrong = []
    app.config["PROPAGATE_TEST_ERRORS"] = False
    try:
        for visit in visits:
            route = visit.route
            base = route.url.split("?")[0]
            attempts = [(url, expected) for url, expected in _hostile_paths(app, route)]
            for label, value in HOSTILE_VALUES.items():
                query = urlencode(dict.fromkeys(names, value))
                attempts.append((f"{base}?{query}", (400,) if label == "NUL byte" else None))
            for url, expected in attempts:
                support.sign_in(client, role)
                status = client.get(url).status_code
                if status >= 500 or (expected and status not in expected and status not in (302, 403)):
                    wrong.append(f"{status} {route.endpoint} {url[:120]!r}")
    finally:
        app.config["PROPAGATE_TEST_ERRORS"] = True
    assert not wrong, f"as {role}:\n  " + "\n  ".join(wrong)
