"""Public directory, group profiles, applications, and what members do to their group (edit, invite,
members, leave); the member dashboard itself (/my-group) is in app/main/my_group.py."""

from __future__ import annotations

import time

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import coedit
from app.audit import record
from app.auth.models import User, normalise_email
from app.db import child_or_404, first_or_404, utcnow
from app.extensions import db
from app.forms import ConfirmForm, FieldProblem
from app.groups import bp, directory, freshness, invitations
from app.groups import services as svc
from app.groups.forms import GroupDetailsForm, InviteMemberForm, LeaveForm
from app.groups.models import (
    PUBLIC_FIELD_CHOICES,
    TAG_KIND_LABELS,
    GroupDescription,
    GroupInvitation,
    ListingCheck,
    Membership,
    Organisation,
)
from app.htmx import is_partial, render
from app.i18n import _, _l
from app.i18n.languages import LANGUAGES, SOURCE, TRANSLATED
from app.i18n.selection import current_language
from app.mail import enqueue
from app.pagination import govuk_pagination, page_number
from app.security import has_role, public, signed_in_required

# Group pages show the group's tags: load them with it.
WITH_TAGS = (Organisation.tags,)


def details_form(org: Organisation | None = None) -> GroupDetailsForm:
    form = GroupDetailsForm()
    form.set_choices(svc.tags_by_kind())
    if org is not None and request.method == "GET":
        form.load(org)
    return form


# The group's free-text details: two people editing them at once never silently undo each other.
FREE_TEXT = ("name", "charity_number", "company_number", "description", "contact_name", "address", "postcode",
             "website", "email", "phone")  # fmt: skip
CLASH = _l("Someone else saved a change to this while you were editing: see their text, then save again")


# Single choices (radios, the year): merged like text; a clash shows the other person's choice.
CHOICES = ("legal_form", "founded_year", "beneficiaries", "area")
# Tick boxes: each box merged on its own (one person ticks a theme, the other another: both kept).
TICKS = ("public_fields", *GroupDetailsForm.TAG_FIELDS)


class Coedit:
    """The details as the page was opened (`was`, for the hidden inputs) and, after a save that clashed,
    the other person's value of each clashing field (`conflicts`). Text and single choices clash when both
    people changed them differently; tick boxes never clash, each box keeps the last change made to it."""

    def __init__(self, org: Organisation):
        self.stored = {name: _text(getattr(org, name)) for name in FREE_TEXT}
        self.stored |= {name: _text(getattr(org, name)) for name in CHOICES if name != "area"}
        self.stored["area"] = str(org.area.id) if org.area else ""
        self.ticked = {name: {str(i) for i in getattr(org, name) or []} for name in ("public_fields",)}
        for name, kind in GroupDetailsForm.TAG_FIELDS.items():
            self.ticked[name] = {str(t.id) for t in org.tags if t.kind == kind}
        opened = self.stored | {name: ",".join(sorted(values)) for name, values in self.ticked.items()}
        self.was = {name: request.form.get(coedit.was_name(name), now) for name, now in opened.items()}
        self.conflicts: dict[str, str] = {}

    def data(self, form: GroupDetailsForm) -> tuple[dict, list[int]] | None:
        """What to save (fields, tag ids): the person's changes, someone else's newer values where the
        person changed nothing; None (with an error by each field) when both changed the same field."""
        data = form.model_data()
        submitted = {name: _text(data[name]) for name in FREE_TEXT + CHOICES if name != "area"}
        submitted["area"] = _text(form.area.data)
        started = coedit.started_values(request.form, self.stored)
        result = coedit.merge(self.stored, submitted, started)
        for name, theirs in result.conflicts.items():
            self.conflicts[name] = _shown(form[name], theirs)
            self.was[name] = theirs  # the next save, having seen their value, goes through
            form[name].errors.append(str(CLASH))
        if result.conflicts:
            return None
        for name in FREE_TEXT + CHOICES:
            if name not in result.changes and name in data:
                data.pop(name)  # left as stored: perhaps someone else's newer value
        ticks = {name: self._ticks(name, form[name].data or []) for name in TICKS}
        data["public_fields"] = [f for f in data["public_fields"] if f in ticks["public_fields"]] + sorted(
            ticks["public_fields"] - set(data["public_fields"])
        )
        area = result.changes.get("area", self.stored["area"])
        tag_ids = [int(i) for name in GroupDetailsForm.TAG_FIELDS for i in sorted(ticks[name])]
        return data, tag_ids + ([int(area)] if area else [])

    def _ticks(self, name: str, submitted) -> set[str]:
        """Today's boxes, plus what this person ticked and less what they unticked since opening the page."""
        mine = {str(value) for value in submitted}
        was = set(filter(None, request.form.get(coedit.was_name(name), ",".join(self.ticked[name])).split(",")))
        return (self.ticked[name] - (was - mine)) | (mine - was)


