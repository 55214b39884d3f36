"""Checking a whole file row by row into a ParsedPlan: the dry-run preview, written by nothing."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from app.actionplan.importing.cells import (
    is_dashes,
    normalise_number,
    parse_quick_win,
    read_action_text,
    split_lead_cell,
    split_themes,
    target_date_from,
)
from app.actionplan.importing.progress import STATUS_WORDS, ParsedUpdate, deciding_update, parse_progress
from app.actionplan.importing.reader import COLUMN_LABELS, MAX_ROWS, find_header, read_rows
from app.actionplan.models import RAG
from app.actionplan.richtext import canonical_html, plain_text
from app.i18n import _
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
    label: str = ""  # a bold lead-in such as "Hate crime action plan", kept as the action's label
    lead_service_note: str = ""  # "N/A", "Various"…: the lead cell named nobody
    lead_officer_note: str = ""
    status_words: str = ""  # the words in the file that set the status ("Status column: Done")
    theme_as_written: str = ""  # set when the theme was merged into another ("Jobs & Skills Council…")


@dataclass
class ImportOptions:
    """What staff chose in the preview's mapping step (kept on the ImportBatch as JSON)."""

    columns: dict[int, str] = field(default_factory=dict)  # column index → kind or "ignore"
    split_and: bool = True  # " and " / " & " separate two leads
    keep_themes: set[str] = field(default_factory=set)  # variants NOT to merge into their theme
    merge_themes: set[str] = field(default_factory=set)  # variants staff ticked to merge
    known_themes: list[str] = field(default_factory=list)  # the plan's themes already

    @classmethod
    def from_json(cls, data: dict | None, known_themes: list[str] | None = None) -> ImportOptions:
        data = data or {}
        columns = {int(k): str(v) for k, v in (data.get("columns") or {}).items() if str(k).isdigit()}
        return cls(
            columns,
            bool(data.get("split_and", True)),
            set(data.get("keep_themes") or []),
            set(data.get("merge_themes") or []),
            known_themes or [],
        )

    def as_json(self) -> dict:
        return {
            "columns": {str(k): v for k, v in self.columns.items()},
            "split_and": self.split_and,
            "keep_themes": sorted(self.keep_themes),
            "merge_themes": sorted(self.merge_themes),
        }


@dataclass
class ParsedPlan:
    filename: str
    columns: dict[str, int] = field(default_factory=dict)
    actions: list[ParsedAction] = field(default_factory=list)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    headings: list[tuple[int, str, str]] = field(default_factory=list)  # (index, heading, detected kind)
    merges: dict[str, str] = field(default_factory=dict)  # theme variant → the theme it is merged into
    kept_variants: dict[str, str] = field(default_factory=dict)  # variants staff chose to keep apart

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.actions)

    def themes(self) -> list[tuple[str, list[ParsedAction]]]:
        grouped: dict[str, list[ParsedAction]] = {}
        for action in self.actions:
            grouped.setdefault(action.theme, []).append(action)
        return list(grouped.items())

    @property
    def variants(self) -> dict[str, str]:
        """Every theme variant → its theme, merged or kept apart."""
        return {**self.merges, **self.kept_variants}

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
    split_and: bool = True
    theme: str = ""
    secondary: str = ""
    seen: dict[str, int] = field(default_factory=dict)
    last_by_prefix: dict[str, tuple[int, str]] = field(default_factory=dict)


def parse_rows(rows: list[list[str]], filename: str = "", options: ImportOptions | None = None) -> ParsedPlan:
    options = options or ImportOptions()
    parsed = ParsedPlan(filename=filename)
    header_index, columns = find_header(rows)
    if header_index is None:
        raise ImportRefused(
            _(
                "We could not find the column headings. The first rows of the sheet must include headings such as "
                "'Theme', 'Action No' and 'What actions are we taking'."
            )
        )
    parsed.headings = _headings(rows[header_index], columns)
    parsed.columns = _mapped_columns(parsed, columns, options)
    if "number" not in parsed.columns or "action" not in parsed.columns:
        return parsed  # the mapping step says which column is missing
    columns = parsed.columns
    body = rows[header_index + 1 :]
    if len(body) > MAX_ROWS:
        raise ImportRefused(_("The file has more than %(max)s rows. Split it into smaller files.", max=MAX_ROWS))
    context = _Context(filename=filename, split_and=options.split_and)
    for offset, raw in enumerate(body):
        row = _Row(header_index + 2 + offset, raw, columns)
        if not row.skipped and (action := _read_action(parsed, context, row)):
            parsed.actions.append(action)
    if not parsed.actions and not parsed.errors:
        raise ImportRefused(_("The file has column headings but no actions under them."))
    merge_theme_variants(parsed, options)
    return parsed


