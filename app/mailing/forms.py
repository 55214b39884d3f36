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
from app.i18n import LANGUAGES, _, _l
from app.mailing.models import ITEM_KINDS, LAWFUL_BASES


class TopicsField(SelectMultipleField):
    def pre_validate(self, form) -> None:
        allowed = {str(value) for value, _label in self.choices or []}
        if any(str(value) not in allowed for value in self.data or []):
            raise ValidationError(_("Choose topics from the list. A topic may have been archived: reload the page"))


def topics_field(label, required) -> SelectMultipleField:
    return TopicsField(
        label,
        widget=GovCheckboxesInput(),
        coerce=str,
        validators=[DataRequired(message=required)],
    )


def language_field() -> RadioField:
    """The language someone reads the bulletin in (issue 22): each named in itself, so a reader finds theirs."""
    return RadioField(
        _l("Which language would you like the bulletin in?"),
        widget=GovRadioInput(),
        choices=[(code, lang.native_name) for code, lang in LANGUAGES.items()],
        # One is always ticked on the page; a post without one keeps the page's (or their) language.
        validators=[Optional()],
    )


def language_items() -> list[dict]:
    """The language radios' labels marked with their own language, for screen readers and fonts."""
    return [{"label": {"attributes": {"lang": lang.tag, "dir": lang.direction}}} for lang in LANGUAGES.values()]


class SignupForm(FlaskForm):
    # The shared fields' own English, marked here too so the public form is translated whatever
    # app/forms.py marks.
    email = email_field(_l("Email address"), _l("Enter your email address"))
    name = name_field(_l("Full name"), _l("Enter your full name"))
    organisation_name = text_field(_l("Organisation (optional)"), None, 200, name=_l("Organisation"))
    topics = topics_field(_l("What would you like to hear about?"), _l("Choose at least one topic"))
    language = language_field()
    consent = BooleanField(
        _l("I agree to receive these emails"),
        widget=GovCheckboxInput(),
        validators=[DataRequired(message=_l("Tick the box to agree to receive these emails"))],
    )
    submit = submit_field(_l("Join the mailing list"))


class PreferencesForm(FlaskForm):
    topics = SelectMultipleField(_l("Topics"), widget=GovCheckboxesInput(), coerce=str)
    language = language_field()
    submit = submit_field(_l("Save my choices"))


class StaffAddForm(FlaskForm):
    email = email_field(_l("Email address"), _l("Enter their email address"))
    name = name_field(_l("Full name"), _l("Enter their full name"))
    organisation_name = text_field(_l("Organisation (optional)"), None, 200, name=_l("Organisation"))
    topics = topics_field(_l("Topics"), _l("Choose at least one topic"))
    lawful_basis = RadioField(
        _l("How may we email them?"),
        widget=GovRadioInput(),
        choices=[
            ("ask", _l("Ask them to confirm by email first (recommended)")),
            ("consent", _l("They have already given consent (for example on a paper form or by email)")),
            (
                "legitimate_interests",
                _l("Legitimate interests (for example the named contact at a partner organisation)"),
            ),
        ],
        validators=[InputRequired(message=_l("Choose how we may email them"))],
    )
    evidence = text_field(
        _l("How and when did they agree? (required for consent and legitimate interests)"), None, 500, name=_l("Record")
    )
    submit = submit_field(_l("Add subscriber"))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.lawful_basis.data in LAWFUL_BASES and not self.evidence.data:
            self.evidence.errors = [
                *self.evidence.errors,
                _("Describe how and when they agreed, for example ‘Signed paper form at the March network meeting’"),
            ]
            return False
        return ok


class SubscriberTopicsForm(FlaskForm):
    """Staff change what a subscribed person gets (for example when they ask by phone)."""

    topics = topics_field(_l("Topics"), _l("Choose at least one topic"))
    submit = submit_field(_l("Save topics"))


class ReactivateForm(FlaskForm):
    """Staff put a bouncing address back on the list; the reason is recorded (issue 19)."""

    reason = text_field(
        _l("Why can the address be used again?"), _l("Enter why the address can be used again"), max_length=300,
        name=_l("The reason"),
    )  # fmt: skip
    submit = submit_field(_l("Use this address again"))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), widget=GovFileInput())
    csv_text = HiddenField()
    submit = submit_field(_l("Check the file"))


