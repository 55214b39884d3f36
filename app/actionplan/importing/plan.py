"""Checking a whole file row by row into a ParsedPlan: the dry-run preview, written by nothing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from app.actionplan.importing.cells import (
    is_dashes,
    normalise_number,
    parse_quick_win,
    split_headline,
    split_names,
    split_themes,
    target_date_from,
)
from app.actionplan.importing.progress import STATUS_WORDS, ParsedUpdate, derive_status, parse_progress
from app.actionplan.importing.reader import COLUMN_LABELS, MAX_ROWS, find_header, read_rows
from app.actionplan.models import RAG
from app.actionplan.richtext import canonical_html, plain_text
from app.spreadsheets import ImportRefused, fix_mojibake, unescape_formula


@dataclass
class ParsedAction:
    row: int
    theme: str
    secondary_theme: str
    number: str
    headline: str
    detail: str
    deliverables: str
    wider_benefits: str
    timescale: str
    target_date: dt.date | None
    quick_win: str
    quick_win_note: str
    lead_services: list[str]
    lead_officers: list[str]
    updates: list[ParsedUpdate]
    status: str
    status_given: bool
    rag: str | None
    rag_given: bool


@dataclass
class ParsedPlan:
    filename: str
    columns: dict[str, int] = field(default_factory=dict)
    actions: list[ParsedAction] = field(default_factory=list)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.actions)

    def themes(self) -> list[tuple[str, list[ParsedAction]]]:
        grouped: dict[str, list[ParsedAction]] = {}
        for action in self.actions:
            grouped.setdefault(action.theme, []).append(action)
        return list(grouped.items())

    @property
    def update_count(self) -> int:
        return sum(len(a.updates) for a in self.actions)

    def missing_columns(self) -> list[str]:
        return [
            COLUMN_LABELS[k]
            for k in COLUMN_LABELS
            if k not in self.columns and k not in ("status", "rag", "last_updated")
        ]


@dataclass
class _Row:
    """One row under the heading row, its cells looked up by column kind."""

    number: int  # as the spreadsheet shows it
    raw: list[str]
    columns: dict[str, int]

    def cell(self, kind: str) -> str:
        index = self.columns.get(kind)
        value = self.raw[index] if index is not None and index < len(self.raw) else ""
        return unescape_formula(fix_mojibake(value.replace("\x00", "")).strip())

    @property
    def skipped(self) -> bool:
        return not any(c.strip() for c in self.raw) or is_dashes(self.raw)


@dataclass
class _Context:
    """What earlier rows tell the next one: the theme above it and the numbers seen."""

    filename: str
    theme: str = ""
    secondary: str = ""
    seen: dict[str, int] = field(default_factory=dict)
    last_by_prefix: dict[str, tuple[int, str]] = field(default_factory=dict)


def parse_rows(rows: list[list[str]], filename: str = "") -> ParsedPlan:
    parsed = ParsedPlan(filename=filename)
    header_index, columns = find_header(rows)
    if header_index is None:
        raise ImportRefused(
            "We could not find the column headings. The first rows of the sheet must include headings such as "
            "'Theme', 'Action No' and 'What actions are we taking'."
        )
    parsed.columns = columns
    body = rows[header_index + 1 :]
    if len(body) > MAX_ROWS:
        raise ImportRefused(f"The file has more than {MAX_ROWS} rows. Split it into smaller files.")
    context = _Context(filename=filename)
    for offset, raw in enumerate(body):
        row = _Row(header_index + 2 + offset, raw, columns)
        if not row.skipped and (action := _read_action(parsed, context, row)):
            parsed.actions.append(action)
    if not parsed.actions and not parsed.errors:
        raise ImportRefused("The file has column headings but no actions under them.")
    return parsed


def _read_action(parsed: ParsedPlan, context: _Context, row: _Row) -> ParsedAction | None:
    if row.cell("theme"):
        context.theme, context.secondary = split_themes(row.cell("theme"))
    number = normalise_number(row.cell("number"))
    if not _identified(parsed, context, row, number):
        return None
    context.seen[number] = row.number
    if not context.theme:
        context.theme = "Other actions"
        parsed.warnings.append((row.number, "No theme given before this row, so it is under 'Other actions'."))
    raw_number = row.raw[row.columns["number"]] if row.columns["number"] < len(row.raw) else ""
    if re.fullmatch(r"\d+\.\d", raw_number.strip()) and context.filename.lower().endswith(".xlsx"):
        parsed.warnings.append(
            (row.number, f"Action number {number} may have been changed by Excel (4.10 becomes 4.1): check it.")
        )
    _gap_warning(parsed, context.last_by_prefix, number, row.number)
    return _action(parsed, context, row, number)


def _identified(parsed: ParsedPlan, context: _Context, row: _Row, number: str) -> bool:
    """Whether the row has an action number and text not seen before (else a warning or an error)."""
    action_text = row.cell("action")
    if not number and not action_text:
        if row.cell("theme") and not any(row.cell(k) for k in COLUMN_LABELS if k != "theme"):
            return False  # a heading row naming the theme for the rows below
        parsed.warnings.append((row.number, "Row has no action number and no action text, so it was skipped."))
    elif not number:
        parsed.errors.append(
            (row.number, "Row has an action but no action number. Add a number (like 2.3) in the 'Action No' column.")
        )
    elif not action_text:
        parsed.errors.append((row.number, f"Action {number} has no text in the 'What actions are we taking' column."))
    elif number in context.seen:
        parsed.errors.append(
            (row.number, f"Action {number} appears twice (rows {context.seen[number]} and {row.number}).")
        )
    else:
        return True
    return False


def _action(parsed: ParsedPlan, context: _Context, row: _Row, number: str) -> ParsedAction:
    warn = parsed.warnings.append
    headline, detail = split_headline(row.cell("action"))
    quick_win, quick_note, understood = parse_quick_win(row.cell("quick_win"))
    if not understood:
        warn((row.number, f"Quick win for {number} is not yes or no ('{quick_note[:60]}'); kept as written."))
    updates, notes = parse_progress(row.cell("progress"))
    for note in notes:
        warn((row.number, f"Progress update for {number}: {note}."))
    status_text = plain_text(row.cell("status")).lower()
    status = STATUS_WORDS.get(status_text)
    if status_text and not status:
        warn((row.number, f"Status '{row.cell('status')[:40]}' for {number} was not recognised."))
    rag_text = plain_text(row.cell("rag")).lower()
    timescale = plain_text(row.cell("timescale"))
    if any(re.search(r"<\s*script|\bon\w+\s*=|javascript:", row.cell(k), re.I) for k in COLUMN_LABELS):
        warn((row.number, f"Unsafe HTML (scripts or event handlers) in {number} was removed."))
    return ParsedAction(
        row=row.number,
        theme=context.theme,
        secondary_theme=context.secondary,
        number=number,
        headline=headline,
        detail=detail,
        deliverables=canonical_html(row.cell("deliverables")),
        wider_benefits=canonical_html(row.cell("benefits")),
        timescale=timescale,
        target_date=target_date_from(timescale),
        quick_win=quick_win,
        quick_win_note=quick_note,
        lead_services=split_names(row.cell("lead_service")),
        lead_officers=split_names(row.cell("lead_officer")),
        updates=updates,
        status=status or derive_status(updates),
        status_given=bool(status),
        rag=rag_text if rag_text in RAG else {"r": "red", "a": "amber", "g": "green"}.get(rag_text),
        rag_given="rag" in row.columns,
    )


def _gap_warning(parsed: ParsedPlan, last: dict, number: str, row: int) -> None:
    parts = number.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return
    prefix, n = parts[0], int(parts[1])
    previous = last.get(prefix)
    if previous is not None and n > previous[0] + 1:
        missing = ", ".join(f"{prefix}.{i}" for i in range(previous[0] + 1, min(n, previous[0] + 6)))
        parsed.warnings.append(
            (row, f"Numbering jumps from {prefix}.{previous[0]} to {number}: {missing} not in the file.")
        )
    last[prefix] = (n, number)


def parse_file(content: bytes, filename: str) -> ParsedPlan:
    return parse_rows(read_rows(content, filename), filename)
