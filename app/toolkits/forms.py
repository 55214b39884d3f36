"""Staff forms for the toolkit builder, "You said" and imports. Messages say what to do."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.forms import GovDateField, strip_filter, text_field
from app.i18n import _, _l
from app.toolkits.models import AUDIENCES, QUESTION_TYPES, TOOLKIT_STATUSES
from app.toolkits.question_types import type_named

LABEL_LENGTH = Length(max=100, message=_l("Label must be 100 characters or fewer"))


class ToolkitForm(FlaskForm):
    title = text_field(_l("Title"), _l("Enter a title"))
    description = TextAreaField(
        _l("Description"),
        widget=GovTextArea(),
        description=_l("Shown to respondents before they start. You can use simple HTML such as paragraphs and links."),
        validators=[Length(max=20000, message=_l("Description must be 20,000 characters or fewer"))],
    )
    opens = GovDateField(_l("Opening date"),
                         description=_l("The toolkit opens at the start of this day. For example 1 3 2027"),
                         validators=[Optional()])  # fmt: skip
    closes = GovDateField(_l("Closing date"),
                          description=_l("The toolkit closes at the end of this day. For example 31 3 2027"),
                          validators=[Optional()])  # fmt: skip
    audience = RadioField(
        _l("Who answers"),
        widget=GovRadioInput(),
        choices=list(AUDIENCES.items()),
        default="organisation",
        validators=[InputRequired(message=_l("Choose who answers"))],
    )
    status = RadioField(
        _l("Status"),
        widget=GovRadioInput(),
        choices=list(TOOLKIT_STATUSES.items()),
        default="draft",
        validators=[InputRequired(message=_l("Choose a status"))],
    )
    suppression_threshold = IntegerField(
        _l("Smallest number published"),
        widget=GovTextInput(),
        description=_l("On the “You said” page, counts below this show as “fewer than N”. Usually 5."),
        default=5,
        validators=[
            InputRequired(message=_l("Enter the smallest number published, like 5")),
            NumberRange(min=2, max=100, message=_l("Enter a number between 2 and 100")),
        ],
    )

    def validate_closes(self, field):
        if field.data and self.opens.data and field.data < self.opens.data:
            raise ValidationError(_("The closing date must be on or after the opening date"))


class SectionForm(FlaskForm):
    title = text_field(_l("Section title"), _l("Enter a section title"))
    description = TextAreaField(
        _l("Introduction (optional)"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Length(max=2000, message=_l("Introduction must be 2,000 characters or fewer"))],
    )


class QuestionForm(FlaskForm):
    type = SelectField(_l("Type of question"), widget=GovSelect(), choices=list(QUESTION_TYPES.items()),
                       validators=[InputRequired(message=_l("Choose the type of question"))])  # fmt: skip
    label = text_field(_l("Question"), _l("Enter the question"), max_length=500)
    hint = TextAreaField(
        _l("Hint (optional)"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Length(max=1000, message=_l("Hint must be 1,000 characters or fewer"))],
    )
    required = BooleanField(_l("An answer is required"), widget=GovCheckboxInput())
    options = TextAreaField(
        _l("Options"),
        widget=GovTextArea(),
        description=_l("For choice and ranking questions: one option per line."),
        filters=[strip_filter],
        validators=[Length(max=10000, message=_l("Options must be 10,000 characters or fewer"))],
    )
    allow_other = BooleanField(_l("Offer “Other, please specify”"), widget=GovCheckboxInput())
    min_value = FloatField(_l("Smallest number allowed (optional)"), widget=GovTextInput(), validators=[Optional()])
    max_value = FloatField(_l("Largest number allowed (optional)"), widget=GovTextInput(), validators=[Optional()])
    rank_top = IntegerField(
        _l("How many to rank (optional)"),
        widget=GovTextInput(),
        description=_l("For ranking questions, for example 3 to rank the top three. Leave blank to rank them all."),
        validators=[Optional(), NumberRange(min=1, max=50, message=_l("Enter a number between 1 and 50"))],
    )
    scale_min_label = StringField(_l("Label for 1 (optional)"), widget=GovTextInput(), filters=[strip_filter],
                                  validators=[LABEL_LENGTH])  # fmt: skip
    scale_max_label = StringField(_l("Label for 5 (optional)"), widget=GovTextInput(), filters=[strip_filter],
                                  validators=[LABEL_LENGTH])  # fmt: skip
    show_if = SelectField(_l("Show this question only when"), widget=GovSelect(), choices=[("", _l("Always show it"))],
                          validators=[Optional()])  # fmt: skip

    def option_lines(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]

    def validate_options(self, field):
        lines = self.option_lines()
        kind = type_named(self.type.data or "")
        if kind is not None and kind.has_options and len(lines) < 2:
            raise ValidationError(_("Enter at least 2 options, one per line"))
        if any(len(line) > 200 for line in lines):
            raise ValidationError(_("Each option must be 200 characters or fewer"))
        if len({line.lower() for line in lines}) != len(lines):
            raise ValidationError(_("Each option must be different"))

    def validate_max_value(self, field):
        if field.data is not None and self.min_value.data is not None and field.data < self.min_value.data:
            raise ValidationError(_("The largest number must be at least the smallest number"))


class YouSaidForm(FlaskForm):
    questions = SelectMultipleField(_l("Questions to publish"), widget=GovCheckboxesInput(), choices=[],
                                    validate_choice=False)  # fmt: skip
    summary = TextAreaField(
        _l("Summary"),
        widget=GovTextArea(),
        description=_l("A short summary of what organisations said, shown above the figures. Simple HTML is allowed."),
        validators=[Length(max=10000, message=_l("Summary must be 10,000 characters or fewer"))],
    )
    publish = BooleanField(_l("Publish the “You said” page"), widget=GovCheckboxInput())


class ImportForm(FlaskForm):
    file = FileField(_l("Toolkit definition (JSON file)"), widget=GovFileInput())


class ReopenForm(FlaskForm):
    days = IntegerField(
        _l("Reopen for how many days"),
        widget=GovTextInput(),
        default=7,
        validators=[
            InputRequired(message=_l("Enter a number of days, like 7")),
            NumberRange(min=1, max=90, message=_l("Enter a number of days between 1 and 90")),
        ],
    )


__all__ = ["FloatField", "ImportForm", "QuestionForm", "ReopenForm", "SectionForm", "ToolkitForm", "YouSaidForm"]
