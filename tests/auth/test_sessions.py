"""Server-side sessions (issue 15.3): signing out ends the session wherever its cookie was copied."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, select

from app.auth.models import UserSession
from app.auth.sessions import SEEN
from tests import factories

PASSWORD = "lantern-meadow-copper"


def _signed_in_client(app, db, email="amina@example.org"):
    """A new browser that signs in through the form (the account is made on first use)."""
    from app.auth.models import find_user_by_email

    if find_user_by_email(email) is None:
        factories.user(email=email, password=PASSWORD)
        db.session.commit()
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303
    return client


def _copy_of(app, client):
    """A second browser holding a copy of `client`'s session cookie (the attacker's)."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def _is_signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_copied_cookie_stops_working_after_sign_out(app, db):
    client = _signed_in_client(app, db)
    thief = _copy_of(app, client)
    assert _is_signed_in(thief)  # the copy works while the session lives ...
    client.post("/logout")
    assert not _is_signed_in(client)
    assert not _is_signed_in(thief)  # ... and dies with it
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_sign_out_on_one_device_leaves_the_others_signed_in(app, db):
    phone = _signed_in_client(app, db)
    laptop = _signed_in_client(app, db)
    assert "signed in on 2 devices or browsers" in laptop.get("/account").get_data(as_text=True)
    phone.post("/logout")
    assert not _is_signed_in(phone)
    assert _is_signed_in(laptop)


def test_sign_out_everywhere_ends_every_session_this_one_included(app, db):
    phone = _signed_in_client(app, db)
    laptop = _signed_in_client(app, db)
    thief = _copy_of(app, phone)
    response = laptop.post("/account/sign-out-everywhere")
    assert response.status_code == 303 and response.headers["Location"].endswith("/login")
    for browser in (phone, laptop, thief):
        assert not _is_signed_in(browser)


def test_a_password_change_ends_other_sessions_but_keeps_this_one(app, db):
    phone = _signed_in_client(app, db)
    laptop = _signed_in_client(app, db)
    response = laptop.post(
        "/account/password",
        data={"current": PASSWORD, "password": "copper-harbour-violet", "confirm": "copper-harbour-violet"},
    )
    assert response.status_code == 303
    assert _is_signed_in(laptop)
    assert not _is_signed_in(phone)


def test_an_idle_session_ends(app, db):
    client = _signed_in_client(app, db)
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    with client.session_transaction() as session:
        session[SEEN] = int(time.time()) - idle - 5
    assert not _is_signed_in(client)


def test_activity_keeps_a_session_alive(app, db):
    client = _signed_in_client(app, db)
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    with client.session_transaction() as session:
        session[SEEN] = int(time.time()) - idle + 120  # two minutes left
    assert _is_signed_in(client)  # this request refreshes the last-seen time
    with client.session_transaction() as session:
        assert session[SEEN] >= int(time.time()) - 5


def test_a_session_ends_after_its_maximum_lifetime_however_active(app, db):
    client = _signed_in_client(app, db)
    row = db.session.scalars(select(UserSession)).one()
    row.created_at = row.created_at - timedelta(hours=app.config["SESSION_MAX_HOURS"], minutes=1)
    db.session.commit()
    assert not _is_signed_in(client)


def test_the_account_page_states_the_session_lifetime(app, db):
    app.config.update(SESSION_IDLE_MINUTES=90, SESSION_MAX_HOURS=12)
    client = _signed_in_client(app, db)
    page = client.get("/account").get_data(as_text=True)
    assert "signed out after 90 minutes without using the site, and after 12 hours in any case" in page
    assert "Sign out everywhere" in page


def test_an_old_style_cookie_without_a_session_key_is_refused(app, db):
    user = factories.user(email="old@example.org", password=PASSWORD)
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{user.session_version}"
        session[SEEN] = int(time.time())
    assert not _is_signed_in(client)


def test_only_a_hash_of_the_key_is_stored(app, db):
    client = _signed_in_client(app, db)
    with client.session_transaction() as session:
        key = session["_user_id"].split(":", 2)[2]
    stored = db.session.scalars(select(UserSession.key_hash)).one()
    assert key not in stored and len(stored) == 64
