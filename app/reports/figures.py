"""Every figure in the funder / board report: one function each, each one SQL aggregate query.

The page, the CSV and the XLSX all call these functions, so they cannot disagree. Period bounds
are computed in Python (London days as UTC instants, `app.reports.periods`) and bound as
parameters, so the SQL only compares timestamps and runs unchanged on SQLite and PostgreSQL.

What each figure means is written in `DEFINITIONS` (shown on the page and in the downloads) and in
docs/decisions.md ("Issue 9 — Staff dashboard and funder report"). "At the end of the period" for a
period that has not ended yet means now.
"""

from __future__ import annotations

from sqlalchemy import String, and_, case, cast, exists, func, or_, select, union_all

from app.actionplan.models import STATUS_LABELS as ACTION_STATUSES
from app.actionplan.models import Action, ActionPlan, ProgressUpdate, StatusChange
from app.actionplan.services import news_update_conditions
from app.audit import AuditEvent
from app.db import utcnow
from app.events.models import KINDS as EVENT_KINDS
from app.events.models import Event, Registration
from app.events.services import HOLDS_PLACE, organisation_key
from app.extensions import db
from app.groups.models import Organisation
from app.i18n import _l
from app.mailing.figures import delivery_figures
from app.mailing.models import Bulletin, Subscriber
from app.reports.periods import Period
from app.toolkits.models import Response, Toolkit
from app.toolkits.services import open_during_condition

DEFINITIONS = {
    "groups_joined": _l(
        "Groups that joined in the period: an application's first approval by staff, or, for a group "
        "added straight to the directory (import or demo data), when it was added."
    ),
    "groups_active": _l(
        "Active groups at the end of the period: joined by then and not archived (or merged into another "
        "group) at that moment. For the current period this is the number listed in the directory."
    ),
    "subscribers_start": _l(
        "Mailing-list size at the start of the period: people who had confirmed their subscription "
        "before the period began and had not unsubscribed by then."
    ),
    "subscribers_end": _l(
        "Mailing-list size at the end of the period, counted the same way. People now erased or marked "
        "as bouncing are not counted, and people who unsubscribed more than the retention period ago "
        "have been deleted."
    ),
    "subscribers_joined": _l("New subscribers: people who confirmed their subscription in the period."),
    "subscribers_left": _l("Unsubscribed: subscribers who unsubscribed in the period."),
    "subscribers_growth": _l("Growth: size at the end minus size at the start (new subscribers minus unsubscribed)."),
    "bulletins_sent": _l("Bulletins sent: bulletins whose sending started in the period."),
    "bulletin_messages": _l("Emails: one per recipient of those bulletins."),
    "bulletin_delivered": _l("Delivered: emails the mail server accepted (Sent on the bulletin's delivery page)."),
    "bulletin_failed": _l("Failed: emails the mail server refused, or that could not be sent."),
    "delivery_rate": _l(
        "Delivery rate: delivered as a share of the emails that have finished (delivered or failed); "
        "emails still waiting are left out."
    ),
    "events_held": _l("Events held: published events that started in the period (and have started), not cancelled."),
    "event_registered": _l("Places booked: registrations at those events that held a place (confirmed or attended)."),
    "event_attendances": _l(
        "Participants: registrations at those events marked as attended (a person at two events counts twice)."
    ),
    "event_people": _l("Different people: participants counted once each by email address."),
    "organisations_engaged": _l(
        "Organisations engaged: different organisations of participants — the directory group when the "
        "registration is linked to one, otherwise the organisation name typed (ignoring case)."
    ),
    "attendance_rate": _l(
        "Attendance rate: participants as a share of places booked (apologies and waiting lists are left "
        "out; someone booked who did not come counts as absent)."
    ),
    "toolkit_rates": _l(
        "Toolkit response rate: for each toolkit open at some time in the period, responses submitted by "
        "the end of the period as a share of the active groups at the end of the period (toolkits "
        "answered once per person have no rate)."
    ),
    "action_status": _l(
        "Action-plan status: actions in published plans that existed at the end of the period, by their "
        "status at that moment (from the status history)."
    ),
    "action_changes": _l("Status changes: changes of an action's status in the period, by the new status."),
    "progress_updates": _l(
        "Progress updates: updates people entered, dated in the period (undated ones by when they were "
        "entered); history imported from a spreadsheet is not counted."
    ),
}


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _count(query) -> int:
    return int(db.session.scalar(query) or 0)


