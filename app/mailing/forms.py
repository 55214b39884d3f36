"""Mailing-list and bulletin forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.forms import WebAddress, email_field, name_field, strip_filter, submit_field, text_field
from app.mailing.models import ITEM_KINDS, LAWFUL_BASES


class TopicsField(SelectMultipleField):
    def pre_validate(self, form) -> None:
        allowed = {str(value) for value, _label in self.choices or []}
        if any(str(value) not in allowed for value in self.data or []):
            raise ValidationError("Choose topics from the list. A topic may have been archived: reload the page")


def topics_field(label: str, required: str) -> SelectMultipleField:
    return TopicsField(
        label,
        widget=GovCheckboxesInput(),
        coerce=str,
        validators=[DataRequired(message=required)],
    )


class SignupForm(FlaskForm):
    email = email_field()
    name = name_field()
    organisation_name = text_field("Organisation (optional)", None, 200, name="Organisation")
    topics = topics_field("What would you like to hear about?", "Choose at least one topic")
    consent = BooleanField(
        "I agree to receive these emails",
        widget=GovCheckboxInput(),
        validators=[DataRequired(message="Tick the box to agree to receive these emails")],
    )
    submit = submit_field("Join the mailing list")


class PreferencesForm(FlaskForm):
    topics = SelectMultipleField("Topics", widget=GovCheckboxesInput(), coerce=str)
    submit = submit_field("Save my choices")


class StaffAddForm(FlaskForm):
    email = email_field("Email address", "Enter their email address")
    name = name_field("Full name", "Enter their full name")
    organisation_name = text_field("Organisation (optional)", None, 200, name="Organisation")
    topics = topics_field("Topics", "Choose at least one topic")
    lawful_basis = RadioField(
        "How may we email them?",
        widget=GovRadioInput(),
        choices=[
            ("ask", "Ask them to confirm by email first (recommended)"),
            ("consent", "They have already given consent (for example on a paper form or by email)"),
            ("legitimate_interests", "Legitimate interests (for example the named contact at a partner organisation)"),
        ],
        validators=[InputRequired(message="Choose how we may email them")],
    )
    evidence = text_field(
        "How and when did they agree? (required for consent and legitimate interests)", None, 500, name="Record"
    )
    submit = submit_field("Add subscriber")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.lawful_basis.data in LAWFUL_BASES and not self.evidence.data:
            self.evidence.errors = [
                *self.evidence.errors,
                "Describe how and when they agreed, for example ‘Signed paper form at the March network meeting’",
            ]
            return False
        return ok


class SubscriberTopicsForm(FlaskForm):
    """Staff change what a subscribed person gets (for example when they ask by phone)."""

    topics = topics_field("Topics", "Choose at least one topic")
    submit = submit_field("Save topics")


class ReactivateForm(FlaskForm):
    """Staff put a bouncing address back on the list; the reason is recorded (issue 19)."""

    reason = text_field(
        "Why can the address be used again?", "Enter why the address can be used again", max_length=300,
        name="The reason",
    )  # fmt: skip
    submit = submit_field("Use this address again")


class ImportForm(FlaskForm):
    file = FileField("CSV file", widget=GovFileInput())
    csv_text = HiddenField()
    submit = submit_field("Check the file")


class TopicForm(FlaskForm):
    name = text_field("Topic name", "Enter a name for the topic", 80)
    description = text_field("Description (optional)", None, 300, name="Description")
    submit = submit_field("Add topic")


class BulletinForm(FlaskForm):
    title = text_field("Title", "Enter a title for the bulletin", 150)
    intro = TextAreaField(
        "Introduction",
        widget=GovCharacterCount(),
        filters=[strip_filter],
        validators=[Optional(), Length(max=3000, message="Introduction must be 3000 characters or fewer")],
    )
    topics = topics_field("Send to subscribers of", "Choose at least one topic")
    submit = submit_field("Save")


class ItemForm(FlaskForm):
    kind = SelectField("Kind of item", widget=GovSelect(), choices=list(ITEM_KINDS.items()), default="news")
    heading = text_field("Heading", "Enter a heading for the item", 200)
    body = TextAreaField(
        "Paragraph",
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[
            DataRequired(message="Enter a paragraph for the item"),
            Length(max=2000, message="Paragraph must be 2000 characters or fewer"),
        ],
    )
    link = StringField(
        "‘Find out more’ link (optional)",
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[
            Optional(),
            Length(max=500, message="Link must be 500 characters or fewer"),
            WebAddress(
                "Enter a link that starts with https:// or http://, like https://www.example.org/page",
                spaces_message="Link must not contain spaces or line breaks",
            ),
        ],
    )
    submit = submit_field("Add item")

    def validate_kind(self, field) -> None:
        if field.data not in ITEM_KINDS:
            raise ValidationError("Choose a kind of item")


class SendForm(FlaskForm):
    when = RadioField(
        "When should it be sent?",
        widget=GovRadioInput(),
        choices=[("now", "Now"), ("later", "At a date and time")],
        default="now",
        validators=[InputRequired(message="Choose when to send the bulletin")],
    )
    send_at = StringField(
        "Date and time (UK time), like 2026-12-01 09:00",
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Optional(), Length(max=20)],
    )
    submit = submit_field("Send bulletin")
