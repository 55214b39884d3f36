"""Writing a checked ParsedPlan into a plan, in the caller's transaction (all or nothing)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.actionplan.importing.plan import ParsedAction, ParsedPlan
from app.actionplan.importing.progress import ParsedUpdate, derive_status
from app.actionplan.models import STATUS_LABELS, Action, ActionPlan, ProgressUpdate, Theme
from app.actionplan.services import change_status, slugify
from app.db import utcnow
from app.extensions import db
from app.i18n import _, _l, ngettext
from app.spreadsheets import ImportRefused
from app.text import html_to_text


@dataclass
class ImportResult:
    themes_added: int = 0
    actions_added: int = 0
    actions_updated: int = 0
    actions_unchanged: int = 0
    updates_added: int = 0
    updates_edited: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

    @property
    def changed(self) -> bool:
        return bool(
            self.themes_added or self.actions_added or self.actions_updated or self.updates_added or self.updates_edited
        )


FIELDS = (
    "headline", "label", "detail", "deliverables", "wider_benefits", "timescale", "target_date",
    "quick_win", "quick_win_note", "lead_services", "lead_officers", "lead_service_note", "lead_officer_note",
)  # fmt: skip
RICH = {"detail", "deliverables", "wider_benefits"}
FIELD_LABELS = {
    "headline": _l("title"), "label": _l("label"), "detail": _l("description"),
    "deliverables": _l("what it will deliver"), "wider_benefits": _l("wider benefits"),
    "timescale": _l("timescale"), "target_date": _l("target date"), "quick_win": _l("quick win"),
    "quick_win_note": _l("quick win"), "lead_services": _l("lead service"), "lead_officers": _l("lead officers"),
    "lead_service_note": _l("lead service"), "lead_officer_note": _l("lead officers"), "theme": _l("theme"),
    "rag": _l("RAG"),
}  # fmt: skip


def _same(name: str, old, new) -> bool:
    """Rich text is the same when its words are: a file exported as plain text and imported again
    does not overwrite the formatting kept here."""
    if name in RICH:
        return " ".join(html_to_text(old or "").split()) == " ".join(html_to_text(new or "").split())
    return (old or type(new)()) == new if isinstance(new, (str, list)) else old == new


def changed_fields(action: Action, item: ParsedAction, theme_id: int | None) -> list[str]:
    """The fields (names in FIELDS, "theme", "rag") the file would change on an existing action."""
    names = [name for name in FIELDS if not _same(name, getattr(action, name), getattr(item, name))]
    if theme_id != action.theme_id:
        names.append("theme")
    if item.rag_given and action.rag != item.rag:
        names.append("rag")
    return names


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
                            updated_at=self.now, label="", lead_service_note="", lead_officer_note="")  # fmt: skip
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
        """Adds the updates the action does not have yet and rewrites the imported ones whose text
        the file changed (same date and status); → how many changed."""
        fresh, edits = match_updates(action.updates, updates)
        for existing, update in edits:
            existing.body, existing.fingerprint = update.body, update.fingerprint
        for update in fresh:
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
        self.result.updates_added += len(fresh)
        self.result.updates_edited += len(edits)
        if fresh:
            action.last_update_at = self.now
        return len(fresh) + len(edits)

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
    names = changed_fields(action, item, theme.id)
    for name in names:
        if name == "theme":
            action.theme_id = theme.id
        else:
            setattr(action, name, getattr(item, name))
    return bool(names)


def apply_import(parsed: ParsedPlan, plan: ActionPlan, user=None) -> ImportResult:
    """Write `parsed` into `plan` (the caller commits once: all or nothing)."""
    if parsed.errors:
        raise ImportRefused(_("The file has problems that must be fixed first; nothing was imported."))
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


def match_updates(
    existing: list[ProgressUpdate], parsed: list[ParsedUpdate]
) -> tuple[list[ParsedUpdate], list[tuple[ProgressUpdate, ParsedUpdate]]]:
    """(updates to add, (imported update, its new text) pairs). An update is known by its fingerprint;
    an imported update the file no longer has, with the same date and status as a new one, is that
    update with its text corrected, not a second update."""
    known = {u.fingerprint for u in existing}
    in_file = {u.fingerprint for u in parsed}
    orphans = [u for u in existing if u.source == "import" and u.fingerprint not in in_file]
    fresh: list[ParsedUpdate] = []
    edits: list[tuple[ProgressUpdate, ParsedUpdate]] = []
    for update in parsed:
        if update.fingerprint in known:
            continue
        known.add(update.fingerprint)
        same = next((o for o in orphans if (o.dated, o.status) == (update.dated, update.status)), None)
        if same is not None:
            orphans.remove(same)
            edits.append((same, update))
        else:
            fresh.append(update)
    return fresh, edits


# --- what an import would change (the preview) ------------------------------------------------


@dataclass
class ActionChange:
    number: str
    kind: str  # new | changed | unchanged
    fields: list[str]
    new_updates: int
    status_from: str | None = None
    status_to: str | None = None
    edited_updates: int = 0

    @property
    def described(self) -> str:
        parts = []
        labels = list(dict.fromkeys(str(FIELD_LABELS.get(f, f)) for f in self.fields))
        if labels:
            parts.append(_("changes %(fields)s", fields=", ".join(labels)))
        if self.new_updates:
            parts.append(ngettext("adds %(num)s progress update", "adds %(num)s progress updates", self.new_updates))
        if self.edited_updates:
            parts.append(
                ngettext(
                    "corrects the text of %(num)s progress update",
                    "corrects the text of %(num)s progress updates",
                    self.edited_updates,
                )
            )
        if self.status_to:
            status = str(STATUS_LABELS.get(self.status_to, self.status_to.replace("_", " "))).lower()
            parts.append(_("status becomes %(status)s", status=status))
        return "; ".join(parts)


@dataclass
class ChangePreview:
    actions: dict[str, ActionChange]
    new_themes: list[str]

    def count(self, kind: str) -> int:
        return sum(1 for c in self.actions.values() if c.kind == kind)

    @property
    def new_updates(self) -> int:
        return sum(c.new_updates for c in self.actions.values())

    @property
    def edited_updates(self) -> int:
        return sum(c.edited_updates for c in self.actions.values())

    @property
    def nothing(self) -> bool:
        return not self.new_themes and all(c.kind == "unchanged" for c in self.actions.values())


def preview_changes(parsed: ParsedPlan, plan: ActionPlan | None) -> ChangePreview:
    """Exactly what apply_import would change, without writing anything."""
    themes: dict[str, int] = {}
    actions: dict[str, Action] = {}
    if plan is not None and plan.id is not None:
        themes = {t.name.lower(): t.id for t in db.session.scalars(select(Theme).where(Theme.plan_id == plan.id))}
        actions = {
            a.number: a
            for a in db.session.scalars(
                select(Action).where(Action.plan_id == plan.id).options(selectinload(Action.updates))
            )
        }
    new_themes = list(dict.fromkeys(a.theme for a in parsed.actions if a.theme.lower() not in themes))
    return ChangePreview(
        {a.number: _action_change(a, actions.get(a.number), themes) for a in parsed.actions}, new_themes
    )


def _action_change(item: ParsedAction, action: Action | None, themes: dict[str, int]) -> ActionChange:
    if action is None:
        return ActionChange(item.number, "new", [], len(item.updates), None, item.status)
    fields = changed_fields(action, item, themes.get(item.theme.lower()))
    fresh, edits = match_updates(action.updates, item.updates)
    status = None
    if item.status_given:
        status = item.status if item.status != action.status else None
    elif fresh:
        everything = [ParsedUpdate(u.dated, u.status, u.body) for u in action.updates] + fresh
        derived = derive_status(everything)
        status = derived if derived != action.status else None
    kind = "changed" if fields or fresh or edits or status else "unchanged"
    return ActionChange(
        item.number, kind, fields, len(fresh), action.status if status else None, status, edited_updates=len(edits)
    )
