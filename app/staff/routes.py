"""Staff area: dashboard, users and roles, invitations, audit log, sent mail."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from app.actionplan.services import stale_weeks
from app.audit import AuditEvent, record
from app.auth import services as accounts
from app.auth.forms import InviteForm, RoleForm
from app.auth.models import Invitation, User, find_user_by_email
from app.db import child_or_404, utcnow
from app.extensions import db
from app.forms import ConfirmForm
from app.htmx import is_partial, render
from app.i18n import _, _l
from app.mail.models import OutboxMessage
from app.pagination import govuk_pagination, paginate
from app.security import ROLE_LABELS, ROLES, admin_required, staff_required
from app.staff import bp, queues
from app.staff.audit_text import describe, verb_label
from app.staff.mail_kinds import MAIL_STATUSES, kind_label
from app.staff.redaction import redact


@bp.route("", strict_slashes=False)
@staff_required
def dashboard():
    weeks = stale_weeks()
    pending_invitations = db.session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
    )
    user_count = db.session.scalar(select(func.count()).select_from(User))
    return render_template(
        "staff/dashboard.html",
        mail_counts=queues.mail_counts(),
        pending_invitations=pending_invitations,
        user_count=user_count,
        applications=queues.applications_to_review(),
        waiting=queues.waiting_lists(),
        bulletins=queues.bulletins_in_progress(),
        toolkits=queues.open_toolkits(),
        stale=queues.stale_actions(weeks),
    )


# --- users ---------------------------------------------------------------------------


def _role_form(user: User) -> RoleForm:
    form = RoleForm(prefix=f"u{user.id}", data={"role": user.role})
    form.role.label.text = _("Role for %(name)s", name=user.name)
    return form


@bp.route("/users")
@staff_required
def users():
    q = (request.args.get("q") or "").strip()[:200]
    role = request.args.get("role") if request.args.get("role") in ROLES else ""
    query = select(User).order_by(User.name, User.id)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(func.lower(User.name).like(like), func.lower(User.email).like(like)))
    if role:
        query = query.where(User.role == role)
    pager = paginate(query, per_page=current_app.config["PAGE_SIZE"])
    context = {
        "pager": pager,
        "q": q,
        "role": role,
        "role_labels": ROLE_LABELS,
        "role_forms": {u.id: _role_form(u) for u in pager.items},
        "action_form": ConfirmForm(),
        "pagination": govuk_pagination(pager, "staff.users", q=q, role=role),
    }
    return render("staff/users.html", "staff/_users_table.html", **context)


def _row_response(user: User, form: RoleForm | None = None, message: str | None = None, status: int = 200):
    return (
        render_template(
            "staff/_user_row.html",
            user=user,
            form=form or _role_form(user),
            action_form=ConfirmForm(),
            message=message,
        ),
        status,
    )


def _guard_self_and_last_admin(user: User, new_role: str | None = None, deactivate: bool = False) -> str | None:
    if user.id == current_user.id:
        return _("You cannot change your own role or deactivate your own account. Ask another administrator.")
    removes_admin = user.role == "admin" and user.active and (deactivate or (new_role and new_role != "admin"))
    if removes_admin and accounts.admin_count() <= 1:
        return _("There must always be at least one active administrator.")
    return None


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_required
def change_role(user_id: int):
    user = child_or_404(User, user_id)
    form = RoleForm(prefix=f"u{user.id}")
    form.role.label.text = _("Role for %(name)s", name=user.name)
    problem = None
    if form.validate_on_submit():
        problem = _guard_self_and_last_admin(user, new_role=form.role.data)
        if not problem:
            accounts.change_role(user, form.role.data)
            db.session.commit()
            message = _("%(name)s is now %(role)s.", name=user.name, role=user.role_label.lower())
            if is_partial():
                return _row_response(user, message=message)
            flash(message, "success")
            return redirect(url_for("staff.users"), code=303)
    if is_partial():
        return _row_response(user, form=form, message=problem, status=422)
    for error in [problem, *form.role.errors]:
        if error:
            flash(error, "important")
    return redirect(url_for("staff.users"), code=303)


def _set_active(user_id: int, active: bool):
    user = child_or_404(User, user_id)
    problem = None if active else _guard_self_and_last_admin(user, deactivate=True)
    if problem:
        if is_partial():
            return _row_response(user, message=problem, status=422)
        flash(problem, "important")
        return redirect(url_for("staff.users"), code=303)
    accounts.set_active(user, active)
    db.session.commit()
    message = (
        _("%(name)s has been reactivated.", name=user.name)
        if active
        else _("%(name)s has been deactivated and signed out everywhere.", name=user.name)
    )
    if is_partial():
        return _row_response(user, message=message)
    flash(message, "success")
    return redirect(url_for("staff.users"), code=303)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def deactivate_user(user_id: int):
    return _set_active(user_id, False)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@admin_required
def reactivate_user(user_id: int):
    return _set_active(user_id, True)


# --- invitations ---------------------------------------------------------------------

INVITATION_STATUSES = {"pending": _l("Pending"), "accepted": _l("Accepted"), "revoked": _l("Revoked")}
INVITATION_ROLES = {"member": _l("Member"), "staff": _l("Staff"), "admin": _l("Admin")}


@bp.route("/invitations", methods=["GET", "POST"])
@admin_required
def invitations():
    form = InviteForm()
    if form.validate_on_submit():
        existing = find_user_by_email(form.email.data)
        if existing is not None and existing.role in ("staff", "admin") and existing.role == form.role.data:
            form.email.errors.append(
                _("%(email)s is already %(role)s", email=existing.email, role=existing.role_label.lower())
            )
        else:
            accounts.invite(email=form.email.data, name=form.name.data, role=form.role.data, invited_by=current_user)
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("staff.invitations"), code=303)
    rows = db.session.scalars(select(Invitation).order_by(Invitation.created_at.desc()).limit(100)).all()
    return render_template(
        "staff/invitations.html",
        form=form,
        invitations=rows,
        action_form=ConfirmForm(),
        invitation_roles=INVITATION_ROLES,
        invitation_statuses=INVITATION_STATUSES,
    )


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@admin_required
def revoke_invitation(invitation_id: int):
    invitation = child_or_404(Invitation, invitation_id)
    if invitation.status == "pending":
        invitation.revoked_at = utcnow()
        record("invitation.revoked", invitation, email=invitation.email)
        db.session.commit()
        flash(_("Invitation to %(email)s revoked.", email=invitation.email), "success")
    return redirect(url_for("staff.invitations"), code=303)


# --- audit log -----------------------------------------------------------------------


@bp.route("/audit")
@staff_required
def audit():
    verb = (request.args.get("verb") or "").strip()[:80]
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if verb:
        query = query.where(AuditEvent.verb.startswith(verb))
    query = query.options(db.joinedload(AuditEvent.actor))
    pager = paginate(query, per_page=50)
    verbs = db.session.scalars(select(AuditEvent.verb).distinct().order_by(AuditEvent.verb)).all()
    return render_template(
        "staff/audit.html",
        pager=pager,
        lines=describe(pager.items),
        verb=verb,
        verb_options=[(v, verb_label(v)) for v in verbs],
        pagination=govuk_pagination(pager, "staff.audit", verb=verb),
    )


# --- sent mail -----------------------------------------------------------------------


@bp.route("/mail")
@staff_required
def mail():
    status = request.args.get("status") if request.args.get("status") in ("queued", "sending", "sent", "failed") else ""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status:
        query = query.where(OutboxMessage.status == status)
    pager = paginate(query, per_page=50)
    return render_template(
        "staff/mail.html",
        pager=pager,
        status=status,
        status_options=list(MAIL_STATUSES.items()),
        capture_mode=not current_app.config.get("MAIL_SERVER"),
        pagination=govuk_pagination(pager, "staff.mail", status=status),
        kind_label=kind_label,
    )


@bp.route("/mail/<int:message_id>")
@staff_required
def mail_message(message_id: int):
    message = child_or_404(OutboxMessage, message_id)
    # Credential links are removed in every mail mode (app/staff/redaction.py); a sensitive
    # message says so even when its sign-in link sits in a part we do not show.
    body = redact(message.body_text)
    return render_template("staff/mail_message.html", message=message, body=body, kind_label=kind_label)
