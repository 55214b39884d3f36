"""Sign in, sign out, registration with e-mail confirmation, password reset, account, invitations."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app.audit import record
from app.auth import bp, sessions
from app.auth import services as accounts
from app.auth.forms import (
    AcceptInvitationForm,
    ChangeNameForm,
    ChangePasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from app.auth.models import Invitation, User, find_user_by_email, password_matches, spend_a_password_hash
from app.db import utcnow
from app.extensions import db, limiter
from app.forms import ConfirmForm
from app.i18n import _
from app.personal_data import rows_for_account
from app.ratelimits import failed_sign_in, login_limit, signup_limit
from app.security import public, safe_next, signed_in_required
from app.tokens import TokenError, read_token


def link_problem(exc: Exception, purpose: str):
    """The page for an e-mailed link that is expired, used, tampered with or malformed."""
    reason = exc.reason if isinstance(exc, TokenError) else "invalid"
    return render_template("auth/link_problem.html", reason=reason, purpose=purpose), 400


def start_session(user: User) -> None:
    """Begin a fresh session (no data carried over from before sign-in: no fixation), recorded
    server-side so that signing out ends it everywhere the cookie may have been copied."""
    session.clear()
    sessions.begin(user)
    login_user(user)
    user.last_login_at = utcnow()
    record("user.login", user, actor=user)
    db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(login_limit, methods=["POST"], deduct_when=failed_sign_in)
def login():
    next_url = safe_next(request.values.get("next"), default="")
    if current_user.is_authenticated:
        return redirect(next_url or url_for("auth.account"))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        # One message for every failure, so the form does not reveal who has an account.
        if not password_matches(user, form.password.data):
            form.email.errors.append(_("Enter a correct email address and password"))
            record("user.login_failed", None, actor=None, email=form.email.data[:254])
            db.session.commit()
            return render_template("auth/login.html", form=form, next=next_url), 200
        if not user.is_confirmed:
            accounts.send_confirmation(user)
            db.session.commit()
            return render_template("auth/check_email.html", email=user.email, purpose="confirm")
        start_session(user)
        flash(_("You are signed in."), "success")
        return redirect(next_url or url_for("main.index"), code=303)
    return render_template("auth/login.html", form=form, next=next_url)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        sessions.end(current_user)
        record("user.logout", current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("main.index"), code=303)


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@signed_in_required
def sign_out_everywhere():
    """End every session of this account, this browser's included (a lost phone, a shared computer)."""
    user = current_user._get_current_object()
    user.end_sessions()
    record("user.logout_everywhere", user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have been signed out on every device, this one included. Sign in again to carry on."), "success")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(signup_limit, methods=["POST"])
def register():
    next_url = safe_next(request.values.get("next"), default="")
    if current_user.is_authenticated:
        return redirect(next_url or url_for("auth.account"))
    # An invitation's "Create an account" fills in the address it was sent to (issue 19).
    form = RegisterForm(data={"email": (request.args.get("email") or "")[:254]} if request.method == "GET" else None)
    if form.validate_on_submit():
        existing = find_user_by_email(form.email.data)
        if existing is not None:
            spend_a_password_hash(form.password.data)  # as long as creating an account takes
        if existing is None:
            user = accounts.create_user(email=form.email.data, name=form.name.data, password=form.password.data)
            record("user.registered", user, actor=user, email=user.email)
            accounts.send_confirmation(user)
        elif not existing.is_confirmed:
            accounts.send_confirmation(existing)
        else:
            accounts.send_already_registered(existing)
        db.session.commit()
        if next_url:  # back to it (an invitation, say) after confirming, in this browser
            session["after_sign_in"] = next_url
        # Same page whatever happened: it must not reveal whether the address has an account.
        return render_template("auth/check_email.html", email=form.email.data, purpose="confirm")
    return render_template("auth/register.html", form=form, next=next_url)


@bp.route("/register/confirm/<token>")
@public
def confirm(token: str):
    try:
        data = read_token("confirm", token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
        user = db.session.get(User, int(data["uid"]))
        if user is None or user.email != data["email"]:
            raise TokenError("invalid")
    except (TokenError, KeyError, TypeError, ValueError) as exc:
        return link_problem(exc, "confirm")
    if not user.is_confirmed:
        user.confirmed_at = utcnow()
        record("user.confirmed", user, actor=user)
        db.session.commit()
        flash(_("Your email address is confirmed. You can now sign in."), "success")
    else:
        flash(_("Your email address was already confirmed. You can sign in."), "success")
    return redirect(
        url_for("auth.login", next=safe_next(session.pop("after_sign_in", None), default="") or None), code=303
    )


@bp.route("/reset-password", methods=["GET", "POST"])
@public
@limiter.limit(signup_limit, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = find_user_by_email(form.email.data)
        if user is not None and user.is_active:
            accounts.send_password_reset(user)
            record("user.password_reset_requested", user, actor=None)
        else:  # the same write and commit, so the time taken does not tell who has an account
            record("user.password_reset_unknown", None, actor=None, email=form.email.data[:254])
        db.session.commit()
        return render_template("auth/check_email.html", email=form.email.data, purpose="reset")
    return render_template("auth/reset_request.html", form=form)


def _user_from_reset_token(token: str) -> User:
    data = read_token("reset", token, current_app.config["RESET_TOKEN_MAX_AGE"])
    try:
        user = db.session.get(User, int(data["uid"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenError("invalid") from exc
    if user is None or not user.is_active:
        raise TokenError("invalid")
    if data.get("fp") != user.password_fingerprint:
        raise TokenError("used")
    return user


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
@limiter.limit(signup_limit, methods=["POST"])
def reset_password(token: str):
    try:
        user = _user_from_reset_token(token)
    except TokenError as exc:
        return link_problem(exc, "reset")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        user.end_sessions()
        if not user.is_confirmed:
            user.confirmed_at = utcnow()  # they proved they can read mail at this address
        record("user.password_reset", user, actor=user)
        accounts.send_password_changed(user)
        db.session.commit()
        flash(_("Your password has been changed. Sign in with your new password."), "success")
        return redirect(url_for("auth.login"), code=303)
    return render_template("auth/reset_password.html", form=form, token=token)


@bp.route("/account")
@signed_in_required
def account():
    return render_template(
        "auth/account.html",
        signed_in_count=sessions.count(current_user),
        lifetime=sessions.lifetime_text(),
        data_rows=rows_for_account(current_user._get_current_object()),
    )


@bp.route("/account/name", methods=["GET", "POST"])
@signed_in_required
def change_name():
    form = ChangeNameForm(obj=current_user if request.method == "GET" else None)
    if form.validate_on_submit():
        old = current_user.name
        current_user.name = form.name.data
        record("user.name_changed", current_user, old=old, new=form.name.data)
        db.session.commit()
        flash(_("Your name has been changed."), "success")
        return redirect(url_for("auth.account"), code=303)
    return render_template("auth/change_name.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in_required
def change_password():
    form = ChangePasswordForm()
    form.owner_email, form.owner_name = current_user.email, current_user.name
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("Your current password is not correct"))
        else:
            user = current_user._get_current_object()
            user.set_password(form.password.data)
            user.end_sessions()  # signs out every other browser
            record("user.password_changed", user)
            accounts.send_password_changed(user)
            db.session.commit()
            start_session(user)
            flash(_("Your password has been changed. Other devices have been signed out."), "success")
            return redirect(url_for("auth.account"), code=303)
    return render_template("auth/change_password.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    try:
        data = read_token("invite", token, current_app.config["INVITE_TOKEN_MAX_AGE"])
        invitation = db.session.get(Invitation, int(data["iid"]))
        if invitation is None or invitation.email != data["email"] or invitation.revoked_at:
            raise TokenError("invalid")
        if invitation.accepted_at:
            raise TokenError("used")
    except (TokenError, KeyError, TypeError, ValueError) as exc:
        return link_problem(exc, "invite")

    existing = find_user_by_email(invitation.email)
    form = AcceptInvitationForm(data={"name": invitation.name} if request.method == "GET" else None)
    if existing is not None:
        # Someone with an account: the invitation just grants the role, after they sign in.
        form = ConfirmForm()
        if request.method == "POST" and form.validate_on_submit():
            if not current_user.is_authenticated or current_user.id != existing.id:
                flash(_("Sign in as %(email)s to accept this invitation.", email=existing.email), "important")
                return redirect(url_for("auth.login", next=request.path), code=303)
            accounts.change_role(existing, invitation.role)
            existing.confirmed_at = existing.confirmed_at or utcnow()
            invitation.accepted_at = utcnow()
            record("invitation.accepted", invitation, email=existing.email)
            db.session.commit()
            flash(_("You now have the %(role)s role.", role=existing.role_label.lower()), "success")
            return redirect(url_for("staff.dashboard"), code=303)
        return render_template("auth/accept_invitation.html", invitation=invitation, form=form, existing=existing)

    form.owner_email = invitation.email
    if form.validate_on_submit():
        user = accounts.create_user(
            email=invitation.email,
            name=form.name.data,
            password=form.password.data,
            role=invitation.role,
            confirmed=True,
        )
        invitation.accepted_at = utcnow()
        record("user.created", user, actor=user, email=user.email, role=user.role, via="invitation")
        record("invitation.accepted", invitation, actor=user, email=user.email)
        db.session.commit()
        start_session(user)
        flash(_("Your account has been created."), "success")
        return redirect(url_for("staff.dashboard"), code=303)
    return render_template("auth/accept_invitation.html", invitation=invitation, form=form, existing=None)
