"""Understanding one cell of the council layout: dates in timescales, quick wins, names, themes,
action numbers and headlines."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from app.actionplan.richtext import canonical_html, html_to_text, looks_like_html, plain_text
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
        return _split_html_headline(sanitize_html(value).strip())
    text = value.replace("\r\n", "\n").strip()
    if "\n" in text:
        first, rest = text.split("\n", 1)
        if len(first.strip()) <= 300:
            return " ".join(first.split()), canonical_html(rest)
    if len(text) <= 300:
        return " ".join(text.split()), ""
    headline = _first_sentence(text)
    return headline, canonical_html(text)


def _split_html_headline(clean: str) -> tuple[str, str]:
    match = _BOLD_LEAD.match(clean)
    if match and plain_text(match.group(2)):
        headline = plain_text(match.group(2))
        rest = clean[match.end() :]
        in_paragraph = clean.lstrip().startswith("<p>")
        rest = re.sub(r"^\s*</p>", "", rest) if in_paragraph else rest
        if in_paragraph and rest.strip() and not rest.lstrip().startswith("<"):
            rest = "<p>" + rest
        return headline, canonical_html(rest)
    text = canonical_html(clean)
    plain = html_to_text(text)
    if "\n" not in plain and len(plain) <= 300:
        return plain, ""
    first = plain.split("\n", 1)[0]
    return (first if len(first) <= 300 else _first_sentence(first)), text


def _first_sentence(text: str) -> str:
    match = re.match(r"(.{20,280}?[.!?])\s", text, re.S)
    return " ".join((match.group(1) if match else text[:280] + "…").split())


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
