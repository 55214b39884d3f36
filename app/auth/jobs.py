"""Retention: sign-in session rows go once they can no longer be used (docs/data-protection.md)."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import delete

from app.auth.models import UserSession
from app.db import utcnow
from app.extensions import db
from app.retention import retention_rule


@retention_rule("user_sessions")
def delete_expired_sessions(now: dt.datetime | None = None) -> int:
    """A session past SESSION_MAX_HOURS opens nothing (app/auth/sessions.py); its row and user agent go."""
    cutoff = (now or utcnow()) - dt.timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    return db.session.execute(delete(UserSession).where(UserSession.created_at < cutoff)).rowcount
