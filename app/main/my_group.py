"""The member dashboard (/my-group, issue 9): a group's page for the people who manage it, gathering
each feature's part (directory entry and members from groups, toolkits to answer, meetings and
registrations from events). It lives in main, the aggregator, so groups imports no other feature.
Editing the entry and managing members stay in app/groups/routes.py."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

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
    membership = group_services.membership_of(current_user, org_id)
    if membership is None:  # only the group's own members (no IDOR)
        abort(404)
    org = db.session.scalar(
        select(Organisation).where(Organisation.id == org_id).options(selectinload(Organisation.tags))
    )
    members = db.session.scalars(
        select(Membership)
        .where(Membership.organisation_id == org.id)
        .options(selectinload(Membership.user))
        .order_by(Membership.role.desc(), Membership.id)
    ).all()
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


def _dashboard(org: Organisation, members: list[Membership]) -> dict:
    """What the member dashboard adds to the group page, from each feature's own services, in a
    fixed number of queries however much data there is: the entry's completeness, invitations
    waiting, toolkits to answer with their task-list status, the user's registrations, the next
    network meeting and the group's attendance record."""
    listed = org.status == "approved"
    toolkits = db.session.scalars(toolkit_services.open_query()).all() if listed else []
    registrations = event_services.upcoming_registrations(current_user.email)
    meeting = event_services.next_network_meeting()
    mine = next((r for r in registrations if meeting and r.event_id == meeting.id), None)
    groups = [org] if listed else []
    invited = invitations.pending(org.id)
    return {
        "completeness": group_services.profile_completeness(org),
        "invitations": invited,
        "toolkit_progress": toolkit_services.progress_for(list(toolkits), org, current_user),
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
        "attendance": event_services.organisation_attendance(org.id) if listed else [],
    }
