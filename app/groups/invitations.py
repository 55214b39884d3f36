"""Colleague invitations to a group: single-use links whose life is kept in a row (issue 15.4).

A signed token alone cannot be taken back, so a member removed from a group could rejoin with the
link they were first sent. The token now only names a `GroupInvitation`; the row says whether the
link still works and, when it does not, why.
"""

from __future__ import annotations

import datetime as dt

from flask import url_for
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import aliased

from app.audit import record
from app.auth.models import User, normalise_email
from app.db import utcnow
from app.extensions import db
from app.forms import FieldProblem
from app.groups.models import GroupInvitation, Membership, Organisation
from app.i18n import _, _l
from app.mail import enqueue
from app.personal_data import AccountRow, register_personal_data
from app.tokens import TokenError, make_token, read_token

MAX_AGE = dt.timedelta(days=7)
PURPOSE = "group-invite"


class InvitationProblem(Exception):
    def __init__(self, reason: str, invitation: GroupInvitation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def _end_pending(org_id: int, email: str, reason: str, *, used_too: bool = False) -> int:
    conditions = [
        GroupInvitation.organisation_id == org_id,
        GroupInvitation.email == email,
        GroupInvitation.ended_at.is_(None),
    ]
    if not used_too:
        conditions.append(GroupInvitation.used_at.is_(None))
    result = db.session.execute(update(GroupInvitation).where(*conditions).values(ended_at=utcnow(), end_reason=reason))
    return result.rowcount or 0


def send(org: Organisation, email: str, inviter: User) -> GroupInvitation:
    """Invite `email` to `org`; an older invitation to the same address stops working. Someone who
    already manages the group is not invited (FieldProblem on the email field)."""
    email = normalise_email(email)
    if email == normalise_email(inviter.email):
        raise FieldProblem("email", _("That is your own email address: you already manage %(name)s", name=org.name))
    if email in _member_emails(org.id):
        raise FieldProblem(
            "email",
            _("%(email)s already manages %(name)s, so there is no need to invite them", email=email, name=org.name),
        )
    _end_pending(org.id, email, "replaced")
    invitation = GroupInvitation(
        organisation_id=org.id, email=email, invited_by_id=inviter.id, expires_at=utcnow() + MAX_AGE
    )
    db.session.add(invitation)
    db.session.flush()
    token = make_token(PURPOSE, {"iid": invitation.id})
    enqueue(
        "group_invitation",
        to=email,
        subject=_l("%(inviter)s invited you to manage %(name)s", inviter=inviter.name, name=org.name),
        sensitive=True,
        inviter=inviter.name,
        org=org,
        url=url_for("groups.join", token=token, _external=True),
        days=MAX_AGE.days,
    )
    record("group.member_invited", org, email=email)
    return invitation


def from_token(token: str) -> GroupInvitation:
    """The live invitation a link names; InvitationProblem says why a link does not work."""
    try:
        data = read_token(PURPOSE, token, int(MAX_AGE.total_seconds()))
        invitation = db.session.get(GroupInvitation, int(data["iid"]))
    except TokenError as exc:
        raise InvitationProblem(exc.reason) from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise InvitationProblem("invalid") from exc
    if invitation is None:
        raise InvitationProblem("invalid")
    reason = invitation.problem(utcnow())
    if reason:
        raise InvitationProblem(reason, invitation)
    return invitation


def accept(invitation: GroupInvitation, user: User) -> None:
    """Use the invitation up (it never works again) and make `user` a member. The claim is one
    conditional UPDATE, so of two submits at once (a double click, two tabs) only one joins; the
    other is told the link was used (InvitationProblem) instead of failing on the membership's
    unique constraint."""
    claimed = db.session.execute(
        update(GroupInvitation)
        .where(
            GroupInvitation.id == invitation.id,
            GroupInvitation.used_at.is_(None),
            GroupInvitation.ended_at.is_(None),
        )
        .values(used_at=utcnow(), used_by_id=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(invitation)
        raise InvitationProblem(invitation.problem(utcnow()) or "used", invitation)
    exists = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id, Membership.organisation_id == invitation.organisation_id
        )
    )
    if exists is None:
        db.session.add(Membership(user_id=user.id, organisation_id=invitation.organisation_id, role="member"))
        record("group.member_joined", db.session.get(Organisation, invitation.organisation_id), user_id=user.id)


def withdraw(invitation: GroupInvitation) -> None:
    invitation.ended_at = utcnow()
    invitation.end_reason = "withdrawn"
    record(
        "group.invitation_withdrawn",
        db.session.get(Organisation, invitation.organisation_id),
        email=invitation.email,
    )


def end_for_removed_member(org_id: int, email: str) -> int:
    """A member removed from the group: every invitation they had, used or waiting, dies, and its
    page says they were removed (not merely that the link was used)."""
    return _end_pending(org_id, normalise_email(email), "removed", used_too=True)


def _members_query(org_id: int):
    return (
        select(func.lower(User.email))
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == org_id)
    )


