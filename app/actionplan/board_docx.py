"""The board report as a Word document (python-docx) for board papers: the same content as the page."""

from __future__ import annotations

import datetime as dt
import io

from app.actionplan.models import STATUS_LABELS, ActionPlan
from app.actionplan.services import Report
from app.i18n import _, ngettext
from app.i18n.formatting import number
from app.text import html_to_text


def _day(value: dt.date) -> str:
    from app.template_helpers import date_format

    return date_format(value)


def _status_table(document, report: Report) -> None:
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = _("Status"), _("Actions")
    for value, label in STATUS_LABELS.items():
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), number(report.counts.get(value, 0))
    cells = table.add_row().cells
    cells[0].text, cells[1].text = _("Total"), number(sum(report.counts.values()))
    for cell in table.rows[0].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True


def _action_news(document, entry: dict) -> None:
    action = entry["action"]
    label = f"{action.label}: " if action.label else ""
    document.add_heading(f"{action.number} {label}{action.headline}", level=3)
    meta = f"{action.theme.name} · " + _("Now %(status)s", status=STATUS_LABELS[action.status])
    if action.lead_officers:
        meta += " · " + _("Lead: %(services)s", services=", ".join(action.lead_officers))
    document.add_paragraph(meta)
    for change in entry["changes"]:
        document.add_paragraph(
            _(
                "Status changed from %(old)s to %(new)s on %(when)s.",
                old=STATUS_LABELS[change.from_status],
                new=STATUS_LABELS[change.to_status],
                when=_day(change.changed_at.date()),
            )
        )
    for update in entry["updates"]:
        when = _day(update.dated) if update.dated else _("Entered %(when)s", when=_day(update.created_at.date()))
        heading = document.add_paragraph()
        heading.add_run(when + (f" · {STATUS_LABELS[update.status]}" if update.status else "")).bold = True
        for paragraph in html_to_text(update.body).split("\n\n"):
            document.add_paragraph(paragraph)


def board_report_docx(plan: ActionPlan, report: Report, today: dt.date) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = _(
        "%(plan)s: what changed since %(since)s", plan=plan.title, since=_day(report.since)
    )
    document.add_heading(_("%(plan)s: board report", plan=plan.title), level=0)
    document.add_paragraph(
        _("What changed since %(since)s. Prepared on %(today)s.", since=_day(report.since), today=_day(today))
    )
    document.add_heading(_("Where the plan stands today"), level=1)
    _status_table(document, report)
    document.add_heading(_("Summary of changes"), level=1)
    for line in (
        ngettext(
            "%(count)s action with news",
            "%(count)s actions with news",
            len(report.by_action),
            count=len(report.by_action),
        ),
        ngettext(
            "%(count)s progress update", "%(count)s progress updates", len(report.updates), count=len(report.updates)
        ),
        ngettext("%(count)s status change", "%(count)s status changes", len(report.changes), count=len(report.changes)),
        ngettext(
            "%(count)s new action added",
            "%(count)s new actions added",
            len(report.new_actions),
            count=len(report.new_actions),
        ),
    ):
        document.add_paragraph(line, style="List Bullet")
    document.add_heading(_("Actions with news"), level=1)
    if not report.by_action:
        document.add_paragraph(_("Nothing has been reported since %(since)s.", since=_day(report.since)))
    for entry in report.by_action.values():
        _action_news(document, entry)
    if report.new_actions:
        document.add_heading(_("New actions"), level=1)
        for action in report.new_actions:
            document.add_paragraph(f"{action.number} {action.headline} ({action.theme.name})", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
