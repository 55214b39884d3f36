"""Understanding one cell of the council layout: dates in timescales, quick wins, names, themes,
action numbers and headlines."""

from __future__ import annotations

import calendar
import datetime as dt
import html
import re

from app.actionplan.richtext import canonical_html, html_to_text, looks_like_html, plain_text
from app.i18n import _l
from app.security import sanitize_html

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)


def year_of(value: str) -> int:
    year = int(value)
    return year + 2000 if year < 100 else year


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _end_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4}|\d{2})\b")
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_RE})\.?,?\s+(\d{{4}}|\d{{2}})\b", re.I)
MONTH_YEAR = re.compile(rf"\b({MONTH_RE})\.?[\s\-']*(\d{{4}}|\d{{2}})\b", re.I)


def target_date_from(timescale: str) -> dt.date | None:
    """The last date a timescale names ('April 2021 - March 2022' → 31 March 2022)."""
    found: list[tuple[int, dt.date]] = []
    for m in ISO_DATE.finditer(timescale):
        if d := safe_date(int(m[1]), int(m[2]), int(m[3])):
            found.append((m.start(), d))
    for m in NUMERIC_DATE.finditer(timescale):
        if d := safe_date(year_of(m[3]), int(m[2]), int(m[1])):
            found.append((m.start(), d))
    taken = [(m.start(), m.end()) for m in DAY_MONTH_YEAR.finditer(timescale)]
    for m in DAY_MONTH_YEAR.finditer(timescale):
        if d := safe_date(year_of(m[3]), MONTHS[m[2].lower()[:3]], int(m[1])):
            found.append((m.start(), d))
    for m in MONTH_YEAR.finditer(timescale):
        if any(start <= m.start() < end for start, end in taken):
            continue
        found.append((m.start(), _end_of_month(year_of(m[2]), MONTHS[m[1].lower()[:3]])))
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


PLACEHOLDERS = (
    "n/a",
    "na",
    "n.a.",
    "-",
    "--",
    "–",
    "—",
    "tbc",
    "tbd",
    "none",
    "various",
    "nil",
    "n/k",
    "not known",
    "?",
)
# The import preview explains the splitting rules (its words are read in the reader's language).
SPLIT_RULES = (
    _l(
        "Commas, semicolons, line breaks and slashes between names separate two leads: "
        "'Jane Smith/ Tom Brown' is two people, but 'N/A' is not."
    ),
    _l("' and ' and ' & ' with spaces round them separate two leads; 'CR&S' (no spaces) is one name."),
    _l("A cell of only N/A, n/a, -, TBC, None or Various names nobody: it is kept as a note, not as a lead."),
)
# "TBC (restructure)", "N/A - see 1.2", "Various teams": a placeholder with a remark is still a note.
_PLACEHOLDER_LEAD = re.compile(r"^(?:n/a|n\.a\.|tbc|tbd|various|n/k)(?:\s*[-–:(,;]|\s+\w)")
_NAME_SEPARATORS = r"\s*(?:[,;|\n\r]|\s/\s*|\s*/\s|(?<=[A-Za-z]{2})/(?=[A-Za-z]{2}))\s*"
_AND_SEPARATORS = r"\s+(?:and|&|\+)\s+"


def is_placeholder(value: str) -> bool:
    """'N/A', 'TBC', 'Various'…: a cell that names nobody."""
    text = " ".join(plain_text(value or "").lower().split())
    return text in PLACEHOLDERS or text.strip(" .") in PLACEHOLDERS or bool(_PLACEHOLDER_LEAD.match(text))


def split_lead_cell(value: str, split_and: bool = True) -> tuple[list[str], str]:
    """A lead-service or lead-officer cell → (names, note). A placeholder ('N/A', 'Various') is the
    note and names nobody; see SPLIT_RULES for how names are separated."""
    text = html_to_text(sanitize_html(value)) if value and looks_like_html(value) else (value or "")
    text = text.strip()
    if not text:
        return [], ""
    if is_placeholder(text):
        return [], " ".join(text.split())
    names: list[str] = []
    for part in re.split(_NAME_SEPARATORS, text):
        pieces = re.split(_AND_SEPARATORS, part, flags=re.I) if split_and else [part]
        if any(len(piece.strip(" ,.")) <= 1 for piece in pieces):
            pieces = [part]  # "A & B Team", "R and D": initials, not two names
        for piece in pieces:
            piece = " ".join(piece.split()).strip(" ,.")
            if piece and not is_placeholder(piece) and piece.lower() not in (n.lower() for n in names):
                names.append(piece)
    return names, ""


def split_names(value: str, split_and: bool = True) -> list[str]:
    return split_lead_cell(value, split_and)[0]


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


_BOLD_LEAD = re.compile(r"^\s*(?:<p>\s*)?<(b|strong)>(.*?)</\1>\s*(:?)\s*(?:<br>\s*)?", re.S | re.I)
_PLAIN_LABEL = re.compile(r"^([A-Za-z][^\n:.!?]{1,58}):[ \t]+(?=\S)")
TITLE_MAX = 150
PLAIN_LABEL_MIN_WORDS = 8


