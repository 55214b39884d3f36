"""Logic shared by the routes, the CLI and the reminder job."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from app import slugs
from app.actionplan.models import (
    STATUSES,
    Action,
    ActionPlan,
    ProgressUpdate,
    StatusChange,
    Theme,
    action_lead_users,
    update_fingerprint,
)
from app.db import first_or_404, utcnow
from app.extensions import db
from app.i18n import _
from app.security import has_role
from app.times import london_to_utc
from app.urls import link_context


def slugify(text: str) -> str:
    return slugs.slugify(text, 100, "plan")


def unique_slug(title: str, exclude_id: int | None = None) -> str:
    return slugs.unique_slug(ActionPlan, slugify(title), exclude_id=exclude_id)


# --- access ------------------------------------------------------------------------------------


def can_view_plan(plan: ActionPlan, user=None) -> bool:
    user = user if user is not None else current_user
    if has_role(user, "staff"):
        return True
    if plan.status == "draft":
        return False
    return plan.visibility == "public" or bool(getattr(user, "is_authenticated", False))


def plan_or_404(slug: str) -> ActionPlan:
    plan = first_or_404(select(ActionPlan).where(ActionPlan.slug == slug))
    if not can_view_plan(plan):
        if plan.status == "draft" or current_user.is_authenticated:
            abort(404)  # a draft plan does not exist for anyone but staff
        abort(401)
    return plan


def can_update_action(action: Action, user=None) -> bool:
    """Staff, and lead officers linked to this very action (object-level check)."""
    user = user if user is not None else current_user
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, "staff"):
        return True
    return bool(
        db.session.scalar(
            select(exists().where(action_lead_users.c.action_id == action.id, action_lead_users.c.user_id == user.id))
        )
    )


def visible_plans_query(user=None):
    user = user if user is not None else current_user
    query = select(ActionPlan).order_by(ActionPlan.title)
    if has_role(user, "staff"):
        return query
    query = query.where(ActionPlan.status != "draft")
    if not getattr(user, "is_authenticated", False):
        query = query.where(ActionPlan.visibility == "public")
    return query


# --- status ----------------------------------------------------------------------------------


def change_status(action: Action, new_status: str, *, user=None, source: str = "manual", at=None) -> bool:
    """Set the status and keep the change in the history. Returns True when it changed."""
    if new_status not in STATUSES or (new_status == action.status and action.id is not None):
        return False
    old = action.status if action.id is not None else None
    if old == new_status:
        return False
    action.status = new_status
    db.session.add(
        StatusChange(
            action=action,
            from_status=old,
            to_status=new_status,
            changed_at=at or utcnow(),
            changed_by_id=getattr(user, "id", None),
            source=source,
        )
    )
    return True


def add_progress_update(
    action: Action, *, dated: dt.date | None, status: str | None, body: str, user
) -> ProgressUpdate:
    now = utcnow()
    update = ProgressUpdate(
        action_id=action.id,
        dated=dated,
        status=status or None,
        body=body,
        author_id=user.id,
        source="manual",
        created_at=now,
        fingerprint=update_fingerprint(dated, status or None, body),
    )
    db.session.add(update)
    if status:
        change_status(action, status, user=user, source="update", at=now)
    action.last_update_at = now
    action.updated_at = now
    return update


# --- filters and overview ----------------------------------------------------------------------


@dataclass
class Filters:
    status: str = ""
    theme: int | None = None
    service: str = ""
    officer: str = ""
    quick_win: str = ""
    overdue: bool = False
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args) -> Filters:
        f = cls()
        status = args.get("status", "")
        f.status = status if status in STATUSES else ""
        try:
            f.theme = int(args.get("theme")) if args.get("theme") else None
        except ValueError:
            f.theme = None
        f.service = (args.get("service") or "").strip()[:200]
        f.officer = (args.get("officer") or "").strip()[:200]
        quick_win = args.get("quick_win", "")
        f.quick_win = quick_win if quick_win in ("yes", "no", "unknown") else ""
        f.overdue = args.get("overdue") in ("1", "yes", "on", "true")
        return f

    @property
    def active(self) -> bool:
        return bool(self.status or self.theme or self.service or self.officer or self.quick_win or self.overdue)

    def params(self) -> dict:
        values = {
            "status": self.status,
            "theme": self.theme or "",
            "service": self.service,
            "officer": self.officer,
            "quick_win": self.quick_win,
            "overdue": "1" if self.overdue else "",
        }
        return {k: v for k, v in values.items() if v not in ("", None)}

    def query_string(self) -> str:
        return urlencode(self.params())


def plan_actions(plan: ActionPlan) -> list[Action]:
    """Every action of a plan in natural number order, with its theme (one query)."""
    return list(
        db.session.scalars(
            select(Action)
            .where(Action.plan_id == plan.id)
            .options(selectinload(Action.theme))
            .order_by(Action.sort_key, Action.id)
        )
    )


def _lower_in(wanted: str, names: list[str] | None) -> bool:
    return wanted.lower() in (name.lower() for name in names or [])


def _passes(action: Action, f: Filters, today: dt.date) -> bool:
    return (
        (not f.status or action.status == f.status)
        and (not f.theme or action.theme_id == f.theme)
        and (not f.service or _lower_in(f.service, action.lead_services))
        and (not f.officer or _lower_in(f.officer, action.lead_officers))
        and (not f.quick_win or action.quick_win == f.quick_win)
        and (not f.overdue or action.is_overdue(today))
    )


def apply_filters(actions: list[Action], f: Filters, today: dt.date | None = None) -> list[Action]:
    """Filters run in Python over one plan's actions (a plan has tens, not thousands)."""
    today = today or dt.date.today()
    return [action for action in actions if _passes(action, f, today)]


