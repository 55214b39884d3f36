"""The report as data: figures grouped in sections, plus tables. The page, CSV and XLSX render this."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel.speaklater import LazyString

from app.i18n import _, _l
from app.i18n.formatting import number
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
        return str(f.DEFINITIONS.get(self.key, ""))

    @property
    def display(self) -> str:
        if self.value is None:
            return _("No data")
        if self.unit == "%":
            return _("%(value)s%%", value=number(self.value))
        return number(self.value)


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (field, heading)
    rows: list[dict]
    definition_keys: list[str] = field(default_factory=list)

    def cells(self, row: dict) -> list[str]:
        out = []
        for name, _heading in self.columns:
            value = row.get(name)
            if value is None:
                out.append({"rate": _("No data"), "invited": _("Not applicable")}.get(name, ""))
            elif name == "rate":
                out.append(_("%(value)s%%", value=number(value)))
            elif name == "sent_at":
                out.append(date_format(value))
            elif isinstance(value, int):
                out.append(number(value))
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


BULLETIN_COLUMNS = [
    ("title", _l("Bulletin")), ("sent_at", _l("Sent")), ("messages", _l("Emails")), ("delivered", _l("Delivered")),
    ("failed", _l("Failed")), ("rate", _l("Delivery rate")),
]  # fmt: skip
TOOLKIT_COLUMNS = [
    ("title", _l("Toolkit")), ("submitted", _l("Responses submitted")), ("invited", _l("Active groups")),
    ("rate", _l("Response rate")),
]  # fmt: skip


def _columns(columns) -> list[tuple[str, str]]:
    """The headings in the reader's language, as plain text (the XLSX writer takes only str)."""
    return [(name, str(heading)) for name, heading in columns]


def build(p: Period) -> Report:
    """Every figure and table for the period, one SQL function each (figures.py)."""
    return Report(p, _sections(p), _tables(p))


def _sections(p: Period) -> list[Section]:
    joined, active = f.groups_joined(p), f.groups_active(p)
    start, end = f.subscribers_start(p), f.subscribers_end(p)
    new, left = f.subscribers_joined(p), f.subscribers_left(p)
    totals = f.bulletin_totals(p)
    sections = [
        Section("groups", _("Member groups"), [
            Figure("groups_joined", _("Groups joined"), joined),
            Figure("groups_active", _("Active groups at the end of the period"), active),
        ]),
        Section("mailing", _("Mailing list"), [
            Figure("subscribers_start", _("Subscribers at the start"), start),
            Figure("subscribers_end", _("Subscribers at the end"), end),
            Figure("subscribers_joined", _("New subscribers"), new),
            Figure("subscribers_left", _("Unsubscribed"), left),
            Figure("subscribers_growth", _("Growth"), end - start),
        ]),
        Section("bulletins", _("Bulletins"), [
            Figure("bulletins_sent", _("Bulletins sent"), totals["bulletins"]),
            Figure("bulletin_messages", _("Emails"), totals["messages"]),
            Figure("bulletin_delivered", _("Delivered"), totals["delivered"]),
            Figure("bulletin_failed", _("Failed"), totals["failed"]),
            Figure("delivery_rate", _("Delivery rate"), totals["rate"], "%"),
        ]),
        Section("events", _("Events"), [
            Figure("events_held", _("Events held"), f.events_held(p)),
            Figure("event_registered", _("Places booked"), f.event_registered(p)),
            Figure("event_attendances", _("Participants"), f.event_attendances(p)),
            Figure("event_people", _("Different people"), f.event_people(p)),
            Figure("organisations_engaged", _("Organisations engaged"), f.organisations_engaged(p)),
            Figure("attendance_rate", _("Attendance rate"), f.attendance_rate(p), "%"),
        ]),
        Section("actionplan", _("Action plans"), [
            Figure("progress_updates", _("Progress updates"), f.progress_updates(p)),
        ]),
    ]  # fmt: skip
    return sections


def _tables(p: Period) -> dict[str, Table]:
    return {
        "bulletins": Table(
            "bulletins",
            _("Bulletins sent in the period"),
            _columns(BULLETIN_COLUMNS),
            f.bulletin_deliveries(p),
            ["bulletin_delivered", "delivery_rate"],
        ),
        "events": Table(
            "events",
            _("Events held by kind"),
            [("label", _("Kind of event")), ("events", _("Events held")), ("participants", _("Participants"))],
            f.events_by_kind(p),
            ["events_held", "event_attendances"],
        ),
        "toolkits": Table(
            "toolkits",
            _("Toolkit response rates"),
            _columns(TOOLKIT_COLUMNS),
            f.toolkit_response_rates(p),
            ["toolkit_rates"],
        ),
        "action_status": Table(
            "action_status",
            _("Actions by status at the end of the period"),
            [("label", _("Status")), ("actions", _("Actions"))],
            f.action_status(p),
            ["action_status"],
        ),
        "action_changes": Table(
            "action_changes",
            _("Status changes in the period"),
            [("label", _("New status")), ("changes", _("Changes"))],
            f.action_changes(p),
            ["action_changes"],
        ),
    }


# --- downloads ------------------------------------------------------------------------------------


def rows_for_download(report: Report) -> list[list[str | int | None]]:
    """One sheet of rows: the figures (section, figure, value, definition), then each table."""
    p = report.period
    rows: list[list] = [
        [_("Network report"), p.label],
        [_("From"), p.first_day.isoformat(), _("To"), p.last_day.isoformat()],
        [],
        [_("Section"), _("Figure"), _("Value"), _("What it counts")],
    ]
    for section in report.sections:
        for figure in section.figures:
            rows.append([section.title, figure.label, figure.value, figure.definition])
    for table in report.tables.values():
        rows += [[], [table.title], [heading for _name, heading in table.columns]]
        for row in table.rows:
            rows.append([date_format(row[n]) if n == "sent_at" else row.get(n) for n, _heading in table.columns])
        if not table.rows:
            rows.append([_("None in this period")])
    return rows


def _text(value) -> str | int | None:
    if isinstance(value, LazyString):  # a translated label (app.i18n._l), in the reader's language
        value = str(value)
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
    sheet = book.create_sheet(title=_("Figures"))
    sheet.append([_("Network report"), p.label])
    sheet.append([_("From"), p.first_day, _("To"), p.last_day])
    sheet.append([])
    header(sheet, [_("Section"), _("Figure"), _("Value"), _("What it counts")])
    for section in report.sections:
        for figure in section.figures:
            sheet.append([section.title, figure.label, figure.value, figure.definition])
    for table in report.tables.values():
        sheet = book.create_sheet(title=table.title[:31])
        header(sheet, [heading for _name, heading in table.columns])
        for row in table.rows:
            values = []
            for name, _heading in table.columns:
                value = row.get(name)
                if name == "sent_at" and value is not None:
                    value = to_london(value).date()  # the London day it was sent
                values.append(_text(value))
            sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
