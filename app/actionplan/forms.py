"""Action-plan forms (govuk-frontend-wtf widgets; messages say what to do)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.actionplan.importing.cells import parse_date_text
from app.actionplan.models import (
    PLAN_STATUS_LABELS,
    PLAN_VISIBILITY_LABELS,
    QUICK_WIN_LABELS,
    RAG_LABELS,
    STATUS_LABELS,
)
from app.forms import GovDateField, strip_filter, submit_field, text_field
from app.i18n import _, _l


def _date_field(label, message) -> GovDateField:
    return GovDateField(label, message=message, validators=[Optional()])


class PlanForm(FlaskForm):
    title = text_field(_l("Plan title"), _l("Enter a title for the plan"), name=_l("Title"))
    description = TextAreaField(
        _l("Description"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Length(max=20000, message=_l("Description must be 20,000 characters or fewer"))],
    )
    visibility = RadioField(
        _l("Who can see this plan"),
        widget=GovRadioInput(),
        choices=list(PLAN_VISIBILITY_LABELS.items()),
        default="public",
        validators=[InputRequired(message=_l("Choose who can see this plan"))],
    )
    status = RadioField(
        _l("Status"),
        widget=GovRadioInput(),
        choices=list(PLAN_STATUS_LABELS.items()),
        default="draft",
        validators=[InputRequired(message=_l("Choose a status"))],
    )
    board_dates = TextAreaField(
        _l("Board meeting dates (optional)"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Length(max=2000, message=_l("Board meeting dates must be 2,000 characters or fewer"))],
    )
    submit = submit_field(_l("Save plan"))

    def validate_board_dates(self, field) -> None:
        self.meeting_dates = []
        for line in (field.data or "").replace(",", "\n").splitlines():
            if not line.strip():
                continue
            value = parse_date_text(line.strip())
            if value is None:
                raise ValidationError(
                    _(
                        "Board meeting dates must be real dates, one a line, like 12/03/2026 ('%(line)s' is not)",
                        line=line.strip()[:20],
                    )
                )
            self.meeting_dates.append(value.isoformat())
        self.meeting_dates = sorted(set(self.meeting_dates))


class ThemeForm(FlaskForm):
    name = text_field(_l("Theme name"), _l("Enter the theme's name"))
    secondary = StringField(
        _l("Also relates to (optional)"),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Length(max=500, message=_l("This must be 500 characters or fewer"))],
    )
    position = IntegerField(
        _l("Position in the plan"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter the theme's position, like 3")),
            NumberRange(min=0, max=999, message=_l("Position must be a number between 0 and 999")),
        ],
    )
    submit = submit_field(_l("Save theme"))


class ActionForm(FlaskForm):
    theme_id = SelectField(_l("Theme"), widget=GovSelect(), coerce=int)
    number = StringField(
        _l("Action number"),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[
            InputRequired(message=_l("Enter the action number, like 4.10")),
            Length(max=40, message=_l("Action number must be 40 characters or fewer")),
            Regexp(
                r"^[0-9A-Za-z][0-9A-Za-z.\-]*$",
                message=_l("Action number can only use letters, digits, dots and dashes, like 4.10"),
            ),
        ],
    )
    label = StringField(
        _l("Label (optional)"),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Length(max=200, message=_l("Label must be 200 characters or fewer"))],
    )
    headline = TextAreaField(
        _l("What action are we taking (headline)"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[
            InputRequired(message=_l("Enter what the action is")),
            Length(max=1000, message=_l("Headline must be 1,000 characters or fewer")),
        ],
    )
    detail = TextAreaField(_l("More detail (optional)"), widget=GovTextArea(), filters=[strip_filter])
    deliverables = TextAreaField(_l("What will this action deliver"), widget=GovTextArea(), filters=[strip_filter])
    wider_benefits = TextAreaField(
        _l("Potential benefits for other protected characteristics or communities"),
        widget=GovTextArea(),
        filters=[strip_filter],
    )
    timescale = StringField(
        _l("Timescale (as written)"),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Length(max=500, message=_l("Timescale must be 500 characters or fewer"))],
    )
    target_date = _date_field(
        _l("Target date (optional)"), _l("Target date (optional) must be a real date, like 29 3 2021")
    )
    quick_win = RadioField(
        _l("Is this a quick win (can be achieved in the next 3 to 6 months)?"),
        widget=GovRadioInput(),
        choices=list(QUICK_WIN_LABELS.items()),
        default="unknown",
        validators=[InputRequired(message=_l("Choose whether this is a quick win"))],
    )
    quick_win_note = StringField(
        _l("Quick win: original wording (optional)"),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Length(max=500, message=_l("This must be 500 characters or fewer"))],
    )
    lead_services = StringField(
        _l("Lead services"), widget=GovTextInput(), filters=[strip_filter], validators=[Length(max=1000)]
    )
    lead_officers = StringField(
        _l("Lead officers"), widget=GovTextInput(), filters=[strip_filter], validators=[Length(max=1000)]
    )
    lead_user_emails = TextAreaField(
        _l("Lead officers who can post updates (email addresses of their accounts)"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Length(max=5000)],
    )
    status = SelectField(_l("Status"), widget=GovSelect(), choices=list(STATUS_LABELS.items()))
    rag = SelectField(_l("RAG rating"), widget=GovSelect(), choices=[("", _l("Not rated")), *RAG_LABELS.items()])
    submit = submit_field(_l("Save action"))


class ProgressForm(FlaskForm):
    dated = _date_field(_l("Date of the update"), _l("Date of the update must be a real date, like 29 3 2021"))
    status = SelectField(
        _l("Status after this update"),
        widget=GovSelect(),
        choices=[("", _l("No change")), *STATUS_LABELS.items()],
    )
    body = TextAreaField(
        _l("What has happened"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[
            InputRequired(message=_l("Enter what has happened")),
            Length(max=20000, message=_l("The update must be 20,000 characters or fewer")),
        ],
    )
    submit = submit_field(_l("Add update"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("Upload a spreadsheet"),
        widget=GovFileInput(),
        validators=[FileRequired(message=_l("Choose a CSV, TSV or Excel (.xlsx) file"))],
    )
    plan_id = SelectField(_l("Import into"), widget=GovSelect(), coerce=str)
    new_plan_title = text_field(_l("Title of the new plan"), name=_l("Title"))
    submit = submit_field(_l("Upload and preview"))

    def validate_new_plan_title(self, field) -> None:
        if self.plan_id.data == "new" and not field.data:
            raise ValidationError(_("Enter a title for the new plan, or choose an existing plan"))
