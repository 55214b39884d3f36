"""Progress text: one cell of dated updates under status headings, split into ParsedUpdates."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

from app.actionplan.importing.cells import MONTH_RE, parse_date_text
from app.actionplan.models import STATUSES, update_fingerprint
from app.actionplan.richtext import canonical_html, html_to_text, looks_like_html
from app.security import sanitize_html

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
    rf"(\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[/\-.]\d{{1,2}}[/\-.](?:\d{{4}}|\d{{2}})|\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_RE}\.?,?\s+(?:\d{{4}}|\d{{2}})|{MONTH_RE}\.?[\s\-']*(?:\d{{4}}|\d{{2}}))"
    r"\s*(?:</(?:b|strong|u|em|i)>\s*)*\s*(?:[:\-–—]|\s)\s*(?:</(?:b|strong|u|em|i)>\s*)*",
    re.I,
)


@dataclass
class ParsedUpdate:
    dated: dt.date | None
    status: str | None
    body: str  # canonical sanitised HTML

    @property
    def fingerprint(self) -> str:
        return update_fingerprint(self.dated, self.status, self.body)


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


STATUS_WORDS = {label.lower(): key for key, label in STATUSES.items()} | {k.replace("_", " "): k for k in STATUSES}
STATUS_WORDS.update({"complete": "completed", "done": "completed", "started": "in_progress", "on-going": "ongoing"})
