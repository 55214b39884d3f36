"""Accounts: users and staff invitations."""

from __future__ import annotations

import datetime as dt
import functools

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, delete, func, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.security import ROLE_LABELS, ROLES, has_role


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('member', 'staff', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="member", server_default="member")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Bumped to end every session of this user (deactivation, password change).
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The language chosen with the header's switcher (app.i18n): pages and e-mails follow it; None until chosen.
    language: Mapped[str | None] = mapped_column(String(8))

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    # Flask-Login: the session stores id and version, so bumping the version logs out
    # every browser that holds an older session cookie or remember-me cookie.
    # The third part is this browser's own sign-in (app/auth/sessions.py), set when the
    # session begins or is loaded: signing out deletes it, so a copied cookie dies with it.
    session_key: str = ""

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}:{self.session_key}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return bool(self.active)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))  # translated now, in the reader's language

    @property
    def is_staff(self) -> bool:
        return has_role(self, "staff")

    @property
    def is_admin(self) -> bool:
        return has_role(self, "admin")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Sign this person out of every browser (deactivation, password change, "sign out everywhere")."""
        self.session_version = (self.session_version or 1) + 1
        db.session.execute(delete(UserSession).where(UserSession.user_id == self.id))

    @property
    def password_fingerprint(self) -> str:
        """Changes whenever the password does, so a reset link works only once."""
        return (self.password_hash or "none")[-16:]


class UserSession(db.Model):
    """One signed-in browser. The cookie holds a random key; only its SHA-256 is stored here, so
    a copy of this table cannot be turned into a session."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(String(200))


@functools.cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("no-account-has-this-password", method=method)


def password_matches(user: User | None, password: str) -> bool:
    """Check a sign-in with one password hash check whatever the outcome (no such address, an
    inactive account, no password set, a wrong or right password), so the time taken does not
    tell an attacker which addresses have accounts."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash(method)
    matches = check_password_hash(stored, password or "")
    return bool(matches and user is not None and user.password_hash and user.is_active)


def spend_a_password_hash(password: str) -> None:
    """Do the work of hashing a new password without keeping it: registration paths that create
    no account take as long as the one that does."""
    generate_password_hash(password or "", method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(db.select(User).where(func.lower(User.email) == normalise_email(email)))


class Invitation(db.Model):
    """An admin's invitation for someone to join as staff (or admin)."""

    __tablename__ = "invitations"
    __table_args__ = (CheckConstraint("role IN ('member', 'staff', 'admin')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    invited_by = relationship("User", foreign_keys=[invited_by_id], lazy="joined")

    @property
    def role_label(self) -> str:
        """The role as a reader names it, in lower case inside a sentence ("staff", "administrator")."""
        return str(ROLE_LABELS.get(self.role, self.role)).lower()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "pending"


__all__ = [
    "ROLES",
    "Invitation",
    "User",
    "UserSession",
    "find_user_by_email",
    "normalise_email",
    "password_matches",
    "spend_a_password_hash",
]