# --- groups -----------------------------------------------------------------------------------------


def _org_events(*verbs: str):
    return and_(
        AuditEvent.object_type == "Organisation",
        AuditEvent.object_id == cast(Organisation.id, String),
        AuditEvent.verb.in_(verbs),
    )


def joined_at():
    """When a group joined: its first approval, or (added straight to the directory, never applied) its
    creation. NULL for a group that has not joined."""
    first_approval = select(func.min(AuditEvent.at)).where(_org_events("group.approve")).scalar_subquery()
    never_applied = ~exists().where(_org_events("group.applied"))
    added_listed = and_(never_applied, Organisation.status.in_(("approved", "archived")))
    return func.coalesce(first_approval, case((added_listed, Organisation.created_at), else_=None))


def _leaving_events(*, before=None):
    """(org, verb) of every archive, restore and merged-away event (before `before`), the group id as
    text. Built as a plain union, not an OR inside a correlated subquery, so each side uses its index."""
    own = select(AuditEvent.object_id.label("org"), AuditEvent.verb, AuditEvent.at, AuditEvent.id).where(
        AuditEvent.object_type == "Organisation", AuditEvent.verb.in_(("group.archived", "group.restored"))
    )
    merged = select(
        cast(AuditEvent.details["merged_id"].as_integer(), String).label("org"),
        AuditEvent.verb,
        AuditEvent.at,
        AuditEvent.id,
    ).where(AuditEvent.verb == "group.merged")
    if before is not None:
        own, merged = own.where(AuditEvent.at < before), merged.where(AuditEvent.at < before)
    return union_all(own, merged).subquery()


def _gone_at(moment):
    """Ids (as text) of groups whose latest archive / restore / merge before `moment` took them out."""
    events = _leaving_events(before=moment)
    latest = func.row_number().over(partition_by=events.c.org, order_by=(events.c.at.desc(), events.c.id.desc()))
    ranked = select(events.c.org, events.c.verb, latest.label("rn")).where(events.c.org.is_not(None)).subquery()
    return select(ranked.c.org).where(ranked.c.rn == 1, ranked.c.verb.in_(("group.archived", "group.merged")))


def active_at(moment):
    """Joined before `moment` and not archived (nor merged away) at `moment`."""
    events = _leaving_events()
    ever_left = select(events.c.org).where(
        events.c.org.is_not(None), events.c.verb.in_(("group.archived", "group.merged"))
    )
    # Archived with no record of when (old data): treated as archived all along.
    archived_unrecorded = and_(Organisation.status == "archived", cast(Organisation.id, String).not_in(ever_left))
    return and_(
        joined_at() < moment,
        cast(Organisation.id, String).not_in(_gone_at(moment)),
        ~archived_unrecorded,
    )


def groups_joined(p: Period) -> int:
    joined = joined_at()
    return _count(select(func.count()).select_from(Organisation).where(joined >= p.start, joined < p.end))


def groups_active(p: Period) -> int:
    return _count(select(func.count()).select_from(Organisation).where(active_at(p.end)))


# --- mailing list -------------------------------------------------------------------------------------

# Erased and bouncing people are left out (their history is not kept); "unsubscribed" rows keep both dates.
_COUNTED = ("confirmed", "unsubscribed")


def _subscribed_at(moment):
    return and_(
        Subscriber.status.in_(_COUNTED),
        Subscriber.confirmed_at < moment,
        or_(Subscriber.unsubscribed_at.is_(None), Subscriber.unsubscribed_at >= moment),
    )


def subscribers_start(p: Period) -> int:
    return _count(select(func.count()).select_from(Subscriber).where(_subscribed_at(p.start)))


