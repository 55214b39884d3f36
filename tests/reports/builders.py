"""Data with known numbers for the report tests, with explicit times (callers commit).

Times are London wall-clock dates at noon, so they sit well inside or outside a period whatever the
clock change; `when(month, day)` is in the test year (last year, so everything has happened).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from app.actionplan.models import Action, ActionPlan, ProgressUpdate, StatusChange, Theme
from app.audit import AuditEvent
from app.db import utcnow
from app.events.models import Event, Registration
from app.extensions import db
from app.groups.models import Organisation
from app.mail.models import OutboxMessage
from app.mailing.models import Bulletin, Subscriber
from app.times import LONDON
from app.toolkits.models import Response, Toolkit

_n = itertools.count(1)
YEAR = utcnow().astimezone(LONDON).year - 1


def when(month: int, day: int, year: int = YEAR, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LONDON).astimezone(dt.UTC)


def audit(verb: str, obj, at: dt.datetime, **details) -> None:
    db.session.add(AuditEvent(verb=verb, object_type=type(obj).__name__, object_id=str(obj.id), details=details, at=at))


# --- groups ------------------------------------------------------------------------------------------


def group(*, status: str = "approved", created: dt.datetime, name: str | None = None, **fields) -> Organisation:
    n = next(_n)
    org = Organisation(
        name=name or f"Report Group {n}",
        slug=f"report-group-{n}",
        status=status,
        legal_form="unincorporated",
        description="A community group.",
        created_at=created,
        updated_at=created,
        **fields,
    )
    org.tags = []
    db.session.add(org)
    db.session.flush()
    return org


def applied_group(applied: dt.datetime, approved: dt.datetime | None = None) -> Organisation:
    org = group(status="approved" if approved else "pending", created=applied)
    audit("group.applied", org, applied)
    if approved:
        audit("group.approve", org, approved)
    return org


def archive(org: Organisation, at: dt.datetime) -> None:
    org.status = "archived"
    audit("group.archived", org, at)


def restore(org: Organisation, at: dt.datetime) -> None:
    org.status = "approved"
    audit("group.restored", org, at)


def merge(source: Organisation, target: Organisation, at: dt.datetime) -> None:
    source.status = "archived"
    source.merged_into_id = target.id
    audit("group.merged", target, at, merged=source.name, merged_id=source.id)


# --- mailing ------------------------------------------------------------------------------------------


def subscriber(status: str = "confirmed", confirmed: dt.datetime | None = None,
               unsubscribed: dt.datetime | None = None) -> Subscriber:  # fmt: skip
    n = next(_n)
    s = Subscriber(
        email=None if status == "erased" else f"report-reader{n}@example.org",
        name=f"Reader {n}",
        status=status,
        consent_at=confirmed,
        confirmed_at=confirmed,
        unsubscribed_at=unsubscribed,
        token_key=f"{n:032d}"[-32:],
        created_at=confirmed or utcnow(),
    )
    db.session.add(s)
    db.session.flush()
    return s


def bulletin(sent_at: dt.datetime | None, status: str = "sent", **outbox: int) -> Bulletin:
    """A bulletin whose outbox rows have the given statuses, e.g. bulletin(t, sent=5, failed=1)."""
    n = next(_n)
    b = Bulletin(title=f"Report bulletin {n}", slug=f"report-bulletin-{n}", status=status, sent_at=sent_at)
    db.session.add(b)
    db.session.flush()
    for state, count in outbox.items():
        for i in range(count):
            db.session.add(
                OutboxMessage(
                    kind="bulletin",
                    to_addr=f"r{n}-{state}-{i}@example.org",
                    subject=b.title,
                    body_text="",
                    status=state,
                    campaign=b.campaign,
                    dedupe_key=f"bulletin:{b.id}:report:{state}:{i}",
                )
            )
    db.session.flush()
    return b


# --- events -------------------------------------------------------------------------------------------


def event(starts: dt.datetime, *, kind: str = "networking", status: str = "published",
          cancelled: bool = False) -> Event:  # fmt: skip
    n = next(_n)
    e = Event(
        kind=kind,
        title=f"Report event {n}",
        slug=f"report-event-{n}",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        status=status,
        cancelled_at=starts - dt.timedelta(days=3) if cancelled else None,
    )
    db.session.add(e)
    db.session.flush()
    return e


def registration(e: Event, status: str, *, email: str | None = None, organisation_name: str = "",
                 organisation_id: int | None = None) -> Registration:  # fmt: skip
    n = next(_n)
    r = Registration(
        event_id=e.id,
        name=f"Person {n}",
        email=email or f"report-person{n}@example.org",
        status=status,
        organisation_name=organisation_name,
        organisation_id=organisation_id,
        waitlist_position=n if status == "waitlisted" else None,
    )
    db.session.add(r)
    db.session.flush()
    return r


# --- toolkits -----------------------------------------------------------------------------------------


def toolkit(opens: dt.datetime | None, closes: dt.datetime | None, *, status: str = "published",
            audience: str = "organisation") -> Toolkit:  # fmt: skip
    n = next(_n)
    t = Toolkit(
        title=f"Report toolkit {n}", slug=f"report-toolkit-{n}", status=status, opens_at=opens, closes_at=closes,
        audience=audience,
    )  # fmt: skip
    db.session.add(t)
    db.session.flush()
    return t


def response(t: Toolkit, *, organisation: Organisation | None = None, user=None, submitted: dt.datetime | None = None):
    key = f"org:{organisation.id}" if organisation is not None else f"user:{user.id}"
    r = Response(
        toolkit_id=t.id,
        respondent_key=key,
        organisation_id=organisation.id if organisation is not None else None,
        user_id=user.id if user is not None else None,
        status="submitted" if submitted else "draft",
        submitted_at=submitted,
    )
    db.session.add(r)
    db.session.flush()
    return r


# --- action plans -------------------------------------------------------------------------------------


def plan(status: str = "published") -> tuple[ActionPlan, Theme]:
    n = next(_n)
    p = ActionPlan(title=f"Report plan {n}", slug=f"report-plan-{n}", status=status, visibility="public")
    db.session.add(p)
    db.session.flush()
    theme = Theme(plan_id=p.id, name="Health", position=1)
    db.session.add(theme)
    db.session.flush()
    return p, theme


def action(p: ActionPlan, theme: Theme, created: dt.datetime, history: list[tuple[str, dt.datetime]],
           status: str | None = None) -> Action:  # fmt: skip
    """history: (status, when) in order; the first is the status it was created with (from = None).
    With no history the action just has `status` (old data without a status history)."""
    n = next(_n)
    current = history[-1][0] if history else status
    a = Action(
        plan_id=p.id, theme_id=theme.id, number=f"1.{n}", sort_key=f"{n:06d}", headline=f"Action {n}",
        status=current, created_at=created, updated_at=created,
    )  # fmt: skip
    db.session.add(a)
    db.session.flush()
    previous = None
    for state, at in history:
        db.session.add(StatusChange(action_id=a.id, from_status=previous, to_status=state, changed_at=at))
        previous = state
    db.session.flush()
    return a


def progress_update(a: Action, *, dated: dt.date | None, created: dt.datetime) -> ProgressUpdate:
    body = f"<p>Update {next(_n)}</p>"
    u = ProgressUpdate(
        action_id=a.id, dated=dated, body=body, created_at=created,
        fingerprint=hashlib.sha256(body.encode()).hexdigest(),
    )  # fmt: skip
    db.session.add(u)
    db.session.flush()
    return u
