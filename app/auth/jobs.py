"""Retention of account data (docs/data-protection.md): staff invitations after a year, accounts never
confirmed after 30 days, sign-in session rows once they can no longer be used."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import delete

from app.auth.models import Invitation, User, UserSession
from app.db import utcnow
from app.extensions import db
from app.retention import retention_rule

INVITATION_DAYS = 365
UNCONFIRMED_ACCOUNT_DAYS = 30


@retention_rule("invitations")
def delete_old_invitations(now: dt.datetime) -> int:
    cutoff = now - dt.timedelta(days=INVITATION_DAYS)
    return db.session.execute(delete(Invitation).where(Invitation.created_at < cutoff)).rowcount


@retention_rule("unconfirmed_users")
def delete_unconfirmed_accounts(now: dt.datetime) -> int:
    """Someone who never confirmed their address never really had an account."""
    cutoff = now - dt.timedelta(days=UNCONFIRMED_ACCOUNT_DAYS)
    return db.session.execute(delete(User).where(User.confirmed_at.is_(None), User.created_at < cutoff)).rowcount


@retention_rule("user_sessions")
def delete_expired_sessions(now: dt.datetime | None = None) -> int:
    """A session past SESSION_MAX_HOURS opens nothing (app/auth/sessions.py); its row and user agent go."""
    cutoff = (now or utcnow()) - dt.timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    return db.session.execute(delete(UserSession).where(UserSession.created_at < cutoff)).rowcount