@dataclass
class ThemeSummary:
    theme: Theme
    actions: list[Action]
    counts: Counter

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return self.counts.get("completed", 0)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def bar_step(self) -> int:
        """The percentage rounded to a step of 5, for the CSS width class."""
        return 5 * round(self.percent / 5)


def themes_of(plan: ActionPlan) -> list[Theme]:
    return list(db.session.scalars(select(Theme).where(Theme.plan_id == plan.id).order_by(Theme.position, Theme.id)))


def summarise(themes: list[Theme], all_actions: list[Action], shown: list[Action]) -> list[ThemeSummary]:
    counts: dict[int, Counter] = {t.id: Counter() for t in themes}
    for action in all_actions:
        counts.setdefault(action.theme_id, Counter())[action.status] += 1
    grouped: dict[int, list[Action]] = {t.id: [] for t in themes}
    for action in shown:
        grouped.setdefault(action.theme_id, []).append(action)
    return [ThemeSummary(t, grouped.get(t.id, []), counts.get(t.id, Counter())) for t in themes]


def filter_choices(actions: list[Action]) -> dict[str, list[str]]:
    services = sorted({s for a in actions for s in a.lead_services or []}, key=str.lower)
    officers = sorted({o for a in actions for o in a.lead_officers or []}, key=str.lower)
    return {"services": services, "officers": officers}


# --- board report ---------------------------------------------------------------------------


@dataclass
class Report:
    since: dt.date
    changes: list[StatusChange]
    updates: list[ProgressUpdate]
    new_actions: list[Action]
    counts: Counter
    by_action: dict[int, dict]


def news_update_conditions(first_day: dt.date, last_day: dt.date | None = None) -> tuple:
    """A progress update is news for the days first_day..last_day (to today when None): entered by a
    person (an imported update is history, whatever its date) and dated in those days, or undated and
    entered in them. The board report and the funder report both count with this."""
    dated = ProgressUpdate.dated >= first_day
    entered = ProgressUpdate.created_at >= london_to_utc(first_day)
    if last_day is not None:
        end = london_to_utc(last_day + dt.timedelta(days=1))
        dated = and_(dated, ProgressUpdate.dated <= last_day)
        entered = and_(entered, ProgressUpdate.created_at < end)
    return (
        ProgressUpdate.source != "import",
        or_(dated, and_(ProgressUpdate.dated.is_(None), entered)),
    )


def imported_at_creation():
    """Actions that came from a spreadsheet: their first status was set by an import."""
    return exists().where(
        StatusChange.action_id == Action.id, StatusChange.from_status.is_(None), StatusChange.source == "import"
    )


