"""Account actions shared by routes, CLI and staff pages. Callers commit."""

from __future__ import annotations

from flask import current_app, url_for

from app.audit import record
from app.auth.models import Invitation, User, find_user_by_email, normalise_email
from app.db import utcnow
from app.extensions import db
from app.i18n import _
from app.mail import enqueue
from app.security import ROLE_LABELS
from app.tokens import make_token


def create_user(*, email: str, name: str, password: str | None, role: str = "member", confirmed: bool = False) -> User:
    user = User(email=normalise_email(email), name=name.strip(), role=role, active=True)
    if password:
        user.set_password(password)
    if confirmed:
        user.confirmed_at = utcnow()
    db.session.add(user)
    db.session.flush()
    return user


def send_confirmation(user: User) -> None:
    token = make_token("confirm", {"uid": user.id, "email": user.email})
    enqueue(
        "confirm_account",
        to=user.email,
        subject=_("Confirm your email address for %(service)s", service=current_app.config["SERVICE_NAME"]),
        sensitive=True,
        user=user,
        link=url_for("auth.confirm", token=token, _external=True),
        days=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 86400,
    )


def send_already_registered(user: User) -> None:
    enqueue(
        "already_registered",
        to=user.email,
        subject=_("You already have an account with %(service)s", service=current_app.config["SERVICE_NAME"]),
        user=user,
        login_link=url_for("auth.login", _external=True),
        reset_link=url_for("auth.reset_request", _external=True),
    )


def send_password_reset(user: User) -> None:
    token = make_token("reset", {"uid": user.id, "fp": user.password_fingerprint})
    enqueue(
        "password_reset",
        to=user.email,
        subject=_("Reset your password for %(service)s", service=current_app.config["SERVICE_NAME"]),
        sensitive=True,
        user=user,
        link=url_for("auth.reset_password", token=token, _external=True),
        minutes=current_app.config["RESET_TOKEN_MAX_AGE"] // 60,
    )


def send_password_changed(user: User) -> None:
    enqueue(
        "password_changed",
        to=user.email,
        subject=_("Your password has been changed"),
        user=user,
        reset_link=url_for("auth.reset_request", _external=True),
    )


def invite(*, email: str, name: str, role: str, invited_by: User) -> Invitation:
    invitation = Invitation(email=normalise_email(email), name=name.strip(), role=role, invited_by_id=invited_by.id)
    db.session.add(invitation)
    db.session.flush()
    token = make_token("invite", {"iid": invitation.id, "email": invitation.email})
    enqueue(
        "invitation",
        to=invitation.email,
        subject=_(
            "You have been invited to join %(service)s as %(role)s",
            service=current_app.config["SERVICE_NAME"],
            role=str(ROLE_LABELS.get(role, role)).lower(),
        ),
        sensitive=True,
        invitation=invitation,
        inviter=invited_by,
        link=url_for("auth.accept_invitation", token=token, _external=True),
        days=current_app.config["INVITE_TOKEN_MAX_AGE"] // 86400,
    )
    record("invitation.sent", invitation, email=invitation.email, role=role)
    return invitation


def change_role(user: User, role: str) -> None:
    old = user.role
    if old == role:
        return
    user.role = role
    record("user.role_changed", user, old=old, new=role, email=user.email)


def set_active(user: User, active: bool) -> None:
    if user.active == active:
        return
    user.active = active
    if not active:
        user.end_sessions()
    record("user.reactivated" if active else "user.deactivated", user, email=user.email)


def admin_count() -> int:
    return db.session.scalar(
        db.select(db.func.count()).select_from(User).where(User.role == "admin", User.active.is_(True))
    )


def ensure_admin(email: str, name: str, password: str) -> tuple[User, bool]:
    """Create or promote an admin (the `flask create-admin` command). Returns (user, created)."""
    user = find_user_by_email(email)
    created = user is None
    if created:
        user = create_user(email=email, name=name, password=password, role="admin", confirmed=True)
        record("user.created", user, actor=None, email=user.email, role="admin", via="cli")
    else:
        change_role(user, "admin")
        user.active = True
        if password:
            user.set_password(password)
            user.end_sessions()
        if not user.confirmed_at:
            user.confirmed_at = utcnow()
    return user, created
