"""Export a plan as CSV or XLSX in the council layout plus Status, RAG and Last updated.

Cells are written so that importing the file again gives back the same plan (round trip),
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
from app.actionplan.richtext import html_for_export
from app.extensions import db
from app.spreadsheets import escape_formula, write_xlsx
from app.times import to_london

HEADERS = [COLUMN_LABELS[k] for k in COLUMN_LABELS]
_HEADING_FOR = dict(STATUSES.items())


def progress_text(updates: list[ProgressUpdate]) -> str:
    """Updates oldest first, each under its status heading ('Update:' when it has none)."""
    blocks = []
    ordered = sorted(updates, key=lambda u: (u.dated is not None, u.dated or dt.date.min, u.id or 0))
    for update in ordered:
        heading = _HEADING_FOR.get(update.status or "", "Update")
        body = html_for_export(update.body)
        if update.dated:
            body = f"{update.dated.strftime('%d/%m/%Y')} - {body}"
        blocks.append(f"{heading}:\n{body}")
    return "\n\n".join(blocks)


def _quick_win(action: Action) -> str:
    return action.quick_win_note or ("" if action.quick_win == "unknown" else QUICK_WIN[action.quick_win])


def _action_text(action: Action) -> str:
    if not action.detail:
        return action.headline
    from html import escape

    return f"<p><strong>{escape(action.headline, quote=False)}</strong></p>{action.detail}"


def export_rows(plan: ActionPlan) -> list[list[str]]:
    actions = db.session.scalars(
        select(Action)
        .where(Action.plan_id == plan.id)
        .options(selectinload(Action.theme), selectinload(Action.updates))
        .order_by(Action.sort_key, Action.id)
    ).all()
    actions = sorted(actions, key=lambda a: (a.theme.position, a.theme.id, a.sort_key))
    rows = [HEADERS]
    for action in actions:
        last = max([u.created_at for u in action.updates] + [action.updated_at])
        theme = action.theme.name + (f"\n{action.theme.secondary}" if action.theme.secondary else "")
        cells = [
            theme,
            action.number,
            _action_text(action),
            html_for_export(action.deliverables),
            html_for_export(action.wider_benefits),
            action.timescale,
            _quick_win(action),
            " / ".join(action.lead_services or []),
            " / ".join(action.lead_officers or []),
            progress_text(action.updates),
            STATUSES[action.status],
            RAG.get(action.rag or "", ""),
            to_london(last).strftime("%d/%m/%Y"),
        ]
        rows.append([escape_formula(c) for c in cells])
    return rows


def export_csv(plan: ActionPlan) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, quoting=csv.QUOTE_MINIMAL).writerows(export_rows(plan))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # a BOM so Excel reads UTF-8


def export_xlsx(plan: ActionPlan) -> bytes:
    out = io.BytesIO()
    write_xlsx(export_rows(plan), out, "Action plan", wrap=True)
    return out.getvalue()