def board_report(plan: ActionPlan, since: dt.date) -> Report:
    """What changed since `since`: status changes, progress updates people entered (dated, or if
    undated entered, since then), and actions added by hand since then; grouped by action in number
    order. Imported history is not news (see news_update_conditions)."""
    start = london_to_utc(since)
    changes = list(
        db.session.scalars(
            select(StatusChange)
            .join(Action, StatusChange.action_id == Action.id)
            .where(Action.plan_id == plan.id, StatusChange.changed_at >= start, StatusChange.from_status.is_not(None))
            .options(selectinload(StatusChange.action).selectinload(Action.theme))
            .order_by(StatusChange.changed_at)
        )
    )
    updates = list(
        db.session.scalars(
            select(ProgressUpdate)
            .join(Action, ProgressUpdate.action_id == Action.id)
            .where(Action.plan_id == plan.id, *news_update_conditions(since))
            .options(
                selectinload(ProgressUpdate.action).selectinload(Action.theme), selectinload(ProgressUpdate.author)
            )
            .order_by(ProgressUpdate.dated, ProgressUpdate.id)
        )
    )
    new_actions = list(
        db.session.scalars(
            select(Action)
            .where(Action.plan_id == plan.id, Action.created_at >= start, ~imported_at_creation())
            .options(selectinload(Action.theme))
            .order_by(Action.sort_key)
        )
    )
    counts = Counter(
        dict(
            db.session.execute(
                select(Action.status, func.count()).where(Action.plan_id == plan.id).group_by(Action.status)
            ).all()
        )
    )
    by_action: dict[int, dict] = {}
    for change in changes:
        by_action.setdefault(change.action_id, {"action": change.action, "changes": [], "updates": []})[
            "changes"
        ].append(change)
    for update in updates:
        by_action.setdefault(update.action_id, {"action": update.action, "changes": [], "updates": []})[
            "updates"
        ].append(update)
    ordered = dict(sorted(by_action.items(), key=lambda item: item[1]["action"].sort_key))
    return Report(since, changes, updates, new_actions, counts, ordered)


# --- reminders ---------------------------------------------------------------------------------


OPEN_STATUSES = ("not_started", "in_progress", "ongoing")


def stale_weeks() -> int:
    """How many weeks without a progress update make an open action need one (staff dashboard and
    plan pages; STAFF_STALE_ACTION_WEEKS, at least 1)."""
    return max(1, int(current_app.config.get("STAFF_STALE_ACTION_WEEKS", 6)))


def stale_action_ids(plan_id: int, weeks: int, now: dt.datetime | None = None) -> set[int]:
    """The plan's actions that need a progress update (see stale_action_conditions)."""
    cutoff = (now or utcnow()) - dt.timedelta(weeks=weeks)
    return set(
        db.session.scalars(
            select(Action.id)
            .join(ActionPlan, ActionPlan.id == Action.plan_id)
            .where(Action.plan_id == plan_id, *stale_action_conditions(cutoff))
        )
    )


def stale_action_conditions(cutoff: dt.datetime) -> tuple:
    """An action needs an update: open, in a published plan (joined as ActionPlan), and no progress
    update entered since `cutoff` (nor created since then). Reminders and the staff dashboard share it."""
    return (
        ActionPlan.status == "published",
        Action.status.in_(OPEN_STATUSES),
        func.coalesce(Action.last_update_at, Action.created_at) < cutoff,
    )


def send_reminders(now: dt.datetime | None = None) -> int:
    """E-mail lead officers (linked accounts) of actions with no progress update for N weeks.

    Once per action, person and period: the outbox dedupe key names the period, so running
    the job again (or on two workers) never sends a second reminder for the same period."""
    from app.auth.models import User
    from app.mail import enqueue
    from app.mail.models import OutboxMessage

    now = now or utcnow()
    weeks = int(current_app.config.get("ACTIONPLAN_REMINDER_WEEKS", 6))
    if weeks <= 0:
        return 0
    cutoff = now - dt.timedelta(weeks=weeks)
    period = int(now.timestamp() // (weeks * 7 * 24 * 3600))
    stale = db.session.execute(
        select(Action, User)
        .join(action_lead_users, action_lead_users.c.action_id == Action.id)
        .join(User, User.id == action_lead_users.c.user_id)
        .join(ActionPlan, ActionPlan.id == Action.plan_id)
        .where(
            *stale_action_conditions(cutoff),
            User.active.is_(True),
        )
        .options(selectinload(Action.plan))
        .order_by(Action.id, User.id)
    ).all()
    keys = [f"actionplan-reminder:{action.id}:{user.id}:{period}" for action, user in stale]
    existing = set(db.session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys))))
    sent = 0
    with link_context():
        for (action, user), key in zip(stale, keys, strict=True):
            if key in existing:
                continue
            enqueue(
                "actionplan_reminder",
                to=user.email,
                subject=_("Action %(number)s needs a progress update", number=action.number),
                kind="actionplan_reminder",
                dedupe_key=key,
                user=user,
                action=action,
                plan=action.plan,
                weeks=weeks,
            )
            sent += 1
    return sent