def _shown(field, value: str) -> str:
    """A stored choice as the form names it (the radio's label), for the clash note."""
    labels = {str(key): str(label) for key, label in getattr(field, "choices", None) or []}
    return labels.get(value, value)


def _text(value) -> str:
    return "" if value is None else str(value)


# --- directory -----------------------------------------------------------------------------


@bp.route("/groups")
@public
def index():
    _test_delay()
    filters = svc.DirectoryFilters.from_args(request.args)
    filters.locate()
    # From the per-process directory index (app/groups/directory.py): the same groups, order and
    # counts as svc.directory_query / svc.facet_counts, in at most three small queries.
    result = directory.listing(filters, page=page_number(), per_page=current_app.config.get("PAGE_SIZE", 20))
    pager = result.pager
    context = {
        "pager": pager,
        "filters": filters,
        "facets": result.facets,
        "tag_kinds": TAG_KIND_LABELS,
        "sorts": svc.SORTS,
        "within_miles": svc.WITHIN_MILES,
        "pagination": govuk_pagination(pager, "groups.index", **filters.params()),
        # ?page=99 past the last page: say so, with a link to the last page (not "34 found" beside
        # "No groups match").
        "past_the_end": pager.total > 0 and not pager.items,
        "last_page_url": url_for("groups.index", page=pager.pages, **filters.params()),
    }
    context["oob"] = is_partial()
    return render("groups/index.html", "groups/_results.html", **context)


def _test_delay() -> None:
    """Test-only: DIRECTORY_TEST_DELAY_MS (honoured only when TESTING) slows the directory, so the
    browser tests can show that a slow response never undoes a newer tick (issue 18 §3)."""
    delay = current_app.config.get("DIRECTORY_TEST_DELAY_MS") if current_app.testing else None
    if delay:
        time.sleep(delay / 1000)


@bp.route("/groups/<slug>")
@public
def profile(slug: str):
    org = first_or_404(
        select(Organisation).where(Organisation.slug == slug[:220]).options(selectinload(Organisation.tags))
    )
    membership = svc.membership_of(current_user, org.id)
    can_see_all = membership is not None or has_role(current_user, "staff")
    if org.status != "approved" and not can_see_all:
        abort(404)
    check = db.session.get(ListingCheck, org.id)
    return render_template(
        "groups/profile.html",
        org=org,
        description=_description_for_reader(org),
        can_see_all=can_see_all,
        membership=membership,
        field_labels=PUBLIC_FIELD_CHOICES,
        last_checked=freshness.checked_at(org, check),
        stale=freshness.needs_checking(org, check),
    )


def _description_for_reader(org: Organisation) -> dict:
    """The description in the reader's language when the group has written it, English otherwise,
    with the language it is in and the other languages it can be read in (links with ?lang=)."""
    reader = current_language()
    rows = {
        row.language: row
        for row in db.session.scalars(select(GroupDescription).where(GroupDescription.group_id == org.id))
    }
    shown = rows.get(reader.code)
    language = reader if shown is not None else LANGUAGES[SOURCE.code]
    written = [code for code in TRANSLATED if code in rows]  # in the switcher's order
    others = [LANGUAGES[code] for code in (SOURCE.code, *written) if code != language.code]
    return {
        "text": shown.description if shown is not None else org.description,
        "language": language,
        "others": others if written else [],
    }


