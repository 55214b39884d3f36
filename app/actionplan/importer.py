"""Spreadsheet import (issue 7 §4): TSV, CSV or XLSX in the council layout.

parse_file() reads and checks the whole file without touching the database and returns a
ParsedPlan (actions per theme, warnings and errors per row): that is the dry-run preview.
apply_import() writes a ParsedPlan in the caller's transaction; it is all-or-nothing because
the caller commits once, and it refuses a plan with errors. Re-importing the same file changes
nothing: actions are matched by number, fields are only written when they differ, and progress
updates are matched by a fingerprint of their date, status and text.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import hashlib
import html
import io
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.actionplan.models import RAG, STATUSES, Action, ActionPlan, ProgressUpdate, Theme
from app.actionplan.richtext import canonical_html, html_to_text, looks_like_html, plain_text
from app.db import utcnow
from app.extensions import db
from app.security import sanitize_html

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000


class ImportRefused(Exception):
    """The file cannot be imported at all (empty, too large, no header, unreadable)."""


# --- reading the file ---------------------------------------------------------------------

_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}"
)


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Windows-1252 ('â€™' → '’'), one run at a time."""

    def repair(match: re.Match) -> str:
        chunk = match.group(0)
        try:
            return _sloppy_cp1252(chunk).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return chunk

    if not _MOJIBAKE.search(text):
        return text
    # 0x9D has no Windows-1252 character, so a right double quote often arrives as "â€" + U+FFFD.
    return _MOJIBAKE.sub(repair, text.replace("\u00e2\u20ac\ufffd", "\u201d"))


def _sloppy_cp1252(chunk: str) -> bytes:
    """Windows-1252 encoding that also maps the five bytes it leaves undefined (as Windows does)."""
    out = bytearray()
    for char in chunk:
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 255:
                raise
            out.append(ord(char))
    return bytes(out)


def decode_bytes(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        text = content[3:].decode("utf-8", errors="replace")
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = content.decode("utf-16")
    else:
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
    return fix_mojibake(text.replace("\x00", ""))


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y") if not (value.hour or value.minute) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return fix_mojibake(str(value).replace("\x00", ""))


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula cell gives its formula text (=HYPERLINK(…)), imported as text.
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportRefused("The file could not be opened as an Excel workbook. Save it as .xlsx or CSV.") from exc
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in row])
            if len(rows) > MAX_ROWS + 50:
                break
        return rows
    finally:
        book.close()


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
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))
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
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(content)
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
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


# --- cells ----------------------------------------------------------------------------------

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)


def _year(value: str) -> int:
    year = int(value)
    return year + 2000 if year < 100 else year


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4}|\d{2})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?,?\s+(\d{{4}}|\d{{2}})\b", re.I)
MONTH_YEAR = re.compile(rf"\b({_MONTH_RE})\.?[\s\-']*(\d{{4}}|\d{{2}})\b", re.I)


def target_date_from(timescale: str) -> dt.date | None:
    """The last date a timescale names ('April 2021 - March 2022' → 31 March 2022)."""
    found: list[tuple[int, dt.date]] = []
    for m in ISO_DATE.finditer(timescale):
        if d := _safe_date(int(m[1]), int(m[2]), int(m[3])):
            found.append((m.start(), d))
    for m in NUMERIC_DATE.finditer(timescale):
        if d := _safe_date(_year(m[3]), int(m[2]), int(m[1])):
            found.append((m.start(), d))
    taken = [(m.start(), m.end()) for m in DAY_MONTH_YEAR.finditer(timescale)]
    for m in DAY_MONTH_YEAR.finditer(timescale):
        if d := _safe_date(_year(m[3]), MONTHS[m[2].lower()[:3]], int(m[1])):
            found.append((m.start(), d))
    for m in MONTH_YEAR.finditer(timescale):
        if any(start <= m.start() < end for start, end in taken):
            continue
        found.append((m.start(), _end_of_month(_year(m[2]), MONTHS[m[1].lower()[:3]])))
    return max(found)[1] if found else None


def parse_quick_win(value: str) -> tuple[str, str, bool]:
    """→ (yes|no|unknown, the wording when it says more than yes/no, understood?)."""
    text = plain_text(value)
    low = text.lower().strip(" .!")
    if not low:
        return "unknown", "", True
    if low in ("yes", "y", "true", "qw", "quick win"):
        return "yes", "", True
    if low in ("no", "n", "false"):
        return "no", "", True
    if low in ("n/a", "na", "tbc", "unknown", "not known", "-"):
        return "unknown", text, True
    if re.match(r"^(yes|y)\b|^(qw|quick win)\b", low):
        return "yes", text, True
    if re.match(r"^(no|not)\b", low):
        return "no", text, True
    return "unknown", text, False


