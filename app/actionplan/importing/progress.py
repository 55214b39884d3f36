"""Progress text: one cell of dated updates under status headings, split into ParsedUpdates."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from app.actionplan.importing.cells import MONTH_RE, parse_date_text
from app.actionplan.models import STATUSES, update_fingerprint
from app.actionplan.richtext import canonical_html, html_to_text, looks_like_html
from app.i18n import _
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
_WORDS = "|".join(sorted(map(re.escape, HEADINGS), key=len, reverse=True))
_OPEN = r"(?:<(?:b|strong|u|em|i)>\s*)*"
_CLOSE = r"(?:</(?:b|strong|u|em|i)>\s*)*"
# A status heading starts a line: followed by a colon or dash, alone on its line, or in bold.
_HEADINGS_RE = (
    re.compile(rf"^\s*{_OPEN}({_WORDS})\s*{_CLOSE}\s*[:\-–]\s*{_CLOSE}", re.I),
    re.compile(rf"^\s*{_OPEN}({_WORDS})\s*{_CLOSE}\s*[:.]?\s*{_CLOSE}$", re.I),
    re.compile(rf"^\s*<(?:b|strong)>\s*({_WORDS})\s*[:.]?\s*</(?:b|strong)>\s*", re.I),
)
# "… done. <b>In progress:</b> next step" starts a new entry in the middle of a line.
_MID_LINE = re.compile(rf"(?<=\S)\s*(?=<(b|strong)>\s*(?:{_WORDS})\s*(?::\s*</\1>|</\1>\s*:))", re.I)


def heading_match(line: str) -> re.Match | None:
    """The status heading at the start of a line, if it has one."""
    for pattern in _HEADINGS_RE:
        if match := pattern.match(line):
            return match
    return None


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
    words: str = ""  # the heading that set the status, as written ("In progress:"), for the preview

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
        value = _MID_LINE.sub("\n", value)
    else:
        value = html.escape(value, quote=False)
    return [line.strip() for line in value.split("\n")]


@dataclass
class _Entry:
    dated: dt.date | None
    status: str | None
    words: str = ""
    heading: bool = False  # opened by a status heading (entries under it may follow)
    lines: list[str] = field(default_factory=list)


class _Splitter:
    """Walks the lines of a progress cell: a status heading sets the status of the entries under
    it, a leading date starts a new entry, and any other line belongs to the current entry."""

    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self.notes: list[str] = []
        self.status: str | None = None
        self.words = ""
        self.current: _Entry | None = None
        self.found_structure = False

    def feed(self, line: str) -> None:
        line = self._heading(line)
        if not line:
            return
        date_match = _DATE_LEAD.match(line)
        dated = parse_date_text(re.sub(r"<[^>]+>", "", date_match.group(1))) if date_match else None
        if dated:
            self._dated_entry(dated, line[date_match.end() :].strip())
            return
        if date_match:
            self.notes.append(
                _("'%(words)s' is not a real date; kept as text", words=html_to_text(date_match.group(1)))
            )
        if self.current is None:
            self.current = _Entry(None, self.status, self.words)
            self.entries.append(self.current)
        self.current.lines.append(line)

    def _heading(self, line: str) -> str:
        """The line after a leading status heading (which ends the current entry)."""
        heading = heading_match(line)
        if not heading:
            return line
        self.found_structure = True
        self.status = HEADINGS[" ".join(heading.group(1).lower().split())]
        self.words = html_to_text(heading.group(0)).strip()
        self.current = _Entry(None, self.status, self.words, heading=True)
        self.entries.append(self.current)
        return line[heading.end() :].strip()

    def _dated_entry(self, dated: dt.date, line: str) -> None:
        self.found_structure = True
        self.current = _Entry(dated, self.status, self.words)
        self.entries.append(self.current)
        inline = heading_match(line)
        if inline and HEADINGS[" ".join(inline.group(1).lower().split())]:
            self.current.status = self.status = HEADINGS[" ".join(inline.group(1).lower().split())]
            self.current.words = self.words = html_to_text(inline.group(0)).strip()
            line = line[inline.end() :].strip()
        if line:
            self.current.lines.append(line)


def parse_progress(value: str) -> tuple[list[ParsedUpdate], list[str]]:
    """Split progress text into dated updates with a status where the text allows."""
    value = (value or "").strip()
    if not value:
        return [], []
    splitter = _Splitter()
    for line in _progress_lines(value):
        splitter.feed(line)
    if not splitter.found_structure:
        return [ParsedUpdate(None, None, canonical_html(value))], splitter.notes
    updates = []
    entries = splitter.entries
    for index, entry in enumerate(entries):
        body = canonical_html("\n\n".join(entry.lines) if entry.lines else "")
        if not body and entry.heading and entry.status and (index + 1 == len(entries) or entries[index + 1].heading):
            body = canonical_html(entry.words.rstrip(" :-–"))  # "Completed" alone: the heading is the entry
        if body or entry.dated:
            updates.append(ParsedUpdate(entry.dated, entry.status, body or "<p>(no text)</p>", entry.words))
    return updates, splitter.notes


def derive_status(updates: list[ParsedUpdate]) -> str:
    return deciding_update(updates)[0]


def deciding_update(updates: list[ParsedUpdate]) -> tuple[str, ParsedUpdate | None]:
    """(the action's status, the update that sets it): the newest dated update with a status when
    there is one, else the last update with a status in reading order."""
    if not updates:
        return "not_started", None
    dated = [(u.dated, i) for i, u in enumerate(updates) if u.dated and u.status]
    if dated:
        chosen = updates[max(dated)[1]]
        return chosen.status, chosen
    with_status = [u for u in updates if u.status]
    return (with_status[-1].status, with_status[-1]) if with_status else ("in_progress", None)


STATUS_WORDS = {label.lower(): key for key, label in STATUSES.items()} | {k.replace("_", " "): k for k in STATUSES}
STATUS_WORDS.update({"complete": "completed", "done": "completed", "started": "in_progress", "on-going": "ongoing"})
