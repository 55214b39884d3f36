"""Recent progress on public action plans as one-click bulletin items (issue 4's content sources)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.actionplan.models import Action, ActionPlan, ProgressUpdate
from app.extensions import db
from app.i18n import _l
from app.mailing.sources import ContentSource, SourceItem, register_source
from app.template_helpers import date_format
from app.text import html_to_text


def _listed():
    return (
        select(ProgressUpdate)
        .join(Action, ProgressUpdate.action_id == Action.id)
        .join(ActionPlan, Action.plan_id == ActionPlan.id)
        .where(ActionPlan.status == "published", ActionPlan.visibility == "public")
        .options(joinedload(ProgressUpdate.action).joinedload(Action.plan))
    )


def _item(update: ProgressUpdate) -> SourceItem:
    action = update.action
    dated = f"{date_format(update.dated)}: " if update.dated else ""
    return SourceItem(
        key=str(update.id),
        kind="news",
        heading=f"{action.plan.title} – action {action.number}: {action.headline}"[:200],
        body=(dated + html_to_text(update.body))[:4000],
        link=url_for("actionplan.action", slug=action.plan.slug, number=action.number, _external=True),
    )


def candidates(limit: int) -> list[SourceItem]:
    query = _listed().order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc()).limit(limit)
    return [_item(u) for u in db.session.scalars(query)]


def get(key: str) -> SourceItem | None:
    if not key.isdigit():
        return None
    update = db.session.scalar(_listed().where(ProgressUpdate.id == int(key)))
    return _item(update) if update else None


register_source(ContentSource("action_plans", _l("Action-plan progress updates"), candidates, get))
