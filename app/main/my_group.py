"""The member dashboard (/my-group, issue 9): a group's page for the people who manage it, gathering
each feature's part (directory entry and members from groups, toolkits to answer, meetings and
registrations from events). It lives in main, the aggregator, so groups imports no other feature.
Editing the entry and managing members stay in app/groups/routes.py."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.db import child_or_404
from app.events import services as event_services
from app.extensions import db
from app.forms import ConfirmForm
from app.groups import invitations
from app.groups import services as group_services
from app.groups.forms import InviteMemberForm, LeaveForm
from app.groups.models import Membership, Organisation
from app.main import bp
from app.security import signed_in_required
from app.toolkits import services as toolkit_services


@bp.route("/my-group")
@signed_in_required
def my_group():
    memberships = group_services.memberships_for(current_user)
    waiting = invitations.waiting_for(current_user.email)  # issue 19: invitations waiting for this address
    if len(memberships) == 1 and not waiting:
        return redirect(url_for("main.group_dashboard", org_id=memberships[0].organisation_id))
    return render_template(
        "main/my_groups.html",
        memberships=memberships,
        waiting=[(org, inviter, invitations.join_url(invitation)) for invitation, org, inviter in waiting],
        registrations=event_services.upcoming_registrations(current_user.email),
    )


@bp.route("/my-group/<int:org_id>")
@signed_in_required
def group_dashboard(org_id: int):
    org, members, membership = _group_and_members(org_id)
    return render_template(
        "main/group_dashboard.html",
        org=org,
        membership=membership,
        members=members,
        invite_form=InviteMemberForm(),
        action_form=ConfirmForm(),
        leave_form=LeaveForm(),
        **_dashboard(org, members),
    )


def _group_and_members(org_id: int) -> tuple[Organisation, list[Membership], Membership]:
    """The group with its tags and its members (with their accounts) in one query, and the current
    user's membership among them; 404 for anyone who is not a member (no IDOR). Owners first."""
    org = (
        db.session.execute(
            select(Organisation)
            .where(Organisation.id == org_id)
            # Tags by their own indexed query: joined here, SQLite's planner scanned every group's tags (76 ms
            # at 10,000 groups, docs/performance.md).
            .options(selectinload(Organisation.tags), joinedload(Organisation.memberships).joinedload(Membership.user))
        )
        .unique()
        .scalar_one_or_none()
    )
    membership = next((m for m in org.memberships if m.user_id == current_user.id), None) if org else None
    if membership is None:  # only the group's own members (no IDOR)
        abort(404)
    members = sorted(org.memberships, key=lambda m: (m.role != "owner", m.id))
    return org, members, membership


def _dashboard(org: Organisation, members: list[Membership]) -> dict:
    """What the member dashboard adds to the group page, from each feature's own services, in a
    fixed number of queries however much data there is: the entry's completeness, invitations
    waiting, toolkits to answer with their task-list status, the user's registrations, the next
    network meeting and the group's attendance record."""
    listed = org.status == "approved"
    definitions = toolkit_services.open_definitions() if listed else []
    toolkits = [d.toolkit for d in definitions]
    registrations = event_services.upcoming_registrations(current_user.email)
    meeting, attendance = event_services.meetings_for_group(org.id)
    mine = next((r for r in registrations if meeting and r.event_id == meeting.id), None)
    groups = [org] if listed else []
    invited = invitations.pending(org.id)
    return {
        "completeness": group_services.profile_completeness(org),
        "invitations": invited,
        "toolkit_progress": toolkit_services.progress_for(toolkits, org, current_user, definitions),
        "registrations": registrations,
        "meeting": meeting,
        "meeting_box": {
            "event": meeting,
            "mine": mine,
            "rank": event_services.waitlist_rank(mine) if mine and mine.status == "waitlisted" else None,
            "groups": groups,
            "for_group": org if listed else None,
            "can_send_apologies": bool(meeting) and event_services.can_send_apologies(meeting, groups, mine),
            "next_url": url_for("main.group_dashboard", org_id=org.id),
        },
        "attendance": attendance if listed else [],
    }


@bp.route("/my-group/<int:org_id>/members/<int:membership_id>/remove/confirm")
@signed_in_required
def confirm_remove_member(org_id: int, membership_id: int):
    """Asks before someone is taken off the group (or leaves it): the dashboard's "Remove" and "Leave this
    group" lead here, and the button here sends the POST that groups.remove_member acts on."""
    membership = group_services.membership_of(current_user, org_id)
    if membership is None:  # only the group's own members (no IDOR)
        abort(404)
    org = db.session.get(Organisation, org_id)
    target = child_or_404(Membership, membership_id, parent=org, load=(Membership.user,))
    leaving = target.id == membership.id
    if not leaving and membership.role != "owner":
        abort(403)
    if target.role == "owner":
        flash("Hand over ownership to someone else before the owner leaves the group.", "important")
        return redirect(url_for("main.group_dashboard", org_id=org.id), code=303)
    return render_template(
        "main/confirm_remove_member.html", org=org, target=target, leaving=leaving, form=ConfirmForm()
    )