def _headings(row: list[str], columns: dict[str, int]) -> list[tuple[int, str, str]]:
    detected = {index: kind for kind, index in columns.items()}
    return [(i, plain_text(cell), detected.get(i, "")) for i, cell in enumerate(row) if cell.strip() or i in detected]


def _mapped_columns(parsed: ParsedPlan, detected: dict[str, int], options: ImportOptions) -> dict[str, int]:
    """The detected columns, changed by what staff chose in the mapping step."""
    if not options.columns:
        return dict(detected)
    chosen: dict[str, int] = {}
    for index, _heading, kind in parsed.headings:
        kind = options.columns.get(index, kind)
        if kind not in COLUMN_LABELS:
            continue
        if kind in chosen:
            parsed.errors.append(
                (None, _("Two columns are both mapped to '%(column)s'. Choose one.", column=COLUMN_LABELS[kind]))
            )
            continue
        chosen[kind] = index
    for kind in ("number", "action"):
        if kind not in chosen:
            parsed.errors.append(
                (
                    None,
                    _("No column is mapped to '%(column)s', which every import needs.", column=COLUMN_LABELS[kind]),
                )
            )
    return chosen


def _theme_key(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower().replace("&", " and ")).split())


def _variant_base(name: str, keys: dict[str, str]) -> str | None:
    """The theme `name` is a variant of: the same words spelled another way ("Jobs and skills" for
    "Jobs & Skills"), or the longest theme whose words it starts with."""
    key = _theme_key(name)
    if keys.get(key, name) != name:
        return keys[key]
    bases = [k for k in keys if k != key and key.startswith(k + " ")]
    return keys[max(bases, key=len)] if bases else None


def merge_theme_variants(parsed: ParsedPlan, options: ImportOptions) -> None:
    """A theme that extends a known theme ("Jobs & Skills Council Workforce…" beside "Jobs & Skills"),
    or spells it another way, is merged into it, unless staff chose to keep it apart in the preview."""
    names = list(dict.fromkeys([*options.known_themes, *(a.theme for a in parsed.actions)]))
    keys = {_theme_key(n): n for n in reversed(names)}  # the first spelling of each theme
    known = {_theme_key(n) for n in options.known_themes}
    for name in names:
        base = _variant_base(name, keys)
        if base is None or (name in options.known_themes and _theme_key(name) == _theme_key(base)):
            continue
        # A theme the plan has already stays itself unless staff tick it.
        if name not in options.merge_themes and (name in options.keep_themes or _theme_key(name) in known):
            parsed.kept_variants[name] = base
        else:
            parsed.merges[name] = base
    for action in parsed.actions:
        if action.theme in parsed.merges:
            action.theme_as_written, action.theme = action.theme, parsed.merges[action.theme]


def _read_action(parsed: ParsedPlan, context: _Context, row: _Row) -> ParsedAction | None:
    if row.cell("theme"):
        context.theme, context.secondary = split_themes(row.cell("theme"))
    number = normalise_number(row.cell("number"))
    if not _identified(parsed, context, row, number):
        return None
    context.seen[number] = row.number
    if not context.theme:
        context.theme = "Other actions"
        parsed.warnings.append((row.number, _("No theme given before this row, so it is under 'Other actions'.")))
    raw_number = row.raw[row.columns["number"]] if row.columns["number"] < len(row.raw) else ""
    if re.fullmatch(r"\d+\.\d", raw_number.strip()) and context.filename.lower().endswith(".xlsx"):
        parsed.warnings.append(
            (
                row.number,
                _(
                    "Action number %(number)s may have been changed by Excel (4.10 becomes 4.1): check it.",
                    number=number,
                ),
            )
        )
    _gap_warning(parsed, context.last_by_prefix, number, row.number)
    return _action(parsed, context, row, number)