def split_names(value: str) -> list[str]:
    names = []
    for part in re.split(r"\s*(?:/|;|\n|\r|\|)\s*", plain_text(value.replace("\n", " / ")) if value else ""):
        part = part.strip(" ,.")
        if part and part.lower() not in (n.lower() for n in names):
            names.append(part)
    return names


def split_themes(value: str) -> tuple[str, str]:
    """One cell may name two themes: the first is the theme, the rest the secondary theme."""
    text = html_to_text(sanitize_html(value)) if looks_like_html(value) else value
    parts = [p.strip(" ,.") for p in re.split(r"\s*(?:\n|;|\s/\s|\s\+\s|\s&\s(?=theme\b))\s*", text, flags=re.I)]
    parts = [" ".join(p.split()) for p in parts if p.strip(" ,.")]
    if not parts:
        return "", ""
    return parts[0][:200], "; ".join(parts[1:])


def normalise_number(value: str) -> str:
    text = plain_text(value).strip()
    text = re.sub(r"^(action|no\.?|ref\.?)\s*", "", text, flags=re.I).strip(" .:")
    return text[:40]


_BOLD_LEAD = re.compile(r"^\s*(?:<p>\s*)?<(b|strong)>(.*?)</\1>\s*(?:<br>\s*)?", re.S | re.I)


def split_headline(value: str) -> tuple[str, str]:
    """Action text → (plain headline, detail HTML). A bold lead sentence becomes the headline;
    otherwise the first line or sentence of a long text."""
    value = (value or "").strip()
    if not value:
        return "", ""
    if looks_like_html(value):
        clean = sanitize_html(value).strip()
        match = _BOLD_LEAD.match(clean)
        if match and plain_text(match.group(2)):
            headline = plain_text(match.group(2))
            rest = clean[match.end() :]
            rest = re.sub(r"^\s*</p>", "", rest) if clean.lstrip().startswith("<p>") else rest
            if clean.lstrip().startswith("<p>") and rest.strip() and not rest.lstrip().startswith("<"):
                rest = "<p>" + rest
            return headline, canonical_html(rest)
        text = canonical_html(clean)
        plain = html_to_text(text)
        if "\n" not in plain and len(plain) <= 300:
            return plain, ""
        first = plain.split("\n", 1)[0]
        return (first if len(first) <= 300 else _first_sentence(first)), text
    text = value.replace("\r\n", "\n").strip()
    if "\n" in text:
        first, rest = text.split("\n", 1)
        if len(first.strip()) <= 300:
            return " ".join(first.split()), canonical_html(rest)
    if len(text) <= 300:
        return " ".join(text.split()), ""
    headline = _first_sentence(text)
    return headline, canonical_html(text)


def _first_sentence(text: str) -> str:
    match = re.match(r"(.{20,280}?[.!?])\s", text, re.S)
    return " ".join((match.group(1) if match else text[:280] + "…").split())


def _is_dashes(row: list[str]) -> bool:
    joined = "".join(row).strip()
    return bool(joined) and not re.sub(r"[-–—=_*~\s|+]", "", joined)


# --- progress text ----------------------------------------------------------------------------

HEADINGS = {
    "completed": "completed",
    "complete": "completed",
    "done": "completed",
    "achieved": "completed",
    "in progress": "in_progress",
    "progress": "in_progress",
    "underway": "in_progress",
    "started": "in_progress",
    "ongoing": "ongoing",
    "on going": "ongoing",
    "on hold": "on_hold",
    "paused": "on_hold",
    "delayed": "on_hold",
    "not started": "not_started",
    "not yet started": "not_started",
    "new": None,
    "update": None,
    "updates": None,
    "latest update": None,
    "note": None,
}
_HEADING = re.compile(
    r"^\s*(?:<(?:b|strong|u|em|i)>\s*)*("
    + "|".join(sorted(map(re.escape, HEADINGS), key=len, reverse=True))
    + r")\s*(?:</(?:b|strong|u|em|i)>\s*)*\s*[:\-–]\s*(?:</(?:b|strong|u|em|i)>\s*)*",
    re.I,
)
_DATE_LEAD = re.compile(
    r"^\s*(?:<(?:b|strong|u|em|i)>\s*)*"
    rf"(\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/\-.]\d{{1,2}}[/\-.](?:\d{{4}}|\d{{2}})|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_RE}\.?,?\s+(?:\d{{4}}|\d{{2}})|{_MONTH_RE}\.?[\s\-']*(?:\d{{4}}|\d{{2}}))"
    r"\s*(?:</(?:b|strong|u|em|i)>\s*)*\s*(?:[:\-–—]|\s)\s*(?:</(?:b|strong|u|em|i)>\s*)*",
    re.I,
)