def split_headline(value: str) -> tuple[str, str]:
    """Action text → (plain headline, detail HTML); see read_action_text."""
    _label, headline, detail = read_action_text(value)
    return headline, detail


def read_action_text(value: str) -> tuple[str, str, str]:
    """The "what actions" cell → (label, title, description HTML).

    A bold lead-in that is only a label ("Hate crime action plan:") is the label, and the title is
    the first sentence of the real text; a wholly bold first sentence is the title. Titles are plain
    text of at most TITLE_MAX characters; the rest of the text is the description."""
    value = (value or "").strip()
    if not value:
        return "", "", ""
    if looks_like_html(value):
        return _read_html(sanitize_html(value).strip())
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    label = ""
    # Without bold, "Label: text" is a label only before a sentence: "Apprenticeships: 30% from BAME
    # communities" is one title, "Knife crime: Fund two youth workers." a label and its text.
    match = _PLAIN_LABEL.match(text)
    if match and _is_label(match.group(1)) and _is_sentence(text[match.end() :].split("\n")[0]):
        label, text = " ".join(match.group(1).split()), text[match.end() :]
    title, rest = _title_and_rest(text, whole_line=not label)
    return label, title, canonical_html(rest)


def _is_sentence(text: str) -> bool:
    text = text.strip()
    return text.endswith((".", "!", "?")) or len(text.split()) >= PLAIN_LABEL_MIN_WORDS


def _is_label(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 6 and not re.search(r"\d{1,2}[/.-]\d", text)


def _title_and_rest(text: str, whole_line: bool = True) -> tuple[str, str]:
    """Plain text → (title, the text left for the description)."""
    first, _sep, rest = text.partition("\n")
    first = " ".join(first.split())
    if whole_line and len(first) <= TITLE_MAX:
        return first, rest.strip()
    sentence = _first_sentence(first)
    if len(sentence) <= TITLE_MAX and sentence != first:
        return sentence, (first[len(sentence) :].strip() + "\n" + rest).strip()
    if len(first) <= TITLE_MAX:
        return first, rest.strip()
    return _shorten(first), text  # the whole text stays as the description


def _shorten(text: str) -> str:
    cut = text[: TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def _read_html(clean: str) -> tuple[str, str, str]:
    match = _BOLD_LEAD.match(clean)
    bold = plain_text(match.group(2)) if match else ""
    if not bold:
        text = html_to_text(canonical_html(clean))
        title, rest = _title_and_rest(text)
        return "", title, canonical_html(clean) if rest and not is_simple_text(clean) else canonical_html(rest)
    rest = _after_bold(clean, match)
    if match.group(3) or bold.endswith(":"):
        label = bold.rstrip(": ")
        if _is_label(label):
            title, remaining = _title_and_rest(html_to_text(canonical_html(rest)), whole_line=False)
            return label, title, _description(rest, title, remaining)
    if len(bold) <= TITLE_MAX:
        return "", bold, canonical_html(rest)
    return "", _shorten(bold), canonical_html(clean)


def _after_bold(clean: str, match: re.Match) -> str:
    rest = clean[match.end() :]
    in_paragraph = clean.lstrip().startswith("<p>")
    rest = re.sub(r"^\s*</p>", "", rest) if in_paragraph else rest
    if in_paragraph and rest.strip() and not rest.lstrip().startswith("<"):
        rest = "<p>" + rest
    return rest


def is_simple_text(html_text: str) -> bool:
    return not re.search(r"<(?!/?(?:p|br)\b)[a-z]", html_text, re.I)


def _description(rest_html: str, title: str, remaining: str) -> str:
    """The description after a title taken from the start of `rest_html`: rich HTML is kept whole
    unless the title can be cut from its start; simple text becomes the remaining text."""
    if title.endswith("…"):
        return canonical_html(rest_html)  # a shortened title: the description keeps the whole text
    if is_simple_text(rest_html):
        return canonical_html(remaining)
    escaped = html.escape(title.rstrip("…"), quote=False)
    body = re.sub(r"^(\s*(?:<p>)?\s*)" + re.escape(escaped) + r"\s*", r"\1", rest_html, count=1)
    return canonical_html(body)


def _first_sentence(text: str) -> str:
    match = re.match(r"(.{10,}?[.!?])(?:\s|$)", text, re.S)
    return " ".join((match.group(1) if match else text).split())


def is_dashes(row: list[str]) -> bool:
    joined = "".join(row).strip()
    return bool(joined) and not re.sub(r"[-–—=_*~\s|+]", "", joined)


def parse_date_text(value: str) -> dt.date | None:
    value = value.strip()
    if m := ISO_DATE.fullmatch(value):
        return safe_date(int(m[1]), int(m[2]), int(m[3]))
    if m := NUMERIC_DATE.fullmatch(value):
        return safe_date(year_of(m[3]), int(m[2]), int(m[1]))
    if m := DAY_MONTH_YEAR.fullmatch(value):
        return safe_date(year_of(m[3]), MONTHS[m[2].lower()[:3]], int(m[1]))
    if m := MONTH_YEAR.fullmatch(value.replace("'", " ")):
        return safe_date(year_of(m[2]), MONTHS[m[1].lower()[:3]], 1)
    return None
