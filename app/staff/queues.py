"""The staff dashboard's work queues: one SQL query each, whatever the amount of data.

Each queue uses its feature's own rules (the toolkit's open window, the action-plan reminder's idea
of an action that needs an update, the places that count on an event), so the dashboard says what
the feature pages say.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, cast, func, literal, select

from app.actionplan.models import Action, ActionPlan
from app.actionplan.services import stale_action_conditions
from app.db import utcnow
from app.events.models import Event, Registration
from app.extensions import db
from app.groups.models import Organisation
from app.groups.review_queue import waiting_for_decision
from app.mail.models import OutboxMessage
from app.mailing.models import Bulletin
from app.toolkits.models import Response, Toolkit
from app.toolkits.services import open_condition

LIST_LIMIT = 10


def applications_to_review() -> int:
    """Group applications waiting for a decision: the very count the groups queue shows."""
    return waiting_for_decision()


def waiting_lists(now: dt.datetime | None = None) -> dict:
    """People on waiting lists for events that have not started, per event (soonest first)."""
    now = now or utcnow()
    waiting = func.count(Registration.id)
    rows = db.session.execute(
        select(Event.id, Event.title, Event.starts_at, waiting, func.sum(waiting).over(), func.count().over())
        .join(Registration, Registration.event_id == Event.id)
        .where(Registration.status == "waitlisted", Event.cancelled_at.is_(None), Event.starts_at > now)
        .group_by(Event.id, Event.title, Event.starts_at)
        .order_by(Event.starts_at, Event.id)
        .limit(LIST_LIMIT)
    ).all()
    events = [{"id": r[0], "title": r[1], "starts_at": r[2], "waiting": int(r[3])} for r in rows]
    return {
        "total": int(rows[0][4]) if rows else 0,
        "event_count": int(rows[0][5]) if rows else 0,
        "events": events,
    }


def bulletins_in_progress() -> dict:
    """Bulletins scheduled, sending or paused (sending first), with how far sending has gone."""
    campaign = literal("bulletin:", String) + cast(Bulletin.id, String)
    rows = db.session.execute(
        select(
            Bulletin.id,
            Bulletin.title,
            Bulletin.status,
            Bulletin.send_at,
            func.count(OutboxMessage.id),
            func.count(OutboxMessage.id).filter(OutboxMessage.status == "sent"),
            func.count(OutboxMessage.id).filter(OutboxMessage.status == "failed"),
            func.count().over(),
        )
        .select_from(Bulletin)
        .outerjoin(OutboxMessage, OutboxMessage.campaign == campaign)
        .where(Bulletin.status.in_(("scheduled", "sending", "paused")))
        .group_by(Bulletin.id, Bulletin.title, Bulletin.status, Bulletin.send_at)
        .order_by(Bulletin.status != "sending", Bulletin.send_at, Bulletin.id)
        .limit(LIST_LIMIT)
    ).all()
    out = []
    for bulletin_id, title, status, send_at, total, sent, failed, _skip in rows:
        done = int(sent) + int(failed)
        out.append(
            {
                "id": bulletin_id,
                "title": title,
                "status": status,
                "send_at": send_at,
                "total": int(total),
                "sent": int(sent),
                "failed": int(failed),
                "done": done,
                "percent": round(100 * done / int(total)) if total else 0,
            }
        )
    return {"total": int(rows[0][-1]) if rows else 0, "bulletins": out}


def open_toolkits(now: dt.datetime | None = None) -> dict:
    """Toolkits open now, with submitted responses and the response rate the results page shows
    (submitted responses out of the groups listed in the directory)."""
    now = now or utcnow()
    submitted = (
        select(func.count())
        .select_from(Response)
        .where(Response.toolkit_id == Toolkit.id, Response.status == "submitted")
        .scalar_subquery()
    )
    invited = select(func.count()).select_from(Organisation).where(Organisation.status == "approved").scalar_subquery()
    rows = db.session.execute(
        select(Toolkit.slug, Toolkit.title, Toolkit.closes_at, Toolkit.audience, submitted, invited)
        .add_columns(func.count().over())
        .where(open_condition(now))
        .order_by(Toolkit.closes_at.is_(None), Toolkit.closes_at, Toolkit.id)
        .limit(LIST_LIMIT)
    ).all()
    out = []
    for slug, title, closes_at, audience, sent, groups, _skip in rows:
        by_group = audience == "organisation"
        out.append(
            {
                "slug": slug,
                "title": title,
                "closes_at": closes_at,
                "submitted": int(sent or 0),
                "invited": int(groups or 0) if by_group else None,
                "rate": round(100 * int(sent or 0) / int(groups)) if by_group and groups else None,
            }
        )
    return {"total": int(rows[0][-1]) if rows else 0, "toolkits": out}


def stale_actions(weeks: int, now: dt.datetime | None = None) -> dict:
    """Open actions in published plans with no progress update for `weeks` weeks, per plan (the
    first LIST_LIMIT plans by title, with the count of all of them)."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(weeks=weeks)
    count = func.count(Action.id)
    rows = db.session.execute(
        select(ActionPlan.id, ActionPlan.title, count, func.sum(count).over(), func.count().over())
        .join(ActionPlan, ActionPlan.id == Action.plan_id)
        .where(*stale_action_conditions(cutoff))
        .group_by(ActionPlan.id, ActionPlan.title)
        .order_by(ActionPlan.title, ActionPlan.id)
        .limit(LIST_LIMIT)
    ).all()
    return {
        "weeks": weeks,
        "total": int(rows[0][3]) if rows else 0,
        "plan_count": int(rows[0][4]) if rows else 0,  # every plan with such actions, not only those listed
        "plans": [{"id": r[0], "title": r[1], "actions": int(r[2])} for r in rows],
    }


def mail_counts() -> dict[str, int]:
    rows = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {s: int(rows.get(s, 0)) for s in ("queued", "sending", "sent", "failed")}