def parse_date_text(value: str) -> dt.date | None:
    value = value.strip()
    if m := ISO_DATE.fullmatch(value):
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    if m := NUMERIC_DATE.fullmatch(value):
        return _safe_date(_year(m[3]), int(m[2]), int(m[1]))
    if m := DAY_MONTH_YEAR.fullmatch(value):
        return _safe_date(_year(m[3]), MONTHS[m[2].lower()[:3]], int(m[1]))
    if m := MONTH_YEAR.fullmatch(value.replace("'", " ")):
        return _safe_date(_year(m[2]), MONTHS[m[1].lower()[:3]], 1)
    return None


@dataclass
class ParsedUpdate:
    dated: dt.date | None
    status: str | None
    body: str  # canonical sanitised HTML

    @property
    def fingerprint(self) -> str:
        return update_fingerprint(self.dated, self.status, self.body)


def update_fingerprint(dated: dt.date | None, status: str | None, body: str) -> str:
    text = " ".join(html_to_text(body).lower().split())
    key = f"{dated.isoformat() if dated else ''}|{status or ''}|{text}"
    return hashlib.sha256(key.encode()).hexdigest()


def _progress_lines(value: str) -> list[str]:
    """Progress cell → lines of (inline) HTML; list items and paragraphs become lines."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if looks_like_html(value):
        value = sanitize_html(value)
        value = re.sub(r"<br\s*/?>|</?p>|</?div>|</?ul>|</?ol>|</li>|</?h\d>|</?table>|</?tbody>|</?tr>", "\n", value)
        value = re.sub(r"<li>", "\n", value)
        value = re.sub(r"</?(?:td|th|thead|caption)[^>]*>", " ", value)
    else:
        value = html.escape(value, quote=False)
    return [line.strip() for line in value.split("\n")]


def parse_progress(value: str) -> tuple[list[ParsedUpdate], list[str]]:
    """Split progress text into dated updates with a status where the text allows."""
    value = (value or "").strip()
    if not value:
        return [], []
    notes: list[str] = []
    entries: list[dict] = []
    current_status: str | None = None
    current: dict | None = None
    found_structure = False
    for line in _progress_lines(value):
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading:
            found_structure = True
            current_status = HEADINGS[heading.group(1).lower()]
            line = line[heading.end() :].strip()
            current = None
            if not line:
                continue
        date_match = _DATE_LEAD.match(line)
        dated = parse_date_text(re.sub(r"<[^>]+>", "", date_match.group(1))) if date_match else None
        if date_match and dated:
            found_structure = True
            current = {"dated": dated, "status": current_status, "lines": []}
            entries.append(current)
            line = line[date_match.end() :].strip()
            inline = _HEADING.match(line)
            if inline and HEADINGS[inline.group(1).lower()]:
                current["status"] = current_status = HEADINGS[inline.group(1).lower()]
                line = line[inline.end() :].strip()
            if line:
                current["lines"].append(line)
            continue
        if date_match and not dated:
            notes.append(f"'{html_to_text(date_match.group(1))}' is not a real date; kept as text")
        if current is None:
            current = {"dated": None, "status": current_status, "lines": []}
            entries.append(current)
        current["lines"].append(line)
    if not found_structure:
        return [ParsedUpdate(None, None, canonical_html(value))], notes
    updates = []
    for entry in entries:
        body = canonical_html("\n\n".join(entry["lines"]) if entry["lines"] else "")
        if body or entry["dated"]:
            updates.append(ParsedUpdate(entry["dated"], entry["status"], body or "<p>(no text)</p>"))
    return updates, notes


def derive_status(updates: list[ParsedUpdate]) -> str:
    """The status of the newest dated update that has one, else the last with one in the text."""
    if not updates:
        return "not_started"
    dated = [(u.dated, i, u.status) for i, u in enumerate(updates) if u.dated and u.status]
    if dated:
        return max(dated)[2]
    with_status = [u.status for u in updates if u.status]
    return with_status[-1] if with_status else "in_progress"


_STATUS_WORDS = {label.lower(): key for key, label in STATUSES.items()} | {k.replace("_", " "): k for k in STATUSES}
_STATUS_WORDS.update({"complete": "completed", "done": "completed", "started": "in_progress", "on-going": "ongoing"})


# --- the parsed plan ----------------------------------------------------------------------


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


def _strip_escape(value: str) -> str:
    """Our exports prefix cells starting with = + - @ with an apostrophe; take it off again."""
    return value[1:] if len(value) > 1 and value[0] == "'" and value[1] in "=+-@" else value


def parse_rows(rows: list[list[str]], filename: str = "") -> ParsedPlan:
    parsed = ParsedPlan(filename=filename)
    header_index, columns = find_header(rows)
    if header_index is None:
        raise ImportRefused(
            "We could not find the column headings. The first rows of the sheet must include headings such as "
            "'Theme', 'Action No' and 'What actions are we taking'."
        )
    parsed.columns = columns
    theme = ""
    secondary = ""
    seen: dict[str, int] = {}
    last_by_prefix: dict[str, tuple[list[int], str]] = {}
    body = rows[header_index + 1 :]
    if len(body) > MAX_ROWS:
        raise ImportRefused(f"The file has more than {MAX_ROWS} rows. Split it into smaller files.")
    for offset, raw in enumerate(body):
        row_number = header_index + 2 + offset

        def cell(kind: str, raw=raw) -> str:
            index = columns.get(kind)
            value = raw[index] if index is not None and index < len(raw) else ""
            return _strip_escape(fix_mojibake(value.replace("\x00", "")).strip())

        if not any(c.strip() for c in raw):
            continue
        if _is_dashes(raw):
            continue
        if cell("theme"):
            theme, secondary = split_themes(cell("theme"))
        number = normalise_number(cell("number"))
        action_text = cell("action")
        if not number and not action_text:
            if cell("theme") and not any(cell(k) for k in COLUMN_LABELS if k not in ("theme",)):
                continue  # a heading row naming the theme for the rows below
            parsed.warnings.append((row_number, "Row has no action number and no action text, so it was skipped."))
            continue
        if not number:
            parsed.errors.append(
                (
                    row_number,
                    "Row has an action but no action number. Add a number (like 2.3) in the 'Action No' column.",
                )
            )
            continue
        if not action_text:
            parsed.errors.append(
                (row_number, f"Action {number} has no text in the 'What actions are we taking' column.")
            )
            continue
        if number in seen:
            parsed.errors.append((row_number, f"Action {number} appears twice (rows {seen[number]} and {row_number})."))
            continue
        seen[number] = row_number
        if not theme:
            theme = "Other actions"
            parsed.warnings.append((row_number, "No theme given before this row, so it is under 'Other actions'."))
        raw_number = raw[columns["number"]] if columns["number"] < len(raw) else ""
        if re.fullmatch(r"\d+\.\d", raw_number.strip()) and filename.lower().endswith(".xlsx"):
            parsed.warnings.append(
                (row_number, f"Action number {number} may have been changed by Excel (4.10 becomes 4.1): check it.")
            )
        _gap_warning(parsed, last_by_prefix, number, row_number)
        headline, detail = split_headline(action_text)
        quick_win, quick_note, understood = parse_quick_win(cell("quick_win"))
        if not understood:
            parsed.warnings.append(
                (row_number, f"Quick win for {number} is not yes or no ('{quick_note[:60]}'); kept as written.")
            )
        updates, notes = parse_progress(cell("progress"))
        for note in notes:
            parsed.warnings.append((row_number, f"Progress update for {number}: {note}."))
        status_text = plain_text(cell("status")).lower()
        status = _STATUS_WORDS.get(status_text)
        if status_text and not status:
            parsed.warnings.append((row_number, f"Status '{cell('status')[:40]}' for {number} was not recognised."))
        rag_text = plain_text(cell("rag")).lower()
        rag = rag_text if rag_text in RAG else {"r": "red", "a": "amber", "g": "green"}.get(rag_text)
        timescale = plain_text(cell("timescale"))
        if any(re.search(r"<\s*script|\bon\w+\s*=|javascript:", cell(k), re.I) for k in COLUMN_LABELS):
            parsed.warnings.append((row_number, f"Unsafe HTML (scripts or event handlers) in {number} was removed."))
        parsed.actions.append(
            ParsedAction(
                row=row_number,
                theme=theme,
                secondary_theme=secondary,
                number=number,
                headline=headline,
                detail=detail,
                deliverables=canonical_html(cell("deliverables")),
                wider_benefits=canonical_html(cell("benefits")),
                timescale=timescale,
                target_date=target_date_from(timescale),
                quick_win=quick_win,
                quick_win_note=quick_note,
                lead_services=split_names(cell("lead_service")),
                lead_officers=split_names(cell("lead_officer")),
                updates=updates,
                status=status or derive_status(updates),
                status_given=bool(status),
                rag=rag,
                rag_given="rag" in columns,
            )
        )
    if not parsed.actions and not parsed.errors:
        raise ImportRefused("The file has column headings but no actions under them.")
    return parsed


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


# --- writing ---------------------------------------------------------------------------------


@dataclass
class ImportResult:
    themes_added: int = 0
    actions_added: int = 0
    actions_updated: int = 0
    actions_unchanged: int = 0
    updates_added: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

    @property
    def changed(self) -> bool:
        return bool(self.themes_added or self.actions_added or self.actions_updated or self.updates_added)


FIELDS = (
    "headline", "detail", "deliverables", "wider_benefits", "timescale", "target_date",
    "quick_win", "quick_win_note", "lead_services", "lead_officers",
)  # fmt: skip


def apply_import(parsed: ParsedPlan, plan: ActionPlan, user=None) -> ImportResult:
    """Write `parsed` into `plan` (the caller commits once: all or nothing)."""
    from app.actionplan.services import change_status

    if parsed.errors:
        raise ImportRefused("The file has problems that must be fixed first; nothing was imported.")
    result = ImportResult()
    if plan.id is None:
        db.session.add(plan)
        db.session.flush()
    themes = {t.name.lower(): t for t in db.session.scalars(select(Theme).where(Theme.plan_id == plan.id))}
    actions = {
        a.number: a
        for a in db.session.scalars(
            select(Action).where(Action.plan_id == plan.id).options(selectinload(Action.updates))
        )
    }
    next_position = max((t.position for t in themes.values()), default=0) + 1
    now = utcnow()
    for item in parsed.actions:
        theme = themes.get(item.theme.lower())
        if theme is None:
            theme = Theme(plan_id=plan.id, name=item.theme, position=next_position, secondary=item.secondary_theme)
            next_position += 1
            db.session.add(theme)
            db.session.flush()
            themes[item.theme.lower()] = theme
            result.themes_added += 1
        elif item.secondary_theme and item.secondary_theme not in (theme.secondary or ""):
            theme.secondary = "; ".join(filter(None, [theme.secondary, item.secondary_theme]))
        action = actions.get(item.number)
        created = action is None
        changed = False
        if created:
            action = Action(plan_id=plan.id, theme_id=theme.id, status="not_started", created_at=now, updated_at=now)
            action.set_number(item.number)
            action.updates = []
            db.session.add(action)
            actions[item.number] = action
        elif action.theme_id != theme.id:
            action.theme_id = theme.id
            changed = True
        for name in FIELDS:
            new = getattr(item, name)
            if getattr(action, name) != new:
                setattr(action, name, new)
                changed = True
        if item.rag_given and action.rag != item.rag:
            action.rag = item.rag
            changed = True
        known = {u.fingerprint for u in action.updates}
        added = []
        for update in item.updates:
            if update.fingerprint in known:
                continue
            known.add(update.fingerprint)
            progress = ProgressUpdate(
                dated=update.dated,
                status=update.status,
                body=update.body,
                source="import",
                author_id=getattr(user, "id", None),
                fingerprint=update.fingerprint,
                created_at=now,
            )
            action.updates.append(progress)
            added.append(progress)
        result.updates_added += len(added)
        if added:
            action.last_update_at = now
        if created or added or item.status_given:
            if item.status_given:
                new_status = item.status
            else:
                all_updates = [ParsedUpdate(u.dated, u.status, u.body) for u in action.updates]
                new_status = derive_status(all_updates)
            if action.status != new_status or created:
                if created:
                    action.status = "not_started"
                if change_status(action, new_status, user=user, source="import", at=now):
                    changed = True
        if created:
            result.actions_added += 1
        elif changed or added:
            action.updated_at = now
            result.actions_updated += 1
        else:
            result.actions_unchanged += 1
    if result.changed:
        plan.updated_at = now
    return result


def plan_by_name(name: str) -> ActionPlan | None:
    from app.actionplan.services import slugify

    return db.session.scalar(select(ActionPlan).where((ActionPlan.title == name) | (ActionPlan.slug == slugify(name))))
