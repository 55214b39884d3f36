"""The account page's data rights (issue 19): download my data (JSON and CSV), change my e-mail
address (confirmed by a link sent to the new address), delete my account (saying what is kept
and why). What other features hold comes from their registrations in app/personal_data.py."""

from __future__ import annotations

import datetime as dt
import json
import secrets

from flask import current_app, flash, make_response, redirect, render_template, session, url_for
from flask_login import current_user, logout_user
from sqlalchemy import and_, delete, func, or_, select

from app.audit import AuditEvent, record
from app.auth import bp
from app.auth.forms import ChangeEmailForm, DeleteAccountForm
from app.auth.models import User, find_user_by_email, normalise_email
from app.auth.services import admin_count
from app.extensions import db, limiter
from app.i18n import _
from app.mail import enqueue
from app.mail.models import OutboxMessage
from app.personal_data import as_csv, delete_all, export_all, register_personal_data
from app.ratelimits import signup_limit
from app.security import public, signed_in_required
from app.tokens import TokenError, make_token, read_token

EMAIL_CHANGE_MAX_AGE = dt.timedelta(days=1)


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _account(user: User) -> dict:
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id.desc()).limit(500)
    ).all()
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role_label,
        "created_at": _when(user.created_at),
        "confirmed_at": _when(user.confirmed_at),
        "last_sign_in_at": _when(user.last_login_at),
        "things_you_did": [{"at": _when(e.at), "what": e.verb} for e in events],
    }


def _emails(user: User) -> list[dict]:
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == user.email).order_by(OutboxMessage.id)
    ).all()
    return [{"subject": m.subject, "status": m.status, "created_at": _when(m.created_at), "sent_at": _when(m.sent_at)}
            for m in mail]  # fmt: skip


register_personal_data("account", _account)
register_personal_data("emails_sent_to_you", _emails)


# --- download -----------------------------------------------------------------------------------


def _download(body: str, mimetype: str, extension: str):
    record("user.data_downloaded", current_user, format=extension)
    db.session.commit()
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="my-data.{extension}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/my-data.json")
@signed_in_required
def my_data_json():
    data = export_all(current_user._get_current_object())
    return _download(json.dumps(data, indent=2, ensure_ascii=False), "application/json", "json")


@bp.route("/account/my-data.csv")
@signed_in_required
def my_data_csv():
    return _download("\ufeff" + as_csv(export_all(current_user._get_current_object())), "text/csv", "csv")


# --- change e-mail address ----------------------------------------------------------------------


@bp.route("/account/email", methods=["GET", "POST"])
@signed_in_required
@limiter.limit(signup_limit, methods=["POST"])
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        new = normalise_email(form.email.data)
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("Your password is not correct"))
        elif new == normalise_email(current_user.email):
            form.email.errors.append(_("That is already your email address"))
        else:
            # The same page whether or not another account uses the address (it must not tell);
            # only a free address is sent the link.
            if find_user_by_email(new) is None:
                token = make_token("email-change", {"uid": current_user.id, "old": current_user.email, "new": new})
                link = url_for("auth.confirm_email_change", token=token, _external=True)
                enqueue("email_change", to=new, subject=_("Confirm your new email address"), sensitive=True,
                        name=current_user.name, link=link)  # fmt: skip
            record("user.email_change_requested", current_user)
            db.session.commit()
            return render_template("auth/check_email.html", email=new, purpose="email_change")
    return render_template("auth/change_email.html", form=form)


@bp.route("/account/email/confirm/<token>")
@public
def confirm_email_change(token: str):
    try:
        data = read_token("email-change", token, int(EMAIL_CHANGE_MAX_AGE.total_seconds()))
        user = db.session.get(User, int(data["uid"]))
        if user is None or user.email != data["old"] or not user.active:
            raise TokenError("invalid")
    except (TokenError, KeyError, TypeError, ValueError):
        flash(_("That link to confirm a new email address does not work. It may have been used already."), "important")
        return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"), code=303)
    if find_user_by_email(data["new"]) is not None:
        flash(_("Another account uses that email address now, so yours was not changed."), "important")
        return redirect(url_for("auth.login"), code=303)
    old = user.email
    user.email = data["new"]
    record("user.email_changed", user, actor=user, old=old, new=user.email)
    enqueue("email_changed", to=old, subject=_("Your email address was changed"), name=user.name, new=user.email)
    db.session.commit()
    flash(_("Your email address is now %(email)s.", email=user.email), "success")
    return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"), code=303)


# --- delete my account --------------------------------------------------------------------------


def _last_admin(user: User) -> bool:
    return user.role == "admin" and admin_count() <= 1


def delete_account(user: User) -> None:
    """Remove what identifies the person; keep the rows others' records point at, anonymised."""
    delete_all(user)  # each feature's part first (memberships, invitations …)
    addresses = _addresses_of(user)
    db.session.execute(delete(OutboxMessage).where(func.lower(OutboxMessage.to_addr).in_(addresses)))
    _erase_addresses_from_audit(user, addresses)
    record("user.deleted", user, actor=user)
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@deleted.invalid"
    user.name = "Deleted user"
    user.password_hash = None
    user.active = False
    user.confirmed_at = None
    user.end_sessions()


def _about(user: User):
    return or_(
        AuditEvent.actor_id == user.id, and_(AuditEvent.object_type == "User", AuditEvent.object_id == str(user.id))
    )


def _addresses_of(user: User) -> set[str]:
    """Every address the account has had: the current one and those its e-mail changes name."""
    addresses = {user.email.lower()}
    changes = db.session.scalars(select(AuditEvent).where(_about(user), AuditEvent.verb == "user.email_changed"))
    for event in changes:
        addresses |= {str(event.details.get(key, "")).lower() for key in ("old", "new")} - {""}
    return addresses


def _erase_addresses_from_audit(user: User, addresses: set[str]) -> None:
    """The log keeps what was done, not the deleted person's addresses (walk3 read them afterwards)."""
    for event in db.session.scalars(select(AuditEvent).where(_about(user))):
        details = dict(event.details or {})
        kept = {k: ("(erased)" if isinstance(v, str) and v.lower() in addresses else v) for k, v in details.items()}
        if kept != details:
            event.details = kept


@bp.route("/account/delete", methods=["GET", "POST"])
@signed_in_required
def delete_my_account():
    form = DeleteAccountForm()
    user = current_user._get_current_object()
    if _last_admin(user):
        return render_template("auth/delete_account.html", form=None, last_admin=True)
    if form.validate_on_submit():
        if not user.check_password(form.current.data):
            form.current.errors.append(_("Your password is not correct"))
        else:
            delete_account(user)
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("Your account has been deleted."), "success")
            return redirect(url_for("main.index"), code=303)
    retention = current_app.config.get("AUDIT_RETENTION_DAYS")
    return render_template("auth/delete_account.html", form=form, last_admin=False, retention=retention)
