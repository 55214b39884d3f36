"""Writing a checked ParsedPlan into a plan, in the caller's transaction (all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.actionplan.importing.plan import ParsedAction, ParsedPlan
from app.actionplan.importing.progress import ParsedUpdate, derive_status
from app.actionplan.models import Action, ActionPlan, ProgressUpdate, Theme
from app.actionplan.services import change_status, slugify
from app.db import utcnow
from app.extensions import db
from app.spreadsheets import ImportRefused


@dataclass
class ImportResult:
    themes_added: int = 0
    actions_added: int = 0
    actions_updated: int = 0
    actions_unchanged: int = 0
    updates_added: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

    @property
    def changed(self) -> bool:
        return bool(self.themes_added or self.actions_added or self.actions_updated or self.updates_added)


FIELDS = (
    "headline", "detail", "deliverables", "wider_benefits", "timescale", "target_date",
    "quick_win", "quick_win_note", "lead_services", "lead_officers",
)  # fmt: skip


class _Writer:
    """The plan's themes and actions, loaded once, and the counts of what the import changed."""

    def __init__(self, plan: ActionPlan, user) -> None:
        self.plan, self.user, self.now = plan, user, utcnow()
        self.result = ImportResult()
        self.themes = {t.name.lower(): t for t in db.session.scalars(select(Theme).where(Theme.plan_id == plan.id))}
        self.actions = {
            a.number: a
            for a in db.session.scalars(
                select(Action).where(Action.plan_id == plan.id).options(selectinload(Action.updates))
            )
        }
        self.next_position = max((t.position for t in self.themes.values()), default=0) + 1

    def theme(self, item: ParsedAction) -> Theme:
        theme = self.themes.get(item.theme.lower())
        if theme is None:
            theme = Theme(plan_id=self.plan.id, name=item.theme, position=self.next_position,
                          secondary=item.secondary_theme)  # fmt: skip
            self.next_position += 1
            db.session.add(theme)
            db.session.flush()
            self.themes[item.theme.lower()] = theme
            self.result.themes_added += 1
        elif item.secondary_theme and item.secondary_theme not in (theme.secondary or ""):
            theme.secondary = "; ".join(filter(None, [theme.secondary, item.secondary_theme]))
        return theme

    def action(self, item: ParsedAction, theme: Theme) -> None:
        action = self.actions.get(item.number)
        created = action is None
        if created:
            action = Action(plan_id=self.plan.id, theme_id=theme.id, status="not_started", created_at=self.now,
                            updated_at=self.now)  # fmt: skip
            action.set_number(item.number)
            action.updates = []
            db.session.add(action)
            self.actions[item.number] = action
        changed = _write_fields(action, item, theme)
        added = self.add_updates(action, item.updates)
        if (created or added or item.status_given) and self.set_status(action, item, created):
            changed = True
        if created:
            self.result.actions_added += 1
        elif changed or added:
            action.updated_at = self.now
            self.result.actions_updated += 1
        else:
            self.result.actions_unchanged += 1

    def add_updates(self, action: Action, updates: list[ParsedUpdate]) -> int:
        """Adds the updates whose fingerprint the action does not have yet; → how many."""
        known = {u.fingerprint for u in action.updates}
        added = 0
        for update in updates:
            if update.fingerprint in known:
                continue
            known.add(update.fingerprint)
            action.updates.append(
                ProgressUpdate(
                    dated=update.dated,
                    status=update.status,
                    body=update.body,
                    source="import",
                    author_id=getattr(self.user, "id", None),
                    fingerprint=update.fingerprint,
                    created_at=self.now,
                )
            )
            added += 1
        self.result.updates_added += added
        if added:
            action.last_update_at = self.now
        return added

    def set_status(self, action: Action, item: ParsedAction, created: bool) -> bool:
        """The status the file gives, else the one its updates imply; → whether it changed."""
        if item.status_given:
            new_status = item.status
        else:
            new_status = derive_status([ParsedUpdate(u.dated, u.status, u.body) for u in action.updates])
        if action.status == new_status and not created:
            return False
        if created:
            action.status = "not_started"
        return change_status(action, new_status, user=self.user, source="import", at=self.now)


def _write_fields(action: Action, item: ParsedAction, theme: Theme) -> bool:
    """Writes only the fields that differ; → whether any did."""
    changed = action.theme_id != theme.id
    action.theme_id = theme.id
    for name in FIELDS:
        new = getattr(item, name)
        if getattr(action, name) != new:
            setattr(action, name, new)
            changed = True
    if item.rag_given and action.rag != item.rag:
        action.rag = item.rag
        changed = True
    return changed


def apply_import(parsed: ParsedPlan, plan: ActionPlan, user=None) -> ImportResult:
    """Write `parsed` into `plan` (the caller commits once: all or nothing)."""
    if parsed.errors:
        raise ImportRefused("The file has problems that must be fixed first; nothing was imported.")
    if plan.id is None:
        db.session.add(plan)
        db.session.flush()
    writer = _Writer(plan, user)
    for item in parsed.actions:
        writer.action(item, writer.theme(item))
    if writer.result.changed:
        plan.updated_at = writer.now
    return writer.result


def plan_by_name(name: str) -> ActionPlan | None:
    return db.session.scalar(select(ActionPlan).where((ActionPlan.title == name) | (ActionPlan.slug == slugify(name))))