class TopicForm(FlaskForm):
    name = text_field(_l("Topic name"), _l("Enter a name for the topic"), 80)
    description = text_field(_l("Description (optional)"), None, 300, name=_l("Description"))
    submit = submit_field(_l("Add topic"))


class BulletinForm(FlaskForm):
    title = text_field(_l("Title"), _l("Enter a title for the bulletin"), 150)
    intro = TextAreaField(
        _l("Introduction"),
        widget=GovCharacterCount(),
        filters=[strip_filter],
        validators=[Optional(), Length(max=3000, message=_l("Introduction must be 3000 characters or fewer"))],
    )
    topics = topics_field(_l("Send to subscribers of"), _l("Choose at least one topic"))
    submit = submit_field(_l("Save"))


class ItemForm(FlaskForm):
    kind = SelectField(_l("Kind of item"), widget=GovSelect(), choices=list(ITEM_KINDS.items()), default="news")
    heading = text_field(_l("Heading"), _l("Enter a heading for the item"), 200)
    body = TextAreaField(
        _l("Paragraph"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Enter a paragraph for the item")),
            Length(max=2000, message=_l("Paragraph must be 2000 characters or fewer")),
        ],
    )
    link = StringField(
        _l("‘Find out more’ link (optional)"),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[
            Optional(),
            Length(max=500, message=_l("Link must be 500 characters or fewer")),
            WebAddress(
                _l("Enter a link that starts with https:// or http://, like https://www.example.org/page"),
                spaces_message=_l("Link must not contain spaces or line breaks"),
            ),
        ],
    )
    submit = submit_field(_l("Add item"))

    def validate_kind(self, field) -> None:
        if field.data not in ITEM_KINDS:
            raise ValidationError(_("Choose a kind of item"))


class SendForm(FlaskForm):
    when = RadioField(
        _l("When should it be sent?"),
        widget=GovRadioInput(),
        choices=[("now", _l("Now")), ("later", _l("At a date and time"))],
        default="now",
        validators=[InputRequired(message=_l("Choose when to send the bulletin"))],
    )
    send_at = StringField(
        _l("Date and time (UK time), like 2026-12-01 09:00"),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Optional(), Length(max=20)],
    )
    submit = submit_field(_l("Send bulletin"))


class VersionForm(FlaskForm):
    """A bulletin's version in one language (issue 22): its title and introduction, and one
    heading and paragraph per item (fields added per bulletin by `version_form`)."""

    title = text_field(_l("Title"), _l("Enter the title in this language"), 150)
    intro = TextAreaField(
        _l("Introduction"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Optional(), Length(max=3000, message=_l("Introduction must be 3000 characters or fewer"))],
    )
    submit = submit_field(_l("Save this version"))

    item_ids: list[int] = []

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for item_id in self.item_ids:
            heading, body = self[f"heading_{item_id}"], self[f"body_{item_id}"]
            if bool(heading.data) != bool(body.data):
                empty = body if heading.data else heading
                empty.errors = [
                    *empty.errors,
                    _("Enter both the heading and the paragraph, or leave both empty to show this item in English"),
                ]
                ok = False
        return ok


def version_form(items, **kwargs) -> VersionForm:
    """A VersionForm with a heading and a paragraph field for each of `items`."""

    class Form(VersionForm):
        pass

    Form.item_ids = [item.id for item in items]
    for number, item in enumerate(items, start=1):
        setattr(
            Form,
            f"heading_{item.id}",
            text_field(_l("Heading of item %(number)s", number=number), None, 200, name=_l("Heading")),
        )
        setattr(
            Form,
            f"body_{item.id}",
            TextAreaField(
                _l("Paragraph of item %(number)s", number=number),
                widget=GovTextArea(),
                filters=[strip_filter],
                validators=[Length(max=2000, message=_l("Paragraph must be 2000 characters or fewer"))],
            ),
        )
    return Form(**kwargs)
