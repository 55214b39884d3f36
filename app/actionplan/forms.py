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
from app.actionplan.models import PLAN_STATUSES, PLAN_VISIBILITY, QUICK_WIN, RAG, STATUSES
from app.forms import GovDateField, strip_filter, submit_field, text_field


def _date_field(label: str) -> GovDateField:
    return GovDateField(label, message=f"{label} must be a real date, like 29 3 2021", validators=[Optional()])


class PlanForm(FlaskForm):
    title = text_field("Plan title", "Enter a title for the plan", name="Title")
    description = TextAreaField(
        "Description",
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Length(max=20000, message="Description must be 20,000 characters or fewer")],
    )
    visibility = RadioField(
        "Who can see this plan",
        widget=GovRadioInput(),
        choices=list(PLAN_VISIBILITY.items()),
        default="public",
        validators=[InputRequired(message="Choose who can see this plan")],
    )
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=list(PLAN_STATUSES.items()),
        default="draft",
        validators=[InputRequired(message="Choose a status")],
    )
    board_dates = TextAreaField(
        "Board meeting dates (optional)",
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Length(max=2000, message="Board meeting dates must be 2,000 characters or fewer")],
    )
    submit = submit_field("Save plan")

    def validate_board_dates(self, field) -> None:
        self.meeting_dates = []
        for line in (field.data or "").replace(",", "\n").splitlines():
            if not line.strip():
                continue
            value = parse_date_text(line.strip())
            if value is None:
                raise ValidationError(
                    "Board meeting dates must be real dates, one a line, like 12/03/2026 "
                    f"('{line.strip()[:20]}' is not)"
                )
            self.meeting_dates.append(value.isoformat())
        self.meeting_dates = sorted(set(self.meeting_dates))


class ThemeForm(FlaskForm):
    name = text_field("Theme name", "Enter the theme's name")
    secondary = StringField(
        "Also relates to (optional)",
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Length(max=500, message="This must be 500 characters or fewer")],
    )
    position = IntegerField(
        "Position in the plan",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the theme's position, like 3"),
            NumberRange(min=0, max=999, message="Position must be a number between 0 and 999"),
        ],
    )
    submit = submit_field("Save theme")


class ActionForm(FlaskForm):
    theme_id = SelectField("Theme", widget=GovSelect(), coerce=int)
    number = StringField(
        "Action number",
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[
            InputRequired(message="Enter the action number, like 4.10"),
            Length(max=40, message="Action number must be 40 characters or fewer"),
            Regexp(
                r"^[0-9A-Za-z][0-9A-Za-z.\-]*$",
                message="Action number can only use letters, digits, dots and dashes, like 4.10",
            ),
        ],
    )
    label = StringField(
        "Label (optional)",
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Length(max=200, message="Label must be 200 characters or fewer")],
    )
    headline = TextAreaField(
        "What action are we taking (headline)",
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[
            InputRequired(message="Enter what the action is"),
            Length(max=1000, message="Headline must be 1,000 characters or fewer"),
        ],
    )
    detail = TextAreaField("More detail (optional)", widget=GovTextArea(), filters=[strip_filter])
    deliverables = TextAreaField("What will this action deliver", widget=GovTextArea(), filters=[strip_filter])
    wider_benefits = TextAreaField(
        "Potential benefits for other protected characteristics or communities",
        widget=GovTextArea(),
        filters=[strip_filter],
    )
    timescale = StringField(
        "Timescale (as written)",
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Length(max=500, message="Timescale must be 500 characters or fewer")],
    )
    target_date = _date_field("Target date (optional)")
    quick_win = RadioField(
        "Is this a quick win (can be achieved in the next 3 to 6 months)?",
        widget=GovRadioInput(),
        choices=list(QUICK_WIN.items()),
        default="unknown",
        validators=[InputRequired(message="Choose whether this is a quick win")],
    )
    quick_win_note = StringField(
        "Quick win: original wording (optional)",
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Length(max=500, message="This must be 500 characters or fewer")],
    )
    lead_services = StringField(
        "Lead services", widget=GovTextInput(), filters=[strip_filter], validators=[Length(max=1000)]
    )
    lead_officers = StringField(
        "Lead officers", widget=GovTextInput(), filters=[strip_filter], validators=[Length(max=1000)]
    )
    lead_user_emails = TextAreaField(
        "Lead officers who can post updates (email addresses of their accounts)",
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Length(max=5000)],
    )
    status = SelectField("Status", widget=GovSelect(), choices=list(STATUSES.items()))
    rag = SelectField("RAG rating", widget=GovSelect(), choices=[("", "Not rated"), *RAG.items()])
    submit = submit_field("Save action")


class ProgressForm(FlaskForm):
    dated = _date_field("Date of the update")
    status = SelectField(
        "Status after this update",
        widget=GovSelect(),
        choices=[("", "No change"), *STATUSES.items()],
    )
    body = TextAreaField(
        "What has happened",
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[
            InputRequired(message="Enter what has happened"),
            Length(max=20000, message="The update must be 20,000 characters or fewer"),
        ],
    )
    submit = submit_field("Add update")


class ImportForm(FlaskForm):
    file = FileField(
        "Upload a spreadsheet",
        widget=GovFileInput(),
        validators=[FileRequired(message="Choose a CSV, TSV or Excel (.xlsx) file")],
    )
    plan_id = SelectField("Import into", widget=GovSelect(), coerce=str)
    new_plan_title = text_field("Title of the new plan", name="Title")
    submit = submit_field("Upload and preview")

    def validate_new_plan_title(self, field) -> None:
        if self.plan_id.data == "new" and not field.data:
            raise ValidationError("Enter a title for the new plan, or choose an existing plan")
