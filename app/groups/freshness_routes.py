"""Pages for listings that stay fresh (issue 18 §2, app/groups/freshness.py): the owners' signed
"Is your listing still correct?" link, the public "Report a problem with this listing" form, and the
staff "needs checking" work queue."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audit import record
from app.auth.models import User
from app.db import child_or_404, first_or_404, utcnow
from app.extensions import db, limiter
from app.forms import ConfirmForm
from app.groups import bp, freshness
from app.groups.forms import ReportProblemForm
from app.groups.models import ListingCheck, ListingReport, Membership, Organisation
from app.groups.routes import WITH_TAGS
from app.i18n import _
from app.ratelimits import listing_report_limit
from app.security import public, staff_required

# --- the owners' signed link ---------------------------------------------------------------------


@bp.route("/groups/check/<token>", methods=["GET", "POST"])
@public
def listing_check(token: str):
    """GET shows the listing and a "Yes, it is correct" button; POST confirms. The signed link names
    the group and the owner it was sent to, who must still own the group."""
    payload = freshness.read_confirm_token(token)
    org = None
    if payload:
        query = select(Organisation).where(Organisation.id == payload["org"]).options(selectinload(Organisation.tags))
        org = db.session.scalars(query).first()
    owner = db.session.get(User, payload["user"]) if payload else None
    owns = (
        owner is not None
        and org is not None
        and db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == owner.id, Membership.organisation_id == org.id, Membership.role == "owner"
            )
        )
        is not None
    )
    if not owns or org.status != "approved":
        return render_template("groups/listing_check_problem.html"), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        freshness.confirm(org, owner)
        db.session.commit()
        return render_template("groups/listing_check.html", org=org, confirmed=True, form=form)
    check = db.session.get(ListingCheck, org.id)
    return render_template(
        "groups/listing_check.html", org=org, form=form, confirmed=False, last_checked=freshness.checked_at(org, check)
    )


# --- reports from the public ---------------------------------------------------------------------


@bp.route("/groups/<slug>/report", methods=["GET", "POST"])
@public
@limiter.limit(listing_report_limit, methods=["POST"])
def report_listing(slug: str):
    org = first_or_404(select(Organisation).where(Organisation.slug == slug[:220], Organisation.status == "approved"))
    form = ReportProblemForm()
    if form.validate_on_submit():
        _report, told = freshness.report_problem(org, form.problem.data, form.email.data)
        db.session.commit()
        if told:
            flash(_("Thank you. Your report is with the network team. We have emailed the group too."), "success")
        else:
            flash(
                _("Thank you. Your report is with the network team. The team will pass it on to the group."), "success"
            )
        return redirect(url_for("groups.profile", slug=org.slug), code=303)
    return render_template("groups/report.html", org=org, form=form)


# --- the staff work queue ------------------------------------------------------------------------


@bp.route("/staff/groups/needs-checking")
@staff_required
def staff_needs_checking():
    now = utcnow()
    rows = db.session.execute(freshness.needing_checks(now).order_by(Organisation.name, Organisation.id)).all()
    reports = db.session.execute(freshness.open_reports()).all()
    return render_template(
        "groups/staff/needs_checking.html",
        rows=[(org, check, freshness.checked_at(org, check)) for org, check in rows],
        reports=reports,
        form=ConfirmForm(),
        months=freshness.check_months(),
        reminder_days=freshness.REMINDER_DAYS,
    )


@bp.route("/staff/groups/<int:org_id>/confirm-listing", methods=["POST"])
@staff_required
def staff_confirm_listing(org_id: int):
    org = child_or_404(Organisation, org_id, load=WITH_TAGS)
    if ConfirmForm().validate_on_submit() and org.status == "approved":
        freshness.confirm(org, current_user, as_staff=True)
        db.session.commit()
        flash(_("%(name)s's listing is confirmed as correct, on the group's behalf.", name=org.name), "success")
    return redirect(url_for("groups.staff_needs_checking"), code=303)


@bp.route("/staff/groups/<int:org_id>/chase", methods=["POST"])
@staff_required
def staff_chase_listing(org_id: int):
    org = child_or_404(Organisation, org_id, load=WITH_TAGS)
    if ConfirmForm().validate_on_submit() and org.status == "approved":
        sent = freshness.ask_owners(org, freshness.check_of(org))
        record("group.listing_chased", org, owners=sent)
        db.session.commit()
        if sent:
            flash(_("%(name)s's owners have been asked again to check their listing.", name=org.name), "success")
        else:
            flash(_("%(name)s has no owner with an active account to ask.", name=org.name), "important")
    return redirect(url_for("groups.staff_needs_checking"), code=303)


@bp.route("/staff/groups/reports/<int:report_id>/resolve", methods=["POST"])
@staff_required
def staff_resolve_report(report_id: int):
    report = child_or_404(ListingReport, report_id)
    if ConfirmForm().validate_on_submit() and report.resolved_at is None:
        report.resolved_at = utcnow()
        report.resolved_by_id = current_user.id
        record("group.listing_report_resolved", db.session.get(Organisation, report.organisation_id), report=report.id)
        db.session.commit()
        flash(_("The report is marked as dealt with."), "success")
    return redirect(url_for("groups.staff_needs_checking"), code=303)
