"""The uploaded file as rows of text, and the heading row that says which column is which."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from app.actionplan.richtext import html_to_text
from app.i18n import _
from app.i18n.formatting import number
from app.spreadsheets import ImportRefused, decode_bytes, is_old_excel, is_zip, read_delimited, read_xlsx

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000


def _read_delimited(text: str, filename: str) -> list[list[str]]:
    name = filename.lower()
    if name.endswith((".tsv", ".tab")):
        candidates = ["\t"]
    elif name.endswith(".csv"):
        candidates = [",", ";", "\t"]
    else:
        candidates = ["\t", ",", ";"]
    best: list[list[str]] = []
    best_score = -1
    for delimiter in candidates:
        try:
            rows = [cells for _line, cells in read_delimited(text, delimiter)]
        except csv.Error:
            continue
        _index, columns = find_header(rows)
        score = len(columns)
        if score > best_score:
            best, best_score = rows, score
    return best


def read_rows(content: bytes, filename: str) -> list[list[str]]:
    if len(content) > MAX_BYTES:
        raise ImportRefused(
            _(
                "The file is %(size)s MB. Files must be 10 MB or smaller: "
                "remove images or other sheets, or save it as CSV.",
                size=number(round(len(content) / 1024 / 1024, 1)),
            )
        )
    if not content.strip():
        raise ImportRefused(_("The file is empty. Choose the spreadsheet that has the action plan in it."))
    if is_zip(content) or filename.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx(content, MAX_ROWS + 51)  # enough to tell that the file has too many rows
    if is_old_excel(content):
        raise ImportRefused(_("This is an old Excel (.xls) file. Open it in Excel and save it as .xlsx or CSV."))
    return _read_delimited(decode_bytes(content), filename)


# --- header ---------------------------------------------------------------------------------

COLUMN_LABELS = {
    "theme": "Theme",
    "number": "Action No",
    "action": "What actions are we taking",
    "deliverables": "What will these actions deliver",
    "benefits": "What might be the potential benefits for other protected characteristics / communities",
    "timescale": "Timescale",
    "quick_win": "Is this a quick win i.e. can be achieved in next 3 - 6 months?",
    "lead_service": "Lead Service",
    "lead_officer": "Lead Officer(s)",
    "progress": "Progress update",
    "status": "Status",
    "rag": "RAG",
    "last_updated": "Last updated",
}


def _norm_header(value: str) -> str:
    value = html_to_text(value) if "<" in value else value
    value = value.lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9?]+", " ", value).split())


@dataclass(frozen=True)
class _Rule:
    """A heading names `kind` when it contains, equals or starts with one of these (normalised)."""

    kind: str
    contains: tuple[str, ...] = ()
    exactly: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()
    pattern: str = ""

    def matches(self, heading: str) -> bool:
        return (
            any(word in heading for word in self.contains)
            or heading in self.exactly
            or heading.startswith(self.starts)
            or bool(self.pattern and re.match(self.pattern, heading))
        )


# In order: the first rule that matches wins ("Lead officer service" is an officer column).
_RULES = (
    _Rule("last_updated", contains=("last updated", "date updated")),
    _Rule("quick_win", contains=("quick win",)),
    _Rule("rag", exactly=("rag", "rag rating", "rag status", "red amber green")),
    _Rule("number", exactly=("#", "action no", "ref no"), pattern=r"^(action )?(no|number|num|ref|reference|id)\b"),
    _Rule("lead_officer", contains=("officer",), exactly=("lead", "lead person", "lead people", "contact", "leads")),
    _Rule("lead_service", contains=("service", "directorate", "department")),
    _Rule("benefits", contains=("benefit", "protected characteristic")),
    _Rule("deliverables", contains=("deliver",), exactly=("outcome", "outcomes", "expected outcomes")),
    _Rule("progress", contains=("progress",), exactly=("update", "updates", "comments", "commentary")),
    _Rule(
        "timescale",
        starts=("timescale", "time scale", "timeframe", "time frame", "deadline", "by when", "target date"),
        exactly=("when", "completion date", "due", "due date"),
    ),
    _Rule("status", exactly=("status", "action status", "current status")),
    _Rule("theme", starts=("theme",), exactly=("priority", "priority area", "workstream", "area", "objective")),
    _Rule(
        "action",
        contains=("what action",),
        exactly=("action", "actions", "action description", "description", "what we will do"),
    ),
)


def classify_header(value: str) -> str | None:
    heading = _norm_header(value)
    if not heading or len(heading) > 200:
        return None
    return next((rule.kind for rule in _RULES if rule.matches(heading)), None)


def find_header(rows: list[list[str]]) -> tuple[int | None, dict[str, int]]:
    """The first of the first 30 non-blank rows that names an action-number column and
    an action column (plus at least one more), with each column's index."""
    seen = 0
    for index, row in enumerate(rows):
        if not any(cell.strip() for cell in row):
            continue
        seen += 1
        if seen > 30:
            break
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            kind = classify_header(cell)
            if kind and kind not in columns:
                columns[kind] = position
        if "number" in columns and "action" in columns and len(columns) >= 3:
            return index, columns
    return None, {}
