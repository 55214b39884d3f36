"""Account enumeration by timing (issue 15.8): the expensive step, a password hash, happens exactly
once whether or not the address has an account, for sign-in and for registration. Counting the
hash calls proves the paths match without a timed test (figures: docs/security.md)."""

from __future__ import annotations

import pytest

import app.auth.models as models
from tests import factories

PASSWORD = "lantern-meadow-copper"


@pytest.fixture
def hash_calls(monkeypatch):
    calls = {"check": 0, "generate": 0}
    check, generate = models.check_password_hash, models.generate_password_hash

    def counted_check(*args, **kwargs):
        calls["check"] += 1
        return check(*args, **kwargs)

    def counted_generate(*args, **kwargs):
        calls["generate"] += 1
        return generate(*args, **kwargs)

    monkeypatch.setattr(models, "check_password_hash", counted_check)
    monkeypatch.setattr(models, "generate_password_hash", counted_generate)
    return calls


def _sign_in(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


@pytest.mark.parametrize(
    "case", ["unknown address", "wrong password", "inactive account", "no password set", "right password"]
)
def test_every_sign_in_checks_exactly_one_password_hash(app, client, db, hash_calls, case):
    email = "known@example.org"
    if case != "unknown address":
        user = factories.user(email=email, password=PASSWORD)
        user.active = case != "inactive account"
        if case == "no password set":
            user.password_hash = None
        db.session.commit()
    with app.app_context():
        models._dummy_hash(app.config["PASSWORD_HASH_METHOD"])  # made once per process, before timing matters
    hash_calls.update(check=0, generate=0)
    response = _sign_in(client, email, PASSWORD if case in ("right password", "inactive account") else "wrong-pass-1")
    assert hash_calls["check"] == 1
    assert hash_calls["generate"] == 0
    assert response.status_code == (303 if case == "right password" else 200)


@pytest.mark.parametrize("case", ["new address", "unconfirmed account", "confirmed account"])
def test_every_registration_computes_exactly_one_password_hash(client, db, hash_calls, case):
    email = "someone@example.org"
    if case != "new address":
        user = factories.user(email=email, password=PASSWORD)
        if case == "unconfirmed account":
            user.confirmed_at = None
        db.session.commit()
    hash_calls.update(check=0, generate=0)
    response = client.post(
        "/register",
        data={
            "name": "Some One",
            "email": email,
            "password": "copper-harbour-violet",
            "confirm": "copper-harbour-violet",
        },
    )
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert hash_calls["generate"] == 1


def test_an_unknown_address_cannot_sign_in_with_the_dummy_password(client, db):
    assert _sign_in(client, "nobody@example.org", "no-account-has-this-password").status_code == 200
    assert "Enter a correct email address and password" in _sign_in(client, "nobody@example.org").get_data(as_text=True)
