"""CSRF, security headers, safe redirects, escaping, HTMX helpers, sanitising."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from app.db import utcnow
from app.htmx import hx_redirect, is_partial
from app.security import safe_next, sanitize_html
from tests import factories


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


def _csrf_token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    marker = 'name="csrf-token" content="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_post_without_csrf_token_is_refused(client, csrf_on, db):
    factories.user(email="a@example.org")
    db.session.commit()
    response = client.post("/login", data={"email": "a@example.org", "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)


def test_htmx_style_header_token_is_accepted(client, csrf_on, db):
    factories.user(email="a@example.org")
    db.session.commit()
    token = _csrf_token(client)
    response = client.post(
        "/login",
        data={"email": "a@example.org", "password": factories.PASSWORD},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert response.status_code == 303


def test_form_field_token_is_accepted(client, csrf_on, db):
    token = _csrf_token(client)
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # only over HTTPS


def test_hsts_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_pages_have_no_inline_script_or_style_attributes(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html
    assert " style=" not in html
    assert " onclick=" not in html


def test_session_cookie_flags(client, db):
    factories.user(email="a@example.org")
    db.session.commit()
    response = client.post("/login", data={"email": "a@example.org", "password": factories.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "https://evil.example/",
        "http:evil.example",
        "/\t/evil.example",
        " //evil.example",
        "",
        None,
        "evil.example",
    ],
)
def test_safe_next_refuses_off_site_targets(target):
    assert safe_next(target) == "/"


@pytest.mark.parametrize("target", ["/account", "/staff/users?q=a&role=staff", "/groups/some-group#contact"])
def test_safe_next_keeps_same_site_paths(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "javascript:alert(1)"])
def test_login_never_redirects_off_site(client, db, target):
    factories.user(email="a@example.org")
    db.session.commit()
    response = client.post("/login", data={"email": "a@example.org", "password": factories.PASSWORD, "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_login_follows_same_site_next(client, db):
    factories.user(email="a@example.org")
    db.session.commit()
    response = client.post(
        "/login", data={"email": "a@example.org", "password": factories.PASSWORD, "next": "/account"}
    )
    assert response.headers["Location"] == "/account"


def test_html_in_a_name_is_escaped(client, login_as):
    login_as("member", name='<script>alert("x")</script><img src=x onerror=alert(1)>')
    html = client.get("/account").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert" in html


def test_is_partial_follows_design_rules():
    app = Flask(__name__)
    cases = [
        ({}, False),
        ({"HX-Request": "true"}, True),
        ({"HX-Request": "true", "HX-Boosted": "true"}, False),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),
    ]
    for headers, expected in cases:
        with app.test_request_context("/", headers=headers):
            assert is_partial() is expected, headers


def test_hx_redirect_for_htmx_and_plain_requests():
    app = Flask(__name__)
    with app.test_request_context("/", headers={"HX-Request": "true"}):
        response = hx_redirect("/next")
        assert response.status_code == 204
        assert response.headers["HX-Redirect"] == "/next"
    with app.test_request_context("/"):
        response = hx_redirect("/next")
        assert response.status_code == 303
        assert response.headers["Location"] == "/next"


def test_sanitize_html_keeps_formatting_and_drops_scripts():
    dirty = '<p onclick="x()"><b>Bold</b> <a href="javascript:alert(1)">x</a><script>alert(1)</script></p>'
    clean = sanitize_html(dirty)
    assert "<b>Bold</b>" in clean
    assert "onclick" not in clean
    assert "javascript:" not in clean
    assert "<script" not in clean


def test_utc_datetimes_round_trip(app, db):
    user = factories.user()
    moment = dt.datetime(2026, 6, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    user.last_login_at = moment
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(type(user), user.id).last_login_at
    assert stored.tzinfo is not None
    assert stored == moment
    assert stored.utcoffset() == dt.timedelta(0)


def test_naive_datetimes_are_refused(app, db):
    user = factories.user()
    user.last_login_at = utcnow().replace(tzinfo=None)
    with pytest.raises(Exception, match="naive datetime"):
        db.session.commit()
    db.session.rollback()
