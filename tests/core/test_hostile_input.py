"""Hostile input gets a 400/404/413 with a clear message, never a 500 (issue 15.9). The whole-site
NUL and overflow cases are in tests/sweep/test_routes.py; these are the shapes the sweep cannot send."""

from __future__ import annotations


def _post_large(client, path, data, **kwargs):
    """Post through an EnvironBuilder we close, so its spooled body file is not left to the GC."""
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(path=path, method="POST", data=data, **kwargs)
    try:
        return client.open(builder.get_environ())
    finally:
        builder.close()


def test_a_15_mb_form_field_is_refused_not_echoed(client, db):
    response = _post_large(client, "/login", {"email": "x" * (15 * 1024 * 1024), "password": "whatever-123"})
    assert response.status_code == 413
    assert len(response.data) < 20_000 and "too large" in response.get_data(as_text=True)


def test_the_cap_holds_before_the_csrf_check_reads_the_form(app, client, db):
    """CSRFProtect reads the form before any before_request hook of ours: the bound must already hold."""
    app.config["WTF_CSRF_ENABLED"] = True
    response = _post_large(client, "/login", {"email": "x" * (3 * 1024 * 1024), "password": "whatever-123"})
    assert response.status_code == 413 and len(response.data) < 20_000


def test_a_large_field_in_a_file_upload_form_is_refused_too(client, db):
    # Encoded here: the test client spools a large multipart body to a file it never closes.
    body = b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\n' + b"x" * (2 * 1024 * 1024) + b"\r\n--b--\r\n"
    response = _post_large(client, "/register", body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413 and len(response.data) < 20_000


def test_405_keeps_its_allow_header(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST"}


def test_a_nul_byte_in_a_form_is_refused_with_a_plain_message(client, db):
    response = client.post("/login", data={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400
    assert "a null character" in response.get_data(as_text=True)


def test_a_nul_byte_in_the_path_is_not_found(client, db):
    for path in (
        "/groups/a%00b",
        "/events/a%00b",
        "/action-plans/a%00b",
        "/toolkits/a%00b",
        "/api/hsds/services/a%00b",
    ):
        assert client.get(path).status_code == 404, path


def test_an_id_too_big_for_any_row_is_not_found(client, login_as):
    login_as("staff")
    assert client.get("/staff/users/" + "9" * 25).status_code == 404
    assert client.get("/staff/mail/2147483648").status_code == 404


def test_api_errors_are_json(client, db):
    response = client.get("/api/hsds/services?search=a%00b")
    assert response.status_code == 400 and response.is_json
    assert "null character" in response.json["error"]
    missing = client.get("/api/hsds/nothing-here")
    assert missing.status_code == 404 and missing.is_json


def test_a_date_past_the_calendar_edge_is_a_400_with_the_parameter_named(client, db):
    for value in ("0001-01-01T00:00:00%2B14:00", "9999-12-31T23:59:59-14:00"):
        response = client.get(f"/api/hsds/services?modified_after={value}")
        assert response.status_code == 400, value
        assert "modified_after" in response.json["error"]
