"""A point on a scale from 1 to 5, with optional words at either end."""

from __future__ import annotations

from app.i18n import _
from app.toolkits.question_types.base import AnswerError, QuestionType, number_cell, number_text, short_label
from app.toolkits.results import OptionResult

POINTS = range(1, 6)


class ScaleType(QuestionType):
    answer_seconds = 10
    name = "scale"
    macro = "options"
    settings = ("scale_labels",)
    numeric = True
    counts_points = True
    inline = True  # radios side by side

    def form_value(self, form) -> str:
        return (form.get(self.field_name) or "").strip()

    def validate(self, value) -> list[dict]:
        if value not in {str(point) for point in POINTS}:
            raise AnswerError(_("Select a point on the scale from 1 to 5"))
        return [{"number_value": float(value)}]

    def required_message(self) -> str:
        return _("Select an answer for “%(question)s”", question=short_label(self.question.label))

    def selected(self, value) -> list:
        return [value]

    @property
    def choices(self) -> list[dict]:
        """The five points as options, the end words beside 1 and 5."""
        q = self.question
        ends = {1: q.scale_min_label, 5: q.scale_max_label}
        return [{"id": str(p), "label": f"{p} – {ends[p]}" if ends.get(p) else str(p)} for p in POINTS]

    def value_from_rows(self, rows) -> str:
        return number_text(rows[0].number_value) if rows else ""

    def display(self, rows) -> list[str]:
        if not rows:
            return []
        value = int(rows[0].number_value or 0)
        ends = {1: self.question.scale_min_label, 5: self.question.scale_max_label}
        if ends.get(value):
            return [_("%(value)s out of 5 (%(words)s)", value=value, words=ends[value])]
        return [_("%(value)s out of 5", value=value)]

    def tally(self, result, figures) -> None:
        found = figures["scale_counts"].get(self.question.id, {})
        for point in self.choices:
            count = found.get(int(point["id"]), 0)
            result.options.append(OptionResult.counted(point["id"], point["label"], count, result.answered))
        result.stats = figures["stats"].get(self.question.id)

    def export_cell(self, option, answers):
        return number_cell(answers)

    def sample_answer(self, rng, respondent_id) -> list[dict]:
        return [{"number_value": float(rng.choices([1, 2, 3, 4, 5], [1, 1, 3, 6, 5])[0])}]