def _member_emails(org_id: int) -> set[str]:
    return set(db.session.scalars(_members_query(org_id)))


def pending(org_id: int) -> list[GroupInvitation]:
    """Invitations that still work, to people who are not members already, newest first."""
    members = _members_query(org_id)
    return list(
        db.session.scalars(
            select(GroupInvitation)
            .where(
                GroupInvitation.organisation_id == org_id,
                GroupInvitation.used_at.is_(None),
                GroupInvitation.ended_at.is_(None),
                GroupInvitation.expires_at > utcnow(),
                GroupInvitation.email.not_in(members),
            )
            .order_by(GroupInvitation.created_at.desc(), GroupInvitation.id.desc())
        )
    )


def join_url(invitation: GroupInvitation) -> str:
    """A fresh link to the invitation's page, for someone already signed in with its address."""
    return url_for("groups.join", token=make_token(PURPOSE, {"iid": invitation.id}))


def waiting_for(email: str) -> list[tuple[GroupInvitation, Organisation, str | None]]:
    """Live invitations to this address from groups it is not in yet, with each group and who
    invited: the dashboard shows them so nobody is told to ask for an invitation they already have."""
    email = normalise_email(email)
    inviter = aliased(User)
    rows = db.session.execute(
        select(GroupInvitation, Organisation, inviter.name)
        .join(Organisation, Organisation.id == GroupInvitation.organisation_id)
        .outerjoin(inviter, inviter.id == GroupInvitation.invited_by_id)
        .where(
            GroupInvitation.email == email,
            GroupInvitation.used_at.is_(None),
            GroupInvitation.ended_at.is_(None),
            GroupInvitation.expires_at > utcnow(),
            GroupInvitation.organisation_id.not_in(
                select(Membership.organisation_id)
                .join(User, User.id == Membership.user_id)
                .where(func.lower(User.email) == email)
            ),
        )
        .order_by(GroupInvitation.created_at.desc())
    ).all()
    return [(invitation, org, name) for invitation, org, name in rows]


# --- the account page's data rights (issue 19) ---------------------------------------------------


def _my_memberships(user: User) -> list[tuple[Membership, Organisation]]:
    return list(
        db.session.execute(
            select(Membership, Organisation)
            .join(Organisation, Organisation.id == Membership.organisation_id)
            .where(Membership.user_id == user.id)
            .order_by(Organisation.name)
        ).all()
    )


def _export(user: User) -> dict:
    invited = db.session.scalars(select(GroupInvitation).where(GroupInvitation.email == normalise_email(user.email)))
    return {
        "groups": [{"group": org.name, "role": m.role} for m, org in _my_memberships(user)],
        "invitations_to_you": [
            {
                "group_id": i.organisation_id,
                "sent_at": i.created_at.isoformat(),
                "used_at": i.used_at.isoformat() if i.used_at else None,
            }
            for i in invited
        ],
    }


def _on_delete(user: User) -> None:
    db.session.execute(delete(Membership).where(Membership.user_id == user.id))
    db.session.execute(delete(GroupInvitation).where(GroupInvitation.email == normalise_email(user.email)))


def _rows(user: User) -> list[AccountRow]:
    groups = [
        _("%(name)s (owner)", name=org.name) if m.role == "owner" else _("%(name)s (member)", name=org.name)
        for m, org in _my_memberships(user)
    ]
    value = ", ".join(groups) if groups else _("You do not help manage a group")
    return [AccountRow(_("Groups"), value, url_for("main.my_group"), _("Go to your groups"))]


register_personal_data("groups", _export, on_delete=_on_delete, account_rows=_rows)