def _identified(parsed: ParsedPlan, context: _Context, row: _Row, number: str) -> bool:
    """Whether the row has an action number and text not seen before (else a warning or an error)."""
    action_text = row.cell("action")
    if not number and not action_text:
        if row.cell("theme") and not any(row.cell(k) for k in COLUMN_LABELS if k != "theme"):
            return False  # a heading row naming the theme for the rows below
        parsed.warnings.append((row.number, _("Row has no action number and no action text, so it was skipped.")))
    elif not number:
        parsed.errors.append(
            (
                row.number,
                _("Row has an action but no action number. Add a number (like 2.3) in the 'Action No' column."),
            )
        )
    elif not action_text:
        parsed.errors.append(
            (row.number, _("Action %(number)s has no text in the 'What actions are we taking' column.", number=number))
        )
    elif number in context.seen:
        parsed.errors.append(
            (
                row.number,
                _(
                    "Action %(number)s appears twice (rows %(first)s and %(second)s).",
                    number=number,
                    first=context.seen[number],
                    second=row.number,
                ),
            )
        )
    else:
        return True
    return False


def _action(parsed: ParsedPlan, context: _Context, row: _Row, number: str) -> ParsedAction:
    warn = parsed.warnings.append
    label, headline, detail = read_action_text(row.cell("action"))
    quick_win, quick_note, understood = parse_quick_win(row.cell("quick_win"))
    if not understood:
        words = quick_note[:60]
        warn(
            (
                row.number,
                _(
                    "Quick win for %(number)s is not yes or no ('%(words)s'); kept as written.",
                    number=number,
                    words=words,
                ),
            )
        )
    updates, notes = parse_progress(row.cell("progress"))
    for note in notes:
        warn((row.number, _("Progress update for %(number)s: %(note)s.", number=number, note=note)))
    status_text = plain_text(row.cell("status")).lower()
    status = STATUS_WORDS.get(status_text)
    if status_text and not status:
        words = row.cell("status")[:40]
        warn((row.number, _("Status '%(words)s' for %(number)s was not recognised.", words=words, number=number)))
    derived, deciding = deciding_update(updates)
    words = _status_words(row, status, deciding, updates)
    services, service_note = split_lead_cell(row.cell("lead_service"), context.split_and)
    officers, officer_note = split_lead_cell(row.cell("lead_officer"), context.split_and)
    rag_text = plain_text(row.cell("rag")).lower()
    timescale = plain_text(row.cell("timescale"))
    if any(re.search(r"<\s*script|\bon\w+\s*=|javascript:", row.cell(k), re.I) for k in COLUMN_LABELS):
        warn((row.number, _("Unsafe HTML (scripts or event handlers) in %(number)s was removed.", number=number)))
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
        lead_services=services,
        lead_officers=officers,
        updates=updates,
        status=status or derived,
        status_given=bool(status),
        rag=rag_text if rag_text in RAG else {"r": "red", "a": "amber", "g": "green"}.get(rag_text),
        rag_given="rag" in row.columns,
        label=label,
        lead_service_note=service_note,
        lead_officer_note=officer_note,
        status_words=words,
    )


def _status_words(row: _Row, status: str | None, deciding, updates: list) -> str:
    """What set the status, for the preview: the Status column, a progress heading, or neither."""
    if status:
        return _("Status column: %(words)s", words=plain_text(row.cell("status")))
    if deciding is not None:
        if deciding.words:
            return _("Progress update: \u201c%(words)s\u201d", words=deciding.words)
        return _("Progress update")
    return _("No status words: progress text means In progress") if updates else _("No progress text")


def _gap_warning(parsed: ParsedPlan, last: dict, number: str, row: int) -> None:
    parts = number.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return
    prefix, n = parts[0], int(parts[1])
    previous = last.get(prefix)
    if previous is not None and n > previous[0] + 1:
        missing = ", ".join(f"{prefix}.{i}" for i in range(previous[0] + 1, min(n, previous[0] + 6)))
        parsed.warnings.append(
            (
                row,
                _(
                    "Numbering jumps from %(last)s to %(number)s: %(missing)s not in the file.",
                    last=".".join((prefix, str(previous[0]))),
                    number=number,
                    missing=missing,
                ),
            )
        )
    last[prefix] = (n, number)


def parse_file(content: bytes, filename: str, options: ImportOptions | None = None) -> ParsedPlan:
    return parse_rows(read_rows(content, filename), filename, options)
