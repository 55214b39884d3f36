"""The uploaded file as rows of text, and the heading row that says which column is which."""

from __future__ import annotations

import csv
import re

from app.actionplan.richtext import html_to_text
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
        _, columns = find_header(rows)
        score = len(columns)
        if score > best_score:
            best, best_score = rows, score
    return best


def read_rows(content: bytes, filename: str) -> list[list[str]]:
    if len(content) > MAX_BYTES:
        raise ImportRefused(
            f"The file is {len(content) / 1024 / 1024:.1f} MB. Files must be 10 MB or smaller: "
            "remove images or other sheets, or save it as CSV."
        )
    if not content.strip():
        raise ImportRefused("The file is empty. Choose the spreadsheet that has the action plan in it.")
    if is_zip(content) or filename.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx(content, MAX_ROWS + 51)  # enough to tell that the file has too many rows
    if is_old_excel(content):
        raise ImportRefused("This is an old Excel (.xls) file. Open it in Excel and save it as .xlsx or CSV.")
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


def classify_header(value: str) -> str | None:
    h = _norm_header(value)
    if not h or len(h) > 200:
        return None
    if "last updated" in h or "date updated" in h:
        return "last_updated"
    if "quick win" in h:
        return "quick_win"
    if h in ("rag", "rag rating", "rag status", "red amber green"):
        return "rag"
    if re.match(r"^(action )?(no|number|num|ref|reference|id)\b", h) or h in ("#", "action no", "ref no"):
        return "number"
    if "officer" in h or h in ("lead", "lead person", "lead people", "contact", "leads"):
        return "lead_officer"
    if "service" in h or "directorate" in h or "department" in h:
        return "lead_service"
    if "benefit" in h or "protected characteristic" in h:
        return "benefits"
    if "deliver" in h or h in ("outcome", "outcomes", "expected outcomes"):
        return "deliverables"
    if "progress" in h or h in ("update", "updates", "comments", "commentary"):
        return "progress"
    if h.startswith(("timescale", "time scale", "timeframe", "time frame", "deadline", "by when", "target date")):
        return "timescale"
    if h in ("when", "completion date", "due", "due date"):
        return "timescale"
    if h in ("status", "action status", "current status"):
        return "status"
    if h.startswith("theme") or h in ("priority", "priority area", "workstream", "area", "objective"):
        return "theme"
    if "what action" in h or h in ("action", "actions", "action description", "description", "what we will do"):
        return "action"
    return None


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
