"""Export a plan as CSV or XLSX in the council layout plus Status, RAG and Last updated.

Cells are plain text (paragraphs and list items as lines, never HTML tags) written so that importing
the file again gives back the same plan (round trip: rich text compares by its words),
and any cell that starts with = + - @ is prefixed with an apostrophe so a spreadsheet never
runs it as a formula (CSV injection). The importer removes that apostrophe again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.actionplan.importing.reader import COLUMN_LABELS
from app.actionplan.models import QUICK_WIN, RAG, STATUSES, Action, ActionPlan, ProgressUpdate
from app.extensions import db
from app.spreadsheets import escape_formula, write_xlsx
from app.text import html_to_text
from app.times import to_london

HEADERS = [COLUMN_LABELS[k] for k in COLUMN_LABELS]
_HEADING_FOR = dict(STATUSES.items())


def progress_text(updates: list[ProgressUpdate]) -> str:
    """Updates oldest first, each under its status heading ('Update:' when it has none), as plain text."""
    blocks = []
    ordered = sorted(updates, key=lambda u: (u.dated is not None, u.dated or dt.date.min, u.id or 0))
    for update in ordered:
        heading = _HEADING_FOR.get(update.status or "", "Update")
        body = html_to_text(update.body)
        if update.dated:
            body = f"{update.dated.strftime('%d/%m/%Y')} - {body}"
        elif body.lower() == heading.lower():  # a bare "Completed" heading in the file: write it once
            body = ""
        blocks.append(f"{heading}:\n{body}".rstrip())
    return "\n\n".join(blocks)


def _quick_win(action: Action) -> str:
    return action.quick_win_note or ("" if action.quick_win == "unknown" else QUICK_WIN[action.quick_win])


def action_text(action: Action) -> str:
    """The "what actions" cell: the label, the title on the first line, then the description."""
    first = f"{action.label}: {action.headline}" if action.label else action.headline
    detail = html_to_text(action.detail)
    return f"{first}\n{detail}" if detail else first


def leads_text(names: list[str] | None, note: str) -> str:
    return " / ".join(names or []) or note or ""


def _actions(plan: ActionPlan) -> list[Action]:
    actions = db.session.scalars(
        select(Action)
        .where(Action.plan_id == plan.id)
        .options(selectinload(Action.theme), selectinload(Action.updates))
        .order_by(Action.sort_key, Action.id)
    ).all()
    return sorted(actions, key=lambda a: (a.theme.position, a.theme.id, a.sort_key))


def export_rows(plan: ActionPlan, typed_dates: bool = False) -> list[list]:
    """The header and one row per action, every cell plain text (the last-updated date is a real
    date when `typed_dates`, for XLSX)."""
    rows: list[list] = [HEADERS]
    for action in _actions(plan):
        last = to_london(max([u.created_at for u in action.updates] + [action.updated_at])).date()
        theme = action.theme.name + (f"\n{action.theme.secondary}" if action.theme.secondary else "")
        cells = [
            theme,
            action.number,
            action_text(action),
            html_to_text(action.deliverables),
            html_to_text(action.wider_benefits),
            action.timescale,
            _quick_win(action),
            leads_text(action.lead_services, action.lead_service_note),
            leads_text(action.lead_officers, action.lead_officer_note),
            progress_text(action.updates),
            STATUSES[action.status],
            RAG.get(action.rag or "", ""),
        ]
        rows.append([escape_formula(c) for c in cells] + [last if typed_dates else last.strftime("%d/%m/%Y")])
    return rows


def export_csv(plan: ActionPlan) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, quoting=csv.QUOTE_MINIMAL).writerows(export_rows(plan))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # a BOM so Excel reads UTF-8


WIDTHS = [24, 8, 60, 40, 40, 18, 18, 24, 24, 60, 14, 8, 14]


def export_xlsx(plan: ActionPlan) -> bytes:
    out = io.BytesIO()
    write_xlsx(
        export_rows(plan, typed_dates=True), out, "Action plan", wrap=True, freeze_header=True, autofilter=True,
        widths=WIDTHS,
    )  # fmt: skip
    return out.getvalue()
