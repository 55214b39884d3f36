"""Server-side sign-in sessions (issue 15): signing out ends the session, not just the cookie.

Flask's session is a signed cookie, so clearing it on sign-out leaves any copy of it working.
Each sign-in therefore gets a random key whose hash is a `UserSession` row; the cookie carries
`user id:session version:key` and the user loader accepts it only while the row exists.
- Sign out deletes this browser's row; "sign out everywhere", a password change or reset and
  deactivation delete every row and bump the session version (User.end_sessions).
- A sign-in lasts at most SESSION_MAX_HOURS, and ends after SESSION_IDLE_MINUTES without a
  request. The last-seen time rides in the signed cookie (refreshed at most once a minute), so
  checking it costs no database write; a copied cookie ages like the original.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections.abc import MutableMapping

from flask import current_app, has_request_context, request, session
from sqlalchemy import delete, func, select

from app.auth.models import User, UserSession
from app.db import utcnow
from app.extensions import db
from app.i18n import _, ngettext

SEEN = "_seen"  # when this browser last made a request (Unix seconds), in the signed cookie
REFRESH_SECONDS = 60


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _max_age() -> dt.timedelta:
    return dt.timedelta(hours=current_app.config["SESSION_MAX_HOURS"])


def begin(user: User, store: MutableMapping | None = None) -> str:
    """Record a new signed-in browser for `user`; returns the id Flask-Login keeps in the cookie.
    `store` is the cookie session to stamp (Flask's own by default; tests pass theirs)."""
    store = session if store is None else store
    # Sign-ins that ran out are of no further use: tidy this person's as a new one starts.
    db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.created_at < utcnow() - _max_age())
    )
    key = secrets.token_urlsafe(32)
    agent = request.headers.get("User-Agent", "")[:200] if has_request_context() else ""
    db.session.add(UserSession(user_id=user.id, key_hash=_hash(key), user_agent=agent or None))
    user.session_key = key
    store[SEEN] = int(time.time())
    return user.get_id()


def load(session_id: str) -> User | None:
    """Flask-Login's user loader: the user while this browser's sign-in is live, else None."""
    try:
        user_part, version_part, key = session_id.split(":", 2)
        user_id, version = int(user_part), int(version_part)
    except (ValueError, AttributeError):
        return None
    seen = session.get(SEEN)
    now = time.time()
    if not key or not isinstance(seen, int) or now - seen > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        return None
    user = db.session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == user_id,
            UserSession.key_hash == _hash(key),
            UserSession.created_at >= utcnow() - _max_age(),
        )
    )
    if user is None or user.session_version != version or not user.active:
        return None
    user.session_key = key
    if now - seen > REFRESH_SECONDS:
        session[SEEN] = int(now)
    return user


def end(user: User) -> None:
    """Sign this browser out: its key no longer opens anything, wherever the cookie was copied."""
    if user.session_key:
        db.session.execute(delete(UserSession).where(UserSession.key_hash == _hash(user.session_key)))


def count(user: User) -> int:
    """How many browsers this person is signed in on (for the account page)."""
    return db.session.scalar(
        select(func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == user.id, UserSession.created_at >= utcnow() - _max_age())
    )


def _duration(minutes: int) -> str:
    if minutes % 60:
        return ngettext("%(num)s minute", "%(num)s minutes", minutes)
    return ngettext("%(num)s hour", "%(num)s hours", minutes // 60)


def lifetime_text() -> str:
    """The account page's sentence on how long a sign-in lasts."""
    config = current_app.config
    idle, most = _duration(config["SESSION_IDLE_MINUTES"]), _duration(config["SESSION_MAX_HOURS"] * 60)
    return _(
        "You are signed out after %(idle)s without using the site, and after %(most)s in any case.",
        idle=idle,
        most=most,
    )
