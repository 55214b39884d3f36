"""The abstract question type and the registry of types by name.

A question's `type` column names its class here (as indico names a registration form field's
class by `input_type`); the class wraps the question and knows how its answer is read from a
posted form, checked, stored as answer rows, shown again, counted on the results page, written
to a spreadsheet and made up for demo data. Nothing outside this package branches on the name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from app.i18n import _
from app.toolkits.models import QUESTION_TYPE_CLASSES

if TYPE_CHECKING:
    from app.toolkits.models import Answer, Question
    from app.toolkits.results import QuestionResult

_REGISTRY = QUESTION_TYPE_CLASSES  # one registry, kept where Question.kind can read it


class AnswerError(ValueError):
    """A posted answer that cannot be accepted; the message is shown beside the question."""


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


def number_text(value: float | None) -> str:
    """25.0 → "25", 2.5 → "2.5", None → ""."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def number_cell(answers: list[Answer]):
    """A spreadsheet cell holding a stored number (whole numbers as integers)."""
    if not answers:
        return ""
    value = answers[0].number_value
    return int(value) if value is not None and float(value).is_integer() else value


def short_label(label: str) -> str:
    label = label.strip().rstrip("?.:")
    return label if len(label) <= 80 else label[:77] + "…"


class QuestionType:
    """One type of question. Subclasses set `name` (the stored `Question.type`) and register
    themselves; the class attributes describe the answer's shape to the results queries."""

    name: ClassVar[str]
    #: the macro in toolkits/_question_inputs.html that draws the question
    macro: ClassVar[str]
    #: staff settings (QuestionForm fields) this type keeps; the others are cleared on save
    settings: ClassVar[tuple[str, ...]] = ()
    #: staff enter options, one a line
    has_options: ClassVar[bool] = False
    #: a show-if condition may depend on this question's chosen option
    condition_source: ClassVar[bool] = False
    #: one answer row per chosen option (so "answered" counts distinct responses)
    multi_row: ClassVar[bool] = False
    #: results count answers per option
    counts_options: ClassVar[bool] = False
    #: answers are numbers: results give n, mean, median, min and max
    numeric: ClassVar[bool] = False
    #: results count answers per point of the 1 to 5 scale
    counts_points: ClassVar[bool] = False
    #: answers are free text, listed on the results page and never published
    free_text: ClassVar[bool] = False
    #: may appear among the published "You said" findings
    publishable: ClassVar[bool] = True
    #: respondents may choose several answers (percentages add up to more than 100)
    several_answers: ClassVar[bool] = False
    #: options are ranked (results show first places and a Borda score)
    ranked: ClassVar[bool] = False
    #: about how long a person takes to answer it (the toolkit's estimated time is the sum)
    answer_seconds: ClassVar[int] = 20

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            _REGISTRY[cls.name] = cls

    def __init__(self, question: Question) -> None:
        self.question = question

    @property
    def field_name(self) -> str:
        return self.question.html_id

    # --- answering -------------------------------------------------------------------------

    def parse(self, form) -> Parsed:
        """Read this question from a MultiDict of posted form data."""
        value = self.form_value(form)
        if self.is_blank(value):
            return Parsed(value=value)
        try:
            return Parsed(rows=self.validate(value), value=value)
        except AnswerError as problem:
            return Parsed(value=value, error=str(problem))

    def form_value(self, form) -> object:
        """The posted answer in the shape the form shows it again."""
        return form.get(self.field_name) or ""

    def is_blank(self, value) -> bool:
        return not value.strip()

    def validate(self, value) -> list[dict]:
        """Answer rows for a non-blank `value`, or AnswerError."""
        raise NotImplementedError

    def required_message(self) -> str:
        return _("Enter an answer for “%(question)s”", question=short_label(self.question.label))

    def value_from_rows(self, rows: list[Answer]) -> object:
        """The stored answer in the shape `form_value` gives, for filling in the form again."""
        raise NotImplementedError

    def display(self, rows: list[Answer]) -> list[str]:
        """Lines of plain text for 'Check your answers', e-mails and staff views."""
        raise NotImplementedError

    @property
    def choices(self) -> list[dict]:
        """Options as offered to the respondent."""
        return list(self.question.options or [])

    # --- staff -------------------------------------------------------------------------------

    def keep_settings(self, form) -> None:
        """Copy the settings this type uses from the staff form; clear the rest."""
        q = self.question
        q.allow_other = "allow_other" in self.settings and bool(form.allow_other.data)
        numbers = "range" in self.settings
        q.min_value = form.min_value.data if numbers else None
        q.max_value = form.max_value.data if numbers else None
        q.rank_top = form.rank_top.data if "rank_top" in self.settings else None
        scale = "scale_labels" in self.settings
        q.scale_min_label = form.scale_min_label.data or "" if scale else ""
        q.scale_max_label = form.scale_max_label.data or "" if scale else ""

    # --- results -----------------------------------------------------------------------------

    def tally(self, result: QuestionResult, figures: dict) -> None:
        """Fill `result` from the grouped figures of results.aggregates (nothing by default)."""

    # --- spreadsheets ------------------------------------------------------------------------

    def export_columns(self) -> list[tuple[str, str | None]]:
        """(heading, option id or None) for each spreadsheet column this question fills."""
        return [(self.question.label, None)]

    def export_cell(self, option: str | None, answers: list[Answer]):
        """The cell under column `option` for one response's answer rows."""
        if not answers:
            return ""
        return "; ".join(self.display(answers))

    # --- demo and load data ------------------------------------------------------------------

    def sample_answer(self, rng: random.Random, respondent_id: int) -> list[dict]:
        """Answer rows (Answer's columns, option_id defaulting to "") a respondent might give."""
        raise NotImplementedError


def type_named(name: str) -> type[QuestionType] | None:
    return _REGISTRY.get(name)


def type_names() -> list[str]:
    return list(_REGISTRY)


def question_type(question: Question) -> QuestionType:
    return _REGISTRY[question.type](question)
