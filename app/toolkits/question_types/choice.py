"""Choosing among options: one of them, several of them, or yes or no. "Other" (when staff
allow it) carries the respondent's own words in the answer row's text."""

from __future__ import annotations

from app.i18n import _, _l
from app.toolkits.models import OTHER_ID, YES_NO_OPTIONS
from app.toolkits.question_types.base import AnswerError, QuestionType, short_label
from app.toolkits.question_types.text import has_control_characters
from app.toolkits.results import OptionResult

OTHER_TEXT_MAX = 200


def other_problem(other: str) -> str | None:
    if not other:
        return _("Say what the other option is")
    if len(other) > OTHER_TEXT_MAX:
        return _("Other must be %(num)s characters or fewer", num=OTHER_TEXT_MAX)
    if has_control_characters(other):
        return _("Other must not contain line breaks or control characters")
    return None


EXCLUSIVE_LABELS = {"none", "none of these", "none of the above", "not applicable"}


def is_exclusive_label(label: str) -> bool:
    return " ".join(label.lower().strip(" .").split()) in EXCLUSIVE_LABELS


class SingleChoiceType(QuestionType):
    answer_seconds = 15
    name = "single_choice"
    macro = "options"
    settings = ("allow_other",)
    has_options = True
    condition_source = True
    counts_options = True
    inline = False  # radios side by side
    not_offered = _l("Select one of the options offered")

    @property
    def choices(self) -> list[dict]:
        options = list(self.question.options or [])
        if self.question.allow_other:
            options.append({"id": OTHER_ID, "label": _("Other")})
        return options

    def form_value(self, form) -> dict:
        raw = (form.get(self.field_name) or "").strip()
        return {"selected": [raw] if raw else [], "other": form.get(f"{self.field_name}-other") or ""}

    def is_blank(self, value) -> bool:
        return not value["selected"]

    def validate(self, value) -> list[dict]:
        offered = {o["id"] for o in self.choices}
        if any(v not in offered for v in value["selected"]):
            raise AnswerError(self.not_offered)
        rows = []
        for option_id in dict.fromkeys(value["selected"]):  # a repeated value counts once
            row = {"option_id": option_id}
            if option_id == OTHER_ID:
                problem = other_problem(value["other"].strip())
                if problem:
                    raise AnswerError(problem)
                row["text_value"] = value["other"].strip()
            rows.append(row)
        return rows

    def required_message(self) -> str:
        return _("Select an answer for “%(question)s”", question=short_label(self.question.label))

    def selected(self, value) -> list:
        return value["selected"] if value else []

    def value_from_rows(self, rows) -> dict:
        other = next((r.text_value or "" for r in rows if r.option_id == OTHER_ID), "")
        return {"selected": [r.option_id for r in rows], "other": other}

    def display(self, rows) -> list[str]:
        order = {o["id"]: i for i, o in enumerate(self.choices)}
        lines = []
        for row in sorted(rows, key=lambda r: order.get(r.option_id, 999)):
            if row.option_id == OTHER_ID:
                lines.append(_("Other: %(text)s", text=row.text_value or ""))
            else:
                lines.append(self.question.option_label(row.option_id))
        return lines

    def tally(self, result, figures) -> None:
        found = figures["options"].get(self.question.id, {})
        for option in self.choices:
            count = found.get(option["id"], (0, 0, 0))[0]
            result.options.append(OptionResult.counted(option["id"], option["label"], count, result.answered))

    def export_columns(self) -> list[tuple[str, str | None]]:
        columns = [(self.question.label, None)]
        if self.question.allow_other:
            columns.append((_("%(question)s: Other (please specify)", question=self.question.label), OTHER_ID))
        return columns

    def export_cell(self, option, answers):
        if answers and option == OTHER_ID:
            return next((a.text_value or "" for a in answers if a.option_id == OTHER_ID), "")
        return super().export_cell(option, answers)

    def sample_answer(self, rng, respondent_id) -> list[dict]:
        return [{"option_id": rng.choice(self.question.options)["id"]}]


class YesNoType(SingleChoiceType):
    name = "yes_no"
    settings = ()
    has_options = False
    inline = True

    @property
    def choices(self) -> list[dict]:
        words = {"yes": _("Yes"), "no": _("No")}
        return [{**option, "label": words[option["id"]]} for option in YES_NO_OPTIONS]

    def export_columns(self) -> list[tuple[str, str | None]]:
        return [(self.question.label, None)]

    def sample_answer(self, rng, respondent_id) -> list[dict]:
        return [{"option_id": "yes" if rng.random() < 0.8 else "no"}]


class MultipleChoiceType(SingleChoiceType):
    answer_seconds = 30
    name = "multiple_choice"
    multi_row = True
    several_answers = True
    not_offered = _l("Select only the options offered")

    def form_value(self, form) -> dict:
        selected = [v.strip() for v in form.getlist(self.field_name) if v.strip()]
        return {"selected": selected, "other": form.get(f"{self.field_name}-other") or ""}

    @property
    def exclusive_ids(self) -> set[str]:
        """Options such as "None of these" that cannot be ticked with another (GOV.UK's exclusive
        tick box: its script unticks the others; without JavaScript the check below says so)."""
        # "english": the stored label, where the question is shown translated (app/toolkits/translations.py)
        options = self.question.options or []
        return {o["id"] for o in options if is_exclusive_label(o.get("english") or o.get("label", ""))}

    def validate(self, value) -> list[dict]:
        rows = super().validate(value)
        chosen = {row["option_id"] for row in rows}
        for option_id in self.exclusive_ids & chosen:
            if len(chosen) > 1:
                label = self.question.option_label(option_id)
                raise AnswerError(_("Select “%(option)s” on its own, or untick it", option=label))
        return rows

    def required_message(self) -> str:
        return _("Select at least one option for “%(question)s”", question=short_label(self.question.label))

    def export_columns(self) -> list[tuple[str, str | None]]:
        return [
            (_("%(question)s: %(option)s", question=self.question.label, option=option["label"]), option["id"])
            for option in self.choices
        ]

    def export_cell(self, option, answers):
        match = next((a for a in answers if a.option_id == option), None)
        if match is None:
            return ""
        return match.text_value or _("Other") if option == OTHER_ID else _("Yes")

    def sample_answer(self, rng, respondent_id) -> list[dict]:
        options = self.question.options
        chosen = [o["id"] for o in rng.sample(options, rng.randint(1, min(4, len(options))))]
        if len(chosen) > 1:  # "None of these" stands alone
            chosen = [o for o in chosen if o not in self.exclusive_ids]
        return [{"option_id": o} for o in chosen]