def subscribers_end(p: Period) -> int:
    return _count(select(func.count()).select_from(Subscriber).where(_subscribed_at(p.end)))


def subscribers_joined(p: Period) -> int:
    return _count(
        select(func.count())
        .select_from(Subscriber)
        .where(Subscriber.status.in_(_COUNTED), Subscriber.confirmed_at >= p.start, Subscriber.confirmed_at < p.end)
    )


def subscribers_left(p: Period) -> int:
    return _count(
        select(func.count())
        .select_from(Subscriber)
        .where(
            Subscriber.status == "unsubscribed",
            Subscriber.confirmed_at.is_not(None),
            Subscriber.unsubscribed_at >= p.start,
            Subscriber.unsubscribed_at < p.end,
        )
    )


# --- bulletins ----------------------------------------------------------------------------------------


def bulletin_deliveries(p: Period) -> list[dict]:
    """One row per bulletin sent in the period, in the order they were sent. The e-mail counts come
    from the mailing list's own delivery figures (app/mailing/figures.py), the one source of truth
    that its bulletins list and delivery page show too (issue 19)."""
    bulletins = db.session.execute(
        select(Bulletin.id, Bulletin.title, Bulletin.sent_at)
        .where(Bulletin.sent_at >= p.start, Bulletin.sent_at < p.end, Bulletin.status != "draft")
        .order_by(Bulletin.sent_at, Bulletin.id)
    ).all()
    figures = delivery_figures(b.id for b in bulletins)
    out = []
    for bulletin_id, title, sent_at in bulletins:
        counts = figures[bulletin_id]
        delivered, failed = counts["sent"], counts["failed"]
        rate = percent(delivered, delivered + failed)
        out.append({"id": bulletin_id, "title": title, "sent_at": sent_at, "messages": counts["total"],
                    "delivered": delivered, "failed": failed, "rate": rate})  # fmt: skip
    return out


def bulletin_totals(p: Period) -> dict:
    """Bulletins sent in the period and their emails: total, delivered, failed and the delivery rate."""
    rows = bulletin_deliveries(p)
    delivered, failed = sum(r["delivered"] for r in rows), sum(r["failed"] for r in rows)
    return {"bulletins": len(rows), "messages": sum(r["messages"] for r in rows), "delivered": delivered,
            "failed": failed, "rate": percent(delivered, delivered + failed)}  # fmt: skip


# --- events -------------------------------------------------------------------------------------------


def _held(p: Period):
    until = min(p.end, utcnow())
    return and_(
        Event.cancelled_at.is_(None),
        Event.status == "published",
        Event.starts_at >= p.start,
        Event.starts_at < until,
    )


def _registrations_at_held_events(p: Period, *columns):
    return select(*columns).select_from(Registration).join(Event, Event.id == Registration.event_id).where(_held(p))


def events_held(p: Period) -> int:
    return _count(select(func.count()).select_from(Event).where(_held(p)))


def event_registered(p: Period) -> int:
    return _count(_registrations_at_held_events(p, func.count()).where(Registration.status.in_(HOLDS_PLACE)))


def event_attendances(p: Period) -> int:
    return _count(_registrations_at_held_events(p, func.count()).where(Registration.status == "attended"))


def event_people(p: Period) -> int:
    return _count(
        _registrations_at_held_events(p, func.count(func.distinct(func.lower(Registration.email)))).where(
            Registration.status == "attended"
        )
    )


def organisations_engaged(p: Period) -> int:
    return _count(
        _registrations_at_held_events(p, func.count(func.distinct(organisation_key()))).where(
            Registration.status == "attended",
            or_(Registration.organisation_id.is_not(None), func.trim(Registration.organisation_name) != ""),
        )
    )


def attendance_rate(p: Period) -> int | None:
    attended, booked = db.session.execute(
        _registrations_at_held_events(
            p,
            func.count().filter(Registration.status == "attended"),
            func.count().filter(Registration.status.in_(HOLDS_PLACE)),
        )
    ).one()
    return percent(int(attended or 0), int(booked or 0))


