"""A date, entered as day, month and year (the GOV.UK date input)."""

from __future__ import annotations

import datetime as dt

from app.i18n import _
from app.toolkits.question_types.base import AnswerError, QuestionType

PARTS = ("day", "month", "year")


class DateType(QuestionType):
    name = "date"
    macro = "date"
    publishable = False

    def form_value(self, form) -> dict[str, str]:
        return {p: (form.get(f"{self.field_name}-{p}") or "").strip() for p in PARTS}

    def is_blank(self, value) -> bool:
        return not any(value.values())

    def validate(self, value) -> list[dict]:
        try:
            if not all(v.isdigit() for v in value.values()) or len(value["year"]) != 4:
                raise ValueError
            day = dt.date(int(value["year"]), int(value["month"]), int(value["day"]))
        except ValueError:
            raise AnswerError(_("Enter a real date, like 14 3 2026")) from None
        return [{"date_value": day}]

    def value_from_rows(self, rows) -> dict[str, str]:
        if not rows or rows[0].date_value is None:
            return dict.fromkeys(PARTS, "")
        d = rows[0].date_value
        return {"day": str(d.day), "month": str(d.month), "year": str(d.year)}

    def display(self, rows) -> list[str]:
        from app.template_helpers import date_format  # the reader's language (imported late: no cycle)

        return [date_format(rows[0].date_value)] if rows and rows[0].date_value else []

    def export_cell(self, option, answers):
        return answers[0].date_value if answers and answers[0].date_value else ""

    def sample_answer(self, rng, respondent_id) -> list[dict]:
        return [{"date_value": dt.date(2027, rng.randint(1, 12), rng.randint(1, 28))}]
