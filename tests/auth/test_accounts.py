"""Registration with e-mail confirmation, sign in/out, password reset and change, account page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.auth.models import User
from app.mail.models import OutboxMessage
from app.tokens import make_token
from tests import factories

STRONG = "lantern-meadow-copper"


def _register(client, **overrides):
    data = {"name": "Amina Yusuf", "email": "amina@example.org", "password": STRONG, "confirm": STRONG}
    data.update(overrides)
    return client.post("/register", data=data)


def _last_mail(db, to: str) -> OutboxMessage:
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == to).order_by(OutboxMessage.id.desc())
    ).first()


def _link(message: OutboxMessage) -> str:
    return re.search(r"http://localhost(/\S+)", message.body_text).group(1)


def test_register_confirm_and_sign_in(client, db):
    response = _register(client)
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "amina@example.org"))
    assert user is not None and user.role == "member" and not user.is_confirmed
    assert user.password_hash != STRONG

    mail = _last_mail(db, "amina@example.org")
    assert mail.kind == "confirm_account" and mail.sensitive
    # Not confirmed yet: signing in resends the link instead.
    response = client.post("/login", data={"email": "amina@example.org", "password": STRONG})
    assert "Check your email" in response.get_data(as_text=True)

    response = client.get(_link(mail))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, user.id).is_confirmed

    response = client.post("/login", data={"email": "AMINA@example.org ", "password": STRONG})
    assert response.status_code == 303
    assert client.get("/account").status_code == 200
    verbs = set(db.session.scalars(select(AuditEvent.verb)))
    assert {"user.registered", "user.confirmed", "user.login"} <= verbs


def test_register_again_does_not_reveal_the_account(client, db):
    factories.user(email="taken@example.org")
    db.session.commit()
    first = _register(client, email="taken@example.org").get_data(as_text=True)
    second = _register(client, email="new@example.org").get_data(as_text=True)
    strip = lambda html: html.replace("taken@example.org", "X").replace("new@example.org", "X")  # noqa: E731
    assert strip(first) == strip(second)
    assert db.session.scalar(select(func.count()).select_from(User)) == 2
    assert _last_mail(db, "taken@example.org").kind == "already_registered"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Enter your full name"),
        ({"email": ""}, "Enter your email address"),
        ({"email": "not-an-email"}, "Enter an email address in the correct format, like name@example.com"),
        ({"email": "a" * 250 + "@example.org"}, "Email address must be 254 characters or fewer"),
        ({"name": "x" * 121}, "Name must be 120 characters or fewer"),
        ({"name": "Amina\r\nBcc: x@example.org"}, "Name must not contain line breaks"),
        ({"password": "short", "confirm": "short"}, "Password must be 10 characters or more"),
        ({"password": "password123", "confirm": "password123"}, "too common"),
        ({"password": "qwertyuiop", "confirm": "qwertyuiop"}, "too common"),
        ({"password": "amina-12345678", "confirm": "amina-12345678"}, "must not contain your name or email"),
        ({"confirm": "something-else-entirely"}, "Passwords do not match"),
        ({"password": "p" * 129, "confirm": "p" * 129}, "128 characters or fewer"),
    ],
)
def test_register_bad_input_shows_field_errors_and_keeps_input(client, db, overrides, message):
    response = _register(client, **overrides)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html  # GOV.UK error summary
    assert "<title>Error:" in html
    assert message in html.replace("&#39;", "'")
    assert 'class="govuk-error-message"' in html
    if "name" not in overrides:
        assert 'value="Amina Yusuf"' in html  # what the user typed is kept
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_wrong_password_gives_one_message_for_every_failure(client, db):
    factories.user(email="a@example.org")
    factories.user(email="off@example.org", active=False)
    db.session.commit()
    wrong = client.post("/login", data={"email": "a@example.org", "password": "nope-nope-nope"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "nope-nope-nope"})
    inactive = client.post("/login", data={"email": "off@example.org", "password": factories.PASSWORD})
    for response in (wrong, unknown, inactive):
        assert response.status_code == 200
        assert "Enter a correct email address and password" in response.get_data(as_text=True)
    assert 'value="nobody@example.org"' in unknown.get_data(as_text=True)


def test_sign_in_starts_a_new_session_and_sign_out_ends_it(client, db):
    factories.user(email="a@example.org")
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    client.post("/login", data={"email": "a@example.org", "password": factories.PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
    client.post("/logout")
    assert client.get("/account").status_code == 302


def test_password_reset_works_once_and_ends_other_sessions(app, client, db):
    user = factories.user(email="a@example.org")
    db.session.commit()
    other = app.test_client()
    other.post("/login", data={"email": "a@example.org", "password": factories.PASSWORD})
    assert other.get("/account").status_code == 200

    response = client.post("/reset-password", data={"email": "a@example.org"})
    assert "Check your email" in response.get_data(as_text=True)
    link = _link(_last_mail(db, "a@example.org"))
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "new-harbour-lantern", "confirm": "new-harbour-lantern"})
    assert response.status_code == 303

    # The link is spent, and the other browser is signed out.
    again = client.get(link)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)
    assert other.get("/account").status_code == 302
    assert client.post("/login", data={"email": "a@example.org", "password": "new-harbour-lantern"}).status_code == 303
    assert _last_mail(db, "a@example.org").kind == "password_changed"
    db.session.expire_all()
    assert db.session.get(User, user.id).session_version == 2


def test_reset_for_unknown_address_looks_the_same(client, db):
    factories.user(email="a@example.org")
    db.session.commit()
    known = client.post("/reset-password", data={"email": "a@example.org"}).get_data(as_text=True)
    unknown = client.post("/reset-password", data={"email": "b@example.org"}).get_data(as_text=True)
    assert known.replace("a@example.org", "X") == unknown.replace("b@example.org", "X")
    assert _last_mail(db, "b@example.org") is None


def test_expired_reset_link(app, client, db):
    user = factories.user()
    db.session.commit()
    with app.test_request_context():
        token = make_token("reset", {"uid": user.id, "fp": user.password_fingerprint})
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    response = client.get(f"/reset-password/{token}")
    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/reset-password/garbage", "/register/confirm/garbage", "/invitations/garbage"])
def test_tampered_links_show_a_clear_page(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "This link does not work" in response.get_data(as_text=True)


def test_token_for_one_purpose_is_useless_for_another(app, client, db):
    user = factories.user(confirmed=False)
    db.session.commit()
    with app.test_request_context():
        confirm_token = make_token("confirm", {"uid": user.id, "email": user.email})
    assert client.get(f"/reset-password/{confirm_token}").status_code == 400


def test_change_password(client, login_as, db):
    user = login_as("member")
    response = client.post(
        "/account/password",
        data={"current": "wrong-password-x", "password": "new-harbour-lantern", "confirm": "new-harbour-lantern"},
    )
    assert "Your current password is not correct" in response.get_data(as_text=True)
    response = client.post(
        "/account/password",
        data={"current": factories.PASSWORD, "password": "new-harbour-lantern", "confirm": "new-harbour-lantern"},
    )
    assert response.status_code == 303
    assert client.get("/account").status_code == 200  # this browser stays signed in
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("new-harbour-lantern")


def test_change_name(client, login_as, db):
    user = login_as("member")
    assert client.post("/account/name", data={"name": ""}).status_code == 200
    response = client.post("/account/name", data={"name": "Nasreen Begum"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, user.id).name == "Nasreen Begum"


def test_rate_limit_on_login_shows_429_page(app, client, db):
    app.config["RATELIMIT_LOGIN"] = "3 per minute"
    for _ in range(3):
        assert client.post("/login", data={"email": "x@example.org", "password": "whatever-123"}).status_code == 200
    response = client.post("/login", data={"email": "x@example.org", "password": "whatever-123"})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # reading the page is not limited


@pytest.mark.parametrize("url", ["/register", "/reset-password"])
def test_rate_limit_on_signup_and_reset(app, client, url):
    app.config["RATELIMIT_SIGNUP"] = "2 per minute"
    for _ in range(2):
        client.post(url, data={"email": "x@example.org"})
    assert client.post(url, data={"email": "x@example.org"}).status_code == 429


def test_create_admin_command(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "boss@example.org", "--name", "Boss", "--password", "short"])
    assert result.exit_code != 0
    assert "10 characters" in result.output
    result = runner.invoke(
        args=["create-admin", "boss@example.org", "--name", "Boss", "--password", "granite-willow-ember"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.org"))
    assert user.role == "admin" and user.is_confirmed
    # Running it again promotes rather than duplicating.
    result = runner.invoke(
        args=["create-admin", "boss@example.org", "--name", "Boss", "--password", "granite-willow-ember"]
    )
    assert "Updated administrator" in result.output


def test_seed_demo_is_idempotent(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    count = db.session.scalar(select(func.count()).select_from(User))
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert "admin@example.org" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == count == 4
    assert "already has accounts" in runner.invoke(args=["seed-demo", "--if-empty"]).output
