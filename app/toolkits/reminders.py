"""Reminder e-mails to members of organisations that have not submitted: at most once a day per
toolkit, so at most once a day per organisation and person (the outbox dedupe key names the toolkit,
the London date, the organisation and the person; a second run the same day sends nothing).

Two ways in, sharing that limit: the staff button on the results page, and the worker's daily rule
(`toolkit_reminders` in app/toolkits/jobs.py): an open toolkit with a closing date reminds its
non-responders REMINDER_DAYS_BEFORE_CLOSE days before it closes (London dates), from
REMINDER_HOUR London time so nobody is e-mailed in the night."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app, url_for
from sqlalchemy import func, select

from app.audit import record
from app.auth.models import User
from app.db import utcnow
from app.extensions import db
from app.groups.models import Membership, Organisation
from app.i18n import _, _l, ngettext
from app.mail import enqueue
from app.mail.models import OutboxMessage
from app.times import LONDON
from app.toolkits.models import Response, Toolkit
from app.toolkits.services import estimated_minutes, load_definition
from app.urls import link_context

REMINDER_DAYS_BEFORE_CLOSE = (7, 1)  # a week before, and the day before the closing date
REMINDER_HOUR = 9  # London time; the TOOLKIT_REMINDER_HOUR setting overrides it


def _day_key(toolkit: Toolkit, now: dt.datetime | None = None) -> str:
    return f"toolkit-reminder:{toolkit.id}:{(now or utcnow()).astimezone(LONDON):%Y-%m-%d}"


def sent_today(toolkit: Toolkit, now: dt.datetime | None = None) -> bool:
    prefix = _day_key(toolkit, now)
    return (
        db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key.like(f"{prefix}:%")).limit(1))
        is not None
    )


UNREACHABLE_SHOWN = 25


@dataclass
class Plan:
    """Who a reminder would reach now: the people, their organisations, and the organisations that
    have not answered but cannot be reminded (nobody there has an active account)."""

    people: list[tuple[User, Organisation]]
    unreachable: list[Organisation]  # the first UNREACHABLE_SHOWN of them, by name
    unreachable_total: int = 0

    @property
    def organisations(self) -> int:
        return len({organisation.id for _user, organisation in self.people})

    def in_words(self) -> str:
        people, orgs = len(self.people), self.organisations
        return _(
            "%(people)s in %(organisations)s",
            people=ngettext("%(num)s person", "%(num)s people", people),
            organisations=ngettext("%(num)s organisation", "%(num)s organisations", orgs),
        )


def plan(toolkit: Toolkit) -> Plan:
    """Members of approved organisations that have not submitted (two queries)."""
    responded = select(Response.organisation_id).where(
        Response.toolkit_id == toolkit.id, Response.status == "submitted", Response.organisation_id.is_not(None)
    )
    waiting = (Organisation.status == "approved", Organisation.id.not_in(responded))
    people = db.session.execute(
        select(User, Organisation)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(*waiting, User.active.is_(True))
        .order_by(Organisation.id, User.id)
    ).all()
    reached = select(Membership.organisation_id).join(User, User.id == Membership.user_id).where(User.active.is_(True))
    cannot = (*waiting, Organisation.id.not_in(reached))
    # A directory of thousands of groups without accounts must not make the results page megabytes long.
    unreachable = db.session.scalars(
        select(Organisation).where(*cannot).order_by(Organisation.name).limit(UNREACHABLE_SHOWN)
    ).all()
    total = len(unreachable)
    if total == UNREACHABLE_SHOWN:
        total = db.session.scalar(select(func.count()).select_from(Organisation).where(*cannot))
    return Plan([(user, organisation) for user, organisation in people], list(unreachable), total)


def send_reminders(toolkit: Toolkit, now: dt.datetime | None = None) -> Plan | None:
    """Queue reminders; None when they have already been sent today for this toolkit."""
    if sent_today(toolkit, now):
        return None
    prefix = _day_key(toolkit, now)
    who = plan(toolkit)
    minutes = estimated_minutes(load_definition(toolkit))
    with link_context():
        for user, organisation in who.people:
            enqueue(
                "toolkit_reminder",
                to=user.email,
                subject=_l("Reminder: %(title)s", title=toolkit.title),  # in the recipient's language
                dedupe_key=f"{prefix}:{organisation.id}:{user.id}",
                toolkit=toolkit,
                organisation=organisation,
                user=user,
                minutes=minutes,
                link=url_for("toolkits.respond", slug=toolkit.slug, org=organisation.id, _external=True),
            )
    return who


def reminder_due(toolkit: Toolkit, now: dt.datetime | None = None) -> bool:
    """The daily rule: open, per-organisation, closing in exactly 7 or 1 London days, after 9:00."""
    now = now or utcnow()
    if toolkit.audience != "organisation" or toolkit.closes_at is None or not toolkit.is_open(now):
        return False
    local = now.astimezone(LONDON)
    days_left = (toolkit.closes_at.astimezone(LONDON).date() - local.date()).days
    hour = current_app.config.get("TOOLKIT_REMINDER_HOUR", REMINDER_HOUR)
    return days_left in REMINDER_DAYS_BEFORE_CLOSE and local.hour >= hour


def send_due_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """Run by the worker (hourly; idempotent): remind non-responders of toolkits whose window is
    closing. Returns {toolkit slug: people reminded} for the toolkits reminded on this run."""
    now = now or utcnow()
    reminded = {}
    for toolkit in db.session.scalars(select(Toolkit).where(Toolkit.status == "published").order_by(Toolkit.id)):
        if not reminder_due(toolkit, now):
            continue
        sent = send_reminders(toolkit, now)
        if not sent or not sent.people:  # None: staff already sent today's from the results page; or nobody
            continue
        record("toolkit.reminders_sent", toolkit, recipients=len(sent.people), automatic=True)
        reminded[toolkit.slug] = len(sent.people)
    return reminded