def events_by_kind(p: Period) -> list[dict]:
    """Events held and participants, per kind of event, in the order the kinds are listed."""
    rows = db.session.execute(
        select(
            Event.kind,
            func.count(func.distinct(Event.id)),
            func.count(Registration.id).filter(Registration.status == "attended"),
        )
        .select_from(Event)
        .outerjoin(Registration, Registration.event_id == Event.id)
        .where(_held(p))
        .group_by(Event.kind)
    ).all()
    found = {kind: (int(events), int(attended)) for kind, events, attended in rows}
    return [
        {"kind": kind, "label": label, "events": found[kind][0], "participants": found[kind][1]}
        for kind, label in EVENT_KINDS.items()
        if kind in found
    ]


# --- toolkits -----------------------------------------------------------------------------------------


def toolkit_response_rates(p: Period) -> list[dict]:
    """Each toolkit open at some time in the period: responses submitted by its end, and the rate."""
    invited = select(func.count()).select_from(Organisation).where(active_at(p.end)).scalar_subquery()
    submitted = (
        select(func.count())
        .select_from(Response)
        .where(
            Response.toolkit_id == Toolkit.id,
            Response.status == "submitted",
            Response.submitted_at < p.end,
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Toolkit.id, Toolkit.title, Toolkit.slug, Toolkit.audience, submitted, invited)
        .where(open_during_condition(p.start, p.end))
        .order_by(Toolkit.opens_at.is_(None).desc(), Toolkit.opens_at, Toolkit.id)
    ).all()
    out = []
    for toolkit_id, title, slug, audience, sent, groups in rows:
        by_group = audience == "organisation"
        out.append(
            {
                "id": toolkit_id,
                "title": title,
                "slug": slug,
                "submitted": int(sent or 0),
                "invited": int(groups or 0) if by_group else None,
                "rate": percent(int(sent or 0), int(groups or 0)) if by_group else None,
            }
        )
    return out


# --- action plans -------------------------------------------------------------------------------------


def _in_published_plan():
    return Action.plan_id.in_(select(ActionPlan.id).where(ActionPlan.status == "published"))


def action_status(p: Period) -> list[dict]:
    """Actions in published plans at the end of the period, by their status then."""
    last_before = (
        select(StatusChange.to_status)
        .where(StatusChange.action_id == Action.id, StatusChange.changed_at < p.end)
        .order_by(StatusChange.changed_at.desc(), StatusChange.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    first_after = (
        select(StatusChange.from_status)
        .where(StatusChange.action_id == Action.id, StatusChange.changed_at >= p.end)
        .order_by(StatusChange.changed_at, StatusChange.id)
        .limit(1)
        .scalar_subquery()
    )
    then = (
        select(func.coalesce(last_before, first_after, Action.status).label("status"))
        .where(_in_published_plan(), Action.created_at < p.end)
        .subquery()
    )
    found = dict(db.session.execute(select(then.c.status, func.count()).group_by(then.c.status)).all())
    return [{"status": s, "label": str(label), "actions": int(found.get(s, 0))} for s, label in ACTION_STATUSES.items()]


def action_changes(p: Period) -> list[dict]:
    """Status changes in the period (not the first status an action was given), by the new status."""
    found = dict(
        db.session.execute(
            select(StatusChange.to_status, func.count())
            .join(Action, Action.id == StatusChange.action_id)
            .where(
                _in_published_plan(),
                StatusChange.from_status.is_not(None),
                StatusChange.changed_at >= p.start,
                StatusChange.changed_at < p.end,
            )
            .group_by(StatusChange.to_status)
        ).all()
    )
    return [{"status": s, "label": str(label), "changes": int(found.get(s, 0))} for s, label in ACTION_STATUSES.items()]


def progress_updates(p: Period) -> int:
    """Progress updates people entered for the period (imported history never counts: the same
    rule as the board report's news)."""
    return _count(
        select(func.count())
        .select_from(ProgressUpdate)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .where(_in_published_plan(), *news_update_conditions(p.first_day, p.last_day))
    )
