"""Numbers, optionally between a minimum and a maximum set by staff."""

from __future__ import annotations

import math
import re

from app.i18n import _, _l
from app.toolkits.question_types.base import AnswerError, QuestionType, number_cell, number_text

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
ASK = _l("Enter a number, like 25")


class NumberType(QuestionType):
    name = "number"
    macro = "text_input"
    settings = ("range",)  # min_value and max_value
    numeric = True
    input_type = "text"  # with inputmode, as GOV.UK advises, so "1,000" can be typed and explained
    input_attrs = {"inputmode": "decimal"}
    input_class = " govuk-input--width-10"

    def validate(self, value) -> list[dict]:
        cleaned = value.strip().replace(",", "")
        if not _NUMBER.match(cleaned) or len(cleaned) > 20:
            raise AnswerError(ASK)
        number = float(cleaned)
        low, high = self.question.min_value, self.question.max_value
        if not math.isfinite(number):
            raise AnswerError(ASK)
        if low is not None and high is not None and not low <= number <= high:
            raise AnswerError(
                _("Enter a number between %(low)s and %(high)s", low=number_text(low), high=number_text(high))
            )
        if low is not None and number < low:
            raise AnswerError(_("Enter a number that is %(low)s or more", low=number_text(low)))
        if high is not None and number > high:
            raise AnswerError(_("Enter a number that is %(high)s or less", high=number_text(high)))
        return [{"number_value": number}]

    def value_from_rows(self, rows) -> str:
        return number_text(rows[0].number_value) if rows else ""

    def display(self, rows) -> list[str]:
        return [number_text(rows[0].number_value)] if rows else []

    def tally(self, result, figures) -> None:
        result.stats = figures["stats"].get(self.question.id)

    def export_cell(self, option, answers):
        return number_cell(answers)

    def sample_answer(self, rng, respondent_id) -> list[dict]:
        low = int(self.question.min_value or 0)
        return [{"number_value": float(rng.randint(low, max(low, min(int(self.question.max_value or 500), 500))))}]
