"""Reminder e-mails to members of organisations that have not submitted: at most once a day per
toolkit (the outbox dedupe key names the toolkit, the person and the London date)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from app.auth.models import User
from app.db import utcnow
from app.extensions import db
from app.groups.models import Membership, Organisation
from app.mail import enqueue
from app.mail.models import OutboxMessage
from app.template_helpers import LONDON
from app.toolkits.models import Response, Toolkit


def _day_key(toolkit: Toolkit) -> str:
    return f"toolkit-reminder:{toolkit.id}:{utcnow().astimezone(LONDON):%Y-%m-%d}"


def send_reminders(toolkit: Toolkit) -> int | None:
    """Queue reminders; None when they have already been sent today for this toolkit."""
    prefix = _day_key(toolkit)
    already = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key.like(f"{prefix}:%")).limit(1))
    if already is not None:
        return None
    responded = select(Response.organisation_id).where(
        Response.toolkit_id == toolkit.id, Response.status == "submitted", Response.organisation_id.is_not(None)
    )
    people = db.session.execute(
        select(User, Organisation)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Organisation.status == "approved", Organisation.id.not_in(responded), User.active.is_(True))
        .order_by(Organisation.id, User.id)
    ).all()
    for user, organisation in people:
        enqueue(
            "toolkit_reminder",
            to=user.email,
            subject=f"Reminder: {toolkit.title}",
            dedupe_key=f"{prefix}:{organisation.id}:{user.id}",
            toolkit=toolkit,
            organisation=organisation,
            user=user,
            link=url_for("toolkits.respond", slug=toolkit.slug, org=organisation.id, _external=True),
        )
    return len(people)