# --- applying ------------------------------------------------------------------------------


@bp.route("/groups/apply", methods=["GET", "POST"])
@public
def apply():
    if not current_user.is_authenticated:
        return render_template("groups/apply_start.html")
    form = details_form()
    if form.validate_on_submit():
        org = svc.submit_application(current_user, form.model_data(), form.tag_ids())
        db.session.commit()
        return redirect(url_for("groups.applied", org_id=org.id), code=303)
    return render_template("groups/apply.html", form=form)


@bp.route("/groups/apply/<int:org_id>/sent")
@signed_in_required
def applied(org_id: int):
    org = child_or_404(Organisation, org_id, load=WITH_TAGS)
    if svc.membership_of(current_user, org.id) is None:
        abort(404)
    return render_template("groups/applied.html", org=org)


# --- members ------------------------------------------------------------------------------


def _member_org(org_id: int, owner: bool = False) -> tuple[Organisation, Membership]:
    """The group and the current user's membership; 404 for anyone else (no IDOR)."""
    membership = svc.membership_of(current_user, org_id)
    if membership is None:
        abort(404)
    if owner and membership.role != "owner":
        abort(403)
    return child_or_404(Organisation, org_id, load=WITH_TAGS), membership


@bp.route("/my-group/<int:org_id>/edit", methods=["GET", "POST"])
@signed_in_required
def edit(org_id: int):
    org, _membership = _member_org(org_id)
    form = details_form(org)
    form.submit.label.text = _("Save changes") if org.status != "changes_requested" else _("Send for review again")
    details = Coedit(org)
    merged = details.data(form) if form.validate_on_submit() else None
    if merged is not None:
        svc.apply_fields(org, *merged)
        if org.status == "changes_requested":
            svc.resubmit(org, current_user)
            flash(_("Thank you. Your changes have been sent to the network team for review."), "success")
        else:
            record("group.edited", org, name=org.name)
            flash(_("Your group's details have been saved."), "success")
        db.session.commit()
        return redirect(url_for("main.group_dashboard", org_id=org.id), code=303)
    return render_template("groups/edit.html", form=form, org=org, staff_edit=False, coedit=details)


@bp.route("/my-group/<int:org_id>/invite", methods=["GET", "POST"])
@signed_in_required
def invite(org_id: int):
    """The dashboard's invite form posts here; a problem is shown on this page, beside the field,
    with what was typed kept (issue 19)."""
    org, _membership = _member_org(org_id, owner=True)
    form = InviteMemberForm()
    if form.validate_on_submit():
        email = normalise_email(form.email.data)
        try:
            invitations.send(org, email, current_user)
        except FieldProblem as problem:
            form.email.errors = [*form.email.errors, problem.message]
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s. The link works for 7 days.", email=email), "success")
            return redirect(url_for("main.group_dashboard", org_id=org.id), code=303)
    return render_template("groups/invite.html", org=org, form=form)


@bp.route("/groups/join/<token>", methods=["GET", "POST"])
@public
def join(token: str):
    """One journey (issue 19): someone signed out sees which group and who invited them, and
    creates an account or signs in; either way they come back here to join."""
    try:
        invitation = invitations.from_token(token)
    except invitations.InvitationProblem as problem:
        org = problem.invitation and db.session.get(Organisation, problem.invitation.organisation_id)
        return render_template("groups/invite_problem.html", reason=problem.reason, org=org), 400
    org = child_or_404(Organisation, invitation.organisation_id, load=WITH_TAGS)
    if not current_user.is_authenticated:
        inviter = db.session.get(User, invitation.invited_by_id) if invitation.invited_by_id else None
        return render_template("groups/invitation.html", org=org, invitation=invitation, inviter=inviter, token=token)
    if normalise_email(current_user.email) != invitation.email:
        return render_template("groups/invite_problem.html", reason="wrong_account", email=invitation.email), 403
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            invitations.accept(invitation, current_user)
        except invitations.InvitationProblem as problem:
            db.session.rollback()
            return render_template("groups/invite_problem.html", reason=problem.reason, org=org), 400
        db.session.commit()
        flash(_("You are now a member of %(name)s.", name=org.name), "success")
        return redirect(url_for("main.group_dashboard", org_id=org.id), code=303)
    return render_template("groups/join.html", org=org, form=form)


