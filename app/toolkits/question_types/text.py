"""Free-text questions: short text, long text and an e-mail address."""

from __future__ import annotations

from typing import ClassVar

from email_validator import EmailNotValidError, validate_email

from app.forms import EMAIL_FORMAT_MESSAGE
from app.i18n import _
from app.i18n.formatting import number
from app.toolkits.models import LONG_TEXT_MAX, SHORT_TEXT_MAX
from app.toolkits.question_types.base import AnswerError, QuestionType

SAMPLE_TEXTS = ("Project coordinator", "Chair", "Volunteer lead", "Director")


def has_control_characters(text: str) -> bool:
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


class ShortTextType(QuestionType):
    answer_seconds = 40
    name = "short_text"
    macro = "text_input"
    free_text = True
    publishable = False
    limit: ClassVar[int] = SHORT_TEXT_MAX
    #: attributes of the <input> (type first)
    input_type: ClassVar[str] = "text"
    # Extra attributes of the input, escaped by the template's xmlattr filter (no |safe).
    input_attrs: ClassVar[dict[str, str]] = {}
    input_class: ClassVar[str] = ""

    def validate(self, value) -> list[dict]:
        text = value.strip()
        if len(text) > self.limit:
            raise AnswerError(
                _(
                    "Your answer must be %(limit)s characters or fewer (it is %(length)s)",
                    limit=number(self.limit),
                    length=number(len(text)),
                )
            )
        self.check_characters(text)
        return [{"text_value": text}]

    def check_characters(self, text: str) -> None:
        if has_control_characters(text):
            raise AnswerError(_("Your answer must not contain line breaks or control characters"))

    def value_from_rows(self, rows) -> str:
        return rows[0].text_value if rows else ""

    def display(self, rows) -> list[str]:
        return [rows[0].text_value or ""] if rows else []

    def sample_answer(self, rng, respondent_id) -> list[dict]:
        return [{"text_value": rng.choice(SAMPLE_TEXTS)}]


class LongTextType(ShortTextType):
    answer_seconds = 150
    name = "long_text"
    macro = "textarea"
    limit = LONG_TEXT_MAX

    def check_characters(self, text: str) -> None:
        if "\x00" in text:  # line breaks and tabs are welcome here
            raise AnswerError(_("Your answer must not contain control characters"))


class EmailType(ShortTextType):
    name = "email"
    input_type = "email"
    input_attrs = {"autocomplete": "email", "spellcheck": "false"}

    def check_characters(self, text: str) -> None:
        super().check_characters(text)
        try:
            validate_email(text, check_deliverability=False)
        except EmailNotValidError:
            raise AnswerError(EMAIL_FORMAT_MESSAGE) from None

    def sample_answer(self, rng, respondent_id) -> list[dict]:
        return [{"text_value": f"contact{respondent_id}@example.org"}]
