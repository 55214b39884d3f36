"""Route access matrix (DESIGN §9): every route declares who may use it, and the rule holds."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from app.security import ACCESS_LEVELS, ADMIN, PUBLIC, SIGNED_IN, STAFF, access_of


def _url_for_rule(app, rule) -> str:
    """A URL for `rule` with made-up arguments (an id that does not exist, a dummy token)."""
    values = {
        arg: 999999 if isinstance(rule._converters[arg], IntegerConverter) else "sample" for arg in rule.arguments
    }
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule, app.view_functions[rule.endpoint]


def test_every_route_declares_its_access(app):
    missing = [rule.rule for rule, view in _routes(app) if access_of(view) not in ACCESS_LEVELS]
    assert missing == [], f"routes without @public/@signed_in_required/@staff_required/@admin_required: {missing}"


def test_undeclared_route_is_refused_at_run_time(app, client):
    app.view_functions["main.index"].__dict__.pop("access")
    try:
        assert client.get("/").status_code == 403
    finally:
        app.view_functions["main.index"].access = PUBLIC


def _matrix(app):
    for rule, view in _routes(app):
        level = access_of(view)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, level


def _request(client, method, url):
    return client.open(url, method=method, data={}, follow_redirects=False)


def test_anonymous_is_refused_everything_not_public(app, client):
    checked = 0
    for rule, method, level in _matrix(app):
        if level == PUBLIC:
            continue
        response = _request(client, method, _url_for_rule(app, rule))
        if method == "GET":
            assert response.status_code == 302, (rule.rule, response.status_code)
            assert "/login" in response.headers["Location"]
        else:
            assert response.status_code == 401, (method, rule.rule, response.status_code)
        checked += 1
    assert checked > 5


@pytest.mark.parametrize(("role", "refused_levels"), [("member", {STAFF, ADMIN}), ("staff", {ADMIN})])
def test_wrong_role_is_refused(app, client, login_as, role, refused_levels):
    login_as(role)
    checked = 0
    for rule, method, level in _matrix(app):
        if level not in refused_levels:
            continue
        response = _request(client, method, _url_for_rule(app, rule))
        assert response.status_code == 403, (role, method, rule.rule, response.status_code)
        checked += 1
    assert checked > 0


def test_signed_in_routes_answer_any_member(app, client, login_as):
    login_as("member")
    for rule, method, level in _matrix(app):
        if level == SIGNED_IN and method == "GET" and not rule.arguments:
            assert _request(client, method, _url_for_rule(app, rule)).status_code == 200, rule.rule


def test_deactivated_user_is_treated_as_anonymous(app, client, login_as, db):
    user = login_as("staff")
    assert client.get("/staff").status_code == 200
    user.active = False
    db.session.commit()
    response = client.get("/staff")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