@bp.route("/my-group/<int:org_id>/invitations/<int:invitation_id>/withdraw", methods=["POST"])
@signed_in_required
def withdraw_invitation(org_id: int, invitation_id: int):
    org, _membership = _member_org(org_id, owner=True)
    invitation = child_or_404(GroupInvitation, invitation_id, parent=org)
    if invitation.problem(utcnow()) is None:
        invitations.withdraw(invitation)
        db.session.commit()
        flash(
            _("The invitation to %(email)s has been withdrawn. Its link no longer works.", email=invitation.email),
            "success",
        )
    return redirect(url_for("main.group_dashboard", org_id=org.id), code=303)


@bp.route("/my-group/<int:org_id>/members/<int:membership_id>/remove", methods=["POST"])
@signed_in_required
def remove_member(org_id: int, membership_id: int):
    org, membership = _member_org(org_id)
    target = child_or_404(Membership, membership_id, parent=org)
    leaving_self = target.id == membership.id
    if not leaving_self and membership.role != "owner":
        abort(403)
    if target.role == "owner":
        flash(_("Hand over ownership to someone else before the owner leaves the group."), "important")
        return redirect(url_for("main.group_dashboard", org_id=org.id), code=303)
    user = db.session.get(User, target.user_id)
    db.session.delete(target)
    invitations.end_for_removed_member(org.id, user.email)
    record("group.member_removed", org, user_id=target.user_id)
    db.session.commit()
    if leaving_self:
        flash(_("You have left %(name)s.", name=org.name), "success")
        return redirect(url_for("main.my_group"), code=303)
    flash(_("%(person)s has been removed from %(name)s.", person=user.name, name=org.name), "success")
    return redirect(url_for("main.group_dashboard", org_id=org.id), code=303)


@bp.route("/my-group/<int:org_id>/members/<int:membership_id>/make-owner", methods=["POST"])
@signed_in_required
def hand_over(org_id: int, membership_id: int):
    org, membership = _member_org(org_id, owner=True)
    target = child_or_404(Membership, membership_id, parent=org)
    if target.id != membership.id:
        target.role = "owner"
        membership.role = "member"
        record("group.ownership_handed_over", org, to_user_id=target.user_id)
        db.session.commit()
        flash(_("Ownership handed over. You are now a member of the group."), "success")
    return redirect(url_for("main.group_dashboard", org_id=org.id), code=303)


@bp.route("/my-group/<int:org_id>/leave-network", methods=["POST"])
@signed_in_required
def leave_network(org_id: int):
    org, _membership = _member_org(org_id, owner=True)
    form = LeaveForm()
    if form.validate_on_submit():
        org.leave_requested_at = utcnow()
        org.leave_reason = form.reason.data or None
        record("group.leave_requested", org, reason=org.leave_reason)
        enqueue(
            "group_leave_requested",
            to=current_app.config["CONTACT_EMAIL"],
            subject=_l("%(name)s has asked to leave the network", name=org.name),
            org=org,
            reason=org.leave_reason,
            url=url_for("groups.staff_group", org_id=org.id, _external=True),
        )
        db.session.commit()
        flash(_("Your request has been sent. The network team will archive your group's entry."), "success")
    return redirect(url_for("main.group_dashboard", org_id=org.id), code=303)
