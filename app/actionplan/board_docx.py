"""The board report as a Word document (python-docx) for board papers: the same content as the page."""

from __future__ import annotations

import datetime as dt
import io

from app.actionplan.models import STATUSES, ActionPlan
from app.actionplan.services import Report
from app.text import html_to_text


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _status_table(document, report: Report) -> None:
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Status", "Actions"
    for value, label in STATUSES.items():
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, str(report.counts.get(value, 0))
    cells = table.add_row().cells
    cells[0].text, cells[1].text = "Total", str(sum(report.counts.values()))
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True


def _plural(count: int, word: str, words: str) -> str:
    return f"{count} {word if count == 1 else words}"


def _action_news(document, entry: dict) -> None:
    action = entry["action"]
    label = f"{action.label}: " if action.label else ""
    document.add_heading(f"{action.number} {label}{action.headline}", level=3)
    meta = f"{action.theme.name} · Now {STATUSES[action.status]}"
    if action.lead_officers:
        meta += " · Lead: " + ", ".join(action.lead_officers)
    document.add_paragraph(meta)
    for change in entry["changes"]:
        document.add_paragraph(
            f"Status changed from {STATUSES[change.from_status]} to {STATUSES[change.to_status]} "
            f"on {_day(change.changed_at.date())}."
        )
    for update in entry["updates"]:
        when = _day(update.dated) if update.dated else f"Entered {_day(update.created_at.date())}"
        heading = document.add_paragraph()
        heading.add_run(when + (f" · {STATUSES[update.status]}" if update.status else "")).bold = True
        for paragraph in html_to_text(update.body).split("\n\n"):
            document.add_paragraph(paragraph)


def board_report_docx(plan: ActionPlan, report: Report, today: dt.date) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = f"{plan.title}: what changed since {_day(report.since)}"
    document.add_heading(f"{plan.title}: board report", level=0)
    document.add_paragraph(f"What changed since {_day(report.since)}. Prepared on {_day(today)}.")
    document.add_heading("Where the plan stands today", level=1)
    _status_table(document, report)
    document.add_heading("Summary of changes", level=1)
    for line in (
        _plural(len(report.by_action), "action with news", "actions with news"),
        _plural(len(report.updates), "progress update", "progress updates"),
        _plural(len(report.changes), "status change", "status changes"),
        _plural(len(report.new_actions), "new action added", "new actions added"),
    ):
        document.add_paragraph(line, style="List Bullet")
    document.add_heading("Actions with news", level=1)
    if not report.by_action:
        document.add_paragraph(f"Nothing has been reported since {_day(report.since)}.")
    for entry in report.by_action.values():
        _action_news(document, entry)
    if report.new_actions:
        document.add_heading("New actions", level=1)
        for action in report.new_actions:
            document.add_paragraph(f"{action.number} {action.headline} ({action.theme.name})", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
