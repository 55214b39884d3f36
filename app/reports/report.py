"""The report as data: figures grouped in sections, plus tables. The page, CSV and XLSX render this."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from app.reports import figures as f
from app.reports.periods import Period
from app.spreadsheets import escape_formula
from app.template_helpers import date_format
from app.times import to_london


@dataclass
class Figure:
    key: str
    label: str
    value: int | None
    unit: str = ""  # "%" for rates

    @property
    def definition(self) -> str:
        return f.DEFINITIONS.get(self.key, "")

    @property
    def display(self) -> str:
        if self.value is None:
            return "No data"
        return f"{self.value:,}{self.unit}"


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (field, heading)
    rows: list[dict]
    definition_keys: list[str] = field(default_factory=list)

    def cells(self, row: dict) -> list[str]:
        out = []
        for name, _ in self.columns:
            value = row.get(name)
            if value is None:
                out.append({"rate": "No data", "invited": "Not applicable"}.get(name, ""))
            elif name == "rate":
                out.append(f"{value}%")
            elif name == "sent_at":
                out.append(date_format(value))
            elif isinstance(value, int):
                out.append(f"{value:,}")
            else:
                out.append(str(value))
        return out


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure]


@dataclass
class Report:
    period: Period
    sections: list[Section]
    tables: dict[str, Table]


BULLETIN_COLUMNS = [("title", "Bulletin"), ("sent_at", "Sent"), ("messages", "Emails"), ("delivered", "Delivered"),
                    ("failed", "Failed"), ("rate", "Delivery rate")]  # fmt: skip
TOOLKIT_COLUMNS = [("title", "Toolkit"), ("submitted", "Responses submitted"), ("invited", "Active groups"),
                   ("rate", "Response rate")]  # fmt: skip


def build(p: Period) -> Report:
    """Every figure and table for the period, one SQL function each (figures.py)."""
    return Report(p, _sections(p), _tables(p))


def _sections(p: Period) -> list[Section]:
    joined, active = f.groups_joined(p), f.groups_active(p)
    start, end = f.subscribers_start(p), f.subscribers_end(p)
    new, left = f.subscribers_joined(p), f.subscribers_left(p)
    totals = f.bulletin_totals(p)
    sections = [
        Section("groups", "Member groups", [
            Figure("groups_joined", "Groups joined", joined),
            Figure("groups_active", "Active groups at the end of the period", active),
        ]),
        Section("mailing", "Mailing list", [
            Figure("subscribers_start", "Subscribers at the start", start),
            Figure("subscribers_end", "Subscribers at the end", end),
            Figure("subscribers_joined", "New subscribers", new),
            Figure("subscribers_left", "Unsubscribed", left),
            Figure("subscribers_growth", "Growth", end - start),
        ]),
        Section("bulletins", "Bulletins", [
            Figure("bulletins_sent", "Bulletins sent", totals["bulletins"]),
            Figure("bulletin_messages", "Emails", totals["messages"]),
            Figure("bulletin_delivered", "Delivered", totals["delivered"]),
            Figure("bulletin_failed", "Failed", totals["failed"]),
            Figure("delivery_rate", "Delivery rate", totals["rate"], "%"),
        ]),
        Section("events", "Events", [
            Figure("events_held", "Events held", f.events_held(p)),
            Figure("event_registered", "Places booked", f.event_registered(p)),
            Figure("event_attendances", "Participants", f.event_attendances(p)),
            Figure("event_people", "Different people", f.event_people(p)),
            Figure("organisations_engaged", "Organisations engaged", f.organisations_engaged(p)),
            Figure("attendance_rate", "Attendance rate", f.attendance_rate(p), "%"),
        ]),
        Section("actionplan", "Action plans", [
            Figure("progress_updates", "Progress updates", f.progress_updates(p)),
        ]),
    ]  # fmt: skip
    return sections


def _tables(p: Period) -> dict[str, Table]:
    return {
        "bulletins": Table(
            "bulletins",
            "Bulletins sent in the period",
            BULLETIN_COLUMNS,
            f.bulletin_deliveries(p),
            ["bulletin_delivered", "delivery_rate"],
        ),
        "events": Table(
            "events",
            "Events held by kind",
            [("label", "Kind of event"), ("events", "Events held"), ("participants", "Participants")],
            f.events_by_kind(p),
            ["events_held", "event_attendances"],
        ),
        "toolkits": Table(
            "toolkits",
            "Toolkit response rates",
            TOOLKIT_COLUMNS,
            f.toolkit_response_rates(p),
            ["toolkit_rates"],
        ),
        "action_status": Table(
            "action_status",
            "Actions by status at the end of the period",
            [("label", "Status"), ("actions", "Actions")],
            f.action_status(p),
            ["action_status"],
        ),
        "action_changes": Table(
            "action_changes",
            "Status changes in the period",
            [("label", "New status"), ("changes", "Changes")],
            f.action_changes(p),
            ["action_changes"],
        ),
    }


# --- downloads ------------------------------------------------------------------------------------


def rows_for_download(report: Report) -> list[list[str | int | None]]:
    """One sheet of rows: the figures (section, figure, value, definition), then each table."""
    p = report.period
    rows: list[list] = [
        ["Network report", p.label],
        ["From", p.first_day.isoformat(), "To", p.last_day.isoformat()],
        [],
        ["Section", "Figure", "Value", "What it counts"],
    ]
    for section in report.sections:
        for figure in section.figures:
            rows.append([section.title, figure.label, figure.value, figure.definition])
    for table in report.tables.values():
        rows += [[], [table.title], [heading for _, heading in table.columns]]
        for row in table.rows:
            rows.append([date_format(row[n]) if n == "sent_at" else row.get(n) for n, _ in table.columns])
        if not table.rows:
            rows.append(["None in this period"])
    return rows


def _text(value) -> str | int | None:
    return escape_formula(value) if isinstance(value, str) else value


def export_csv(report: Report) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for row in rows_for_download(report):
        writer.writerow(["" if v is None else _text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # a BOM so Excel reads UTF-8


def export_xlsx(report: Report) -> bytes:
    """Sheet "Figures" (section, figure, value, definition) and one sheet per table; numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def header(sheet, values):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    p = report.period
    sheet = book.create_sheet(title="Figures")
    sheet.append(["Network report", p.label])
    sheet.append(["From", p.first_day, "To", p.last_day])
    sheet.append([])
    header(sheet, ["Section", "Figure", "Value", "What it counts"])
    for section in report.sections:
        for figure in section.figures:
            sheet.append([section.title, figure.label, figure.value, figure.definition])
    for table in report.tables.values():
        sheet = book.create_sheet(title=table.title[:31])
        header(sheet, [heading for _, heading in table.columns])
        for row in table.rows:
            values = []
            for name, _ in table.columns:
                value = row.get(name)
                if name == "sent_at" and value is not None:
                    value = to_london(value).date()  # the London day it was sent
                values.append(_text(value))
            sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
