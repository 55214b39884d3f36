"""Reading, checking and storing answers: the one place that knows how each question type is
posted by a form, shown again, validated and turned into answer rows."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email

from app.forms import EMAIL_FORMAT_MESSAGE
from app.toolkits.models import (
    LONG_TEXT_MAX,
    OTHER_ID,
    SHORT_TEXT_MAX,
    Answer,
    Question,
)

OTHER_TEXT_MAX = 200
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass
class Parsed:
    """One question's posted answer: rows to store (empty = no answer), the values to show
    again in the form, and an error message when the answer cannot be accepted."""

    rows: list[dict] = field(default_factory=list)
    value: object = None
    error: str | None = None

    @property
    def empty(self) -> bool:
        return not self.rows


def _short(label: str) -> str:
    label = label.strip().rstrip("?.:")
    return label if len(label) <= 80 else label[:77] + "…"


def required_message(question: Question) -> str:
    what = _short(question.label)
    if question.type in ("single_choice", "yes_no", "scale"):
        return f"Select an answer for “{what}”"
    if question.type == "multiple_choice":
        return f"Select at least one option for “{what}”"
    if question.type == "ranking":
        return f"Rank at least one option for “{what}”"
    return f"Enter an answer for “{what}”"


def parse(question: Question, form) -> Parsed:
    """Read question `question` from a MultiDict of posted form data."""
    name = question.html_id
    kind = question.type
    if kind in ("short_text", "long_text", "email"):
        text = (form.get(name) or "").strip()
        result = Parsed(value=form.get(name) or "")
        if not text:
            return result
        limit = SHORT_TEXT_MAX if kind != "long_text" else LONG_TEXT_MAX
        if len(text) > limit:
            result.error = f"Your answer must be {limit:,} characters or fewer (it is {len(text):,})"
        elif kind != "long_text" and any(ord(c) < 32 or ord(c) == 127 for c in text):
            result.error = "Your answer must not contain line breaks or control characters"
        elif "\x00" in text:
            result.error = "Your answer must not contain control characters"
        elif kind == "email":
            try:
                validate_email(text, check_deliverability=False)
            except EmailNotValidError:
                result.error = EMAIL_FORMAT_MESSAGE
        if not result.error:
            result.rows = [{"text_value": text}]
        return result
    if kind == "number":
        raw = (form.get(name) or "").strip()
        result = Parsed(value=form.get(name) or "")
        if not raw:
            return result
        cleaned = raw.replace(",", "")
        if not _NUMBER.match(cleaned) or len(cleaned) > 20:
            result.error = "Enter a number, like 25"
            return result
        number = float(cleaned)
        low, high = question.min_value, question.max_value
        if not math.isfinite(number):
            result.error = "Enter a number, like 25"
        elif low is not None and high is not None and not low <= number <= high:
            result.error = f"Enter a number between {_num(low)} and {_num(high)}"
        elif low is not None and number < low:
            result.error = f"Enter a number that is {_num(low)} or more"
        elif high is not None and number > high:
            result.error = f"Enter a number that is {_num(high)} or less"
        else:
            result.rows = [{"number_value": number}]
        return result
    if kind == "scale":
        raw = (form.get(name) or "").strip()
        result = Parsed(value=raw)
        if not raw:
            return result
        if raw not in {"1", "2", "3", "4", "5"}:
            result.error = "Select a point on the scale from 1 to 5"
        else:
            result.rows = [{"number_value": float(raw)}]
        return result
    if kind in ("single_choice", "yes_no"):
        raw = (form.get(name) or "").strip()
        other = (form.get(f"{name}-other") or "").strip()
        result = Parsed(value={"selected": [raw] if raw else [], "other": form.get(f"{name}-other") or ""})
        if not raw:
            return result
        offered = {o["id"] for o in question.choices}
        if raw not in offered:
            result.error = "Select one of the options offered"
            return result
        row = {"option_id": raw}
        if raw == OTHER_ID:
            result.error = _other_problem(other)
            row["text_value"] = other
        if not result.error:
            result.rows = [row]
        return result
    if kind == "multiple_choice":
        selected = [v.strip() for v in form.getlist(name) if v.strip()]
        other = (form.get(f"{name}-other") or "").strip()
        result = Parsed(value={"selected": selected, "other": form.get(f"{name}-other") or ""})
        if not selected:
            return result
        offered = {o["id"] for o in question.choices}
        if any(v not in offered for v in selected):
            result.error = "Select only the options offered"
            return result
        rows = []
        for option_id in dict.fromkeys(selected):  # a repeated value counts once
            row = {"option_id": option_id}
            if option_id == OTHER_ID:
                result.error = _other_problem(other)
                row["text_value"] = other
            rows.append(row)
        if not result.error:
            result.rows = rows
        return result
    if kind == "ranking":
        ranks: dict[str, str] = {}
        for option in question.options or []:
            ranks[option["id"]] = (form.get(f"{name}-{option['id']}") or "").strip()
        result = Parsed(value=ranks)
        offered = {o["id"] for o in question.options or []}
        stray = [k for k in form if k.startswith(f"{name}-") and k[len(name) + 1 :] not in offered]
        if stray:
            result.error = "Rank only the options offered"
            return result
        chosen = {k: v for k, v in ranks.items() if v}
        if not chosen:
            return result
        top = question.effective_rank_top
        if any(not v.isdigit() or not 1 <= int(v) <= top for v in chosen.values()):
            result.error = f"Give each option you rank a number from 1 to {top}"
            return result
        numbers = sorted(int(v) for v in chosen.values())
        if len(set(numbers)) != len(numbers):
            result.error = "Give each option a different number"
        elif numbers != list(range(1, len(numbers) + 1)):
            result.error = f"Number your choices 1, 2, 3 and so on without gaps (up to {top})"
        else:
            result.rows = [{"option_id": k, "rank": int(v)} for k, v in chosen.items()]
        return result
    if kind == "date":
        parts = {p: (form.get(f"{name}-{p}") or "").strip() for p in ("day", "month", "year")}
        result = Parsed(value=parts)
        if not any(parts.values()):
            return result
        try:
            if not all(v.isdigit() for v in parts.values()) or len(parts["year"]) != 4:
                raise ValueError
            day = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            result.error = "Enter a real date, like 14 3 2026"
            return result
        result.rows = [{"date_value": day}]
        return result
    raise ValueError(f"unknown question type {kind}")


def _other_problem(other: str) -> str | None:
    if not other:
        return "Say what the other option is"
    if len(other) > OTHER_TEXT_MAX:
        return f"Other must be {OTHER_TEXT_MAX} characters or fewer"
    if any(ord(c) < 32 or ord(c) == 127 for c in other):
        return "Other must not contain line breaks or control characters"
    return None


def value_from_rows(question: Question, rows: list[Answer]) -> object:
    """The stored answer in the shape `parse` gives back, for filling in the form again."""
    kind = question.type
    if kind in ("short_text", "long_text", "email"):
        return rows[0].text_value if rows else ""
    if kind == "number":
        return _num(rows[0].number_value) if rows else ""
    if kind == "scale":
        return _num(rows[0].number_value) if rows else ""
    if kind in ("single_choice", "yes_no", "multiple_choice"):
        other = next((r.text_value or "" for r in rows if r.option_id == OTHER_ID), "")
        return {"selected": [r.option_id for r in rows], "other": other}
    if kind == "ranking":
        by_option = {r.option_id: str(r.rank) for r in rows}
        return {o["id"]: by_option.get(o["id"], "") for o in question.options or []}
    if kind == "date":
        if not rows or rows[0].date_value is None:
            return {"day": "", "month": "", "year": ""}
        d = rows[0].date_value
        return {"day": str(d.day), "month": str(d.month), "year": str(d.year)}
    return None


def display(question: Question, rows: list[Answer]) -> list[str]:
    """Lines of plain text for 'Check your answers', e-mails and staff views."""
    if not rows:
        return []
    kind = question.type
    if kind in ("short_text", "long_text", "email"):
        return [rows[0].text_value or ""]
    if kind == "number":
        return [_num(rows[0].number_value)]
    if kind == "scale":
        value = int(rows[0].number_value or 0)
        ends = {1: question.scale_min_label, 5: question.scale_max_label}
        return [f"{value} out of 5" + (f" ({ends[value]})" if ends.get(value) else "")]
    if kind == "date":
        return [rows[0].date_value.strftime("%-d %B %Y")] if rows[0].date_value else []
    if kind == "ranking":
        ordered = sorted(rows, key=lambda r: r.rank or 0)
        return [f"{r.rank}. {question.option_label(r.option_id)}" for r in ordered]
    order = {o["id"]: i for i, o in enumerate(question.choices)}
    lines = []
    for row in sorted(rows, key=lambda r: order.get(r.option_id, 999)):
        if row.option_id == OTHER_ID:
            lines.append(f"Other: {row.text_value or ''}")
        else:
            lines.append(question.option_label(row.option_id))
    return lines
