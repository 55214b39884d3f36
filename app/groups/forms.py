"""Directory forms: application / group details, staff decisions, members, taxonomy, import."""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import EmailField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.forms import EmailAddress, PhoneNumber, WebAddress, email_field, strip_filter, submit_field, text_field
from app.groups.models import (
    BENEFICIARY_LABELS,
    LEGAL_FORM_LABELS,
    PUBLIC_FIELD_CHOICES,
    PUBLIC_FIELD_LABELS,
    TAG_KIND_LABELS,
)
from app.groups.validation import normalise_charity_number, normalise_company_number, normalise_postcode
from app.i18n import _l

CHARITY_FORMS = {"charity", "cio"}
COMPANY_FORMS = {"cic", "clg"}


class GroupDetailsForm(FlaskForm):
    """What an applicant gives, and what members and staff later edit."""

    name = text_field(_l("Name of your group"), _l("Enter the name of your group"))
    legal_form = RadioField(
        _l("What kind of group is it?"),
        widget=GovRadioInput(),
        choices=list(LEGAL_FORM_LABELS.items()),
        validators=[InputRequired(message=_l("Select what kind of group it is"))],
    )
    # Not Optional(): whether a number is needed depends on the legal form (validated below).
    charity_number = text_field(_l("Registered charity number"), max_length=20)
    company_number = text_field(_l("Companies House number"), max_length=20)
    description = TextAreaField(
        _l("What does your group do?"),
        widget=GovCharacterCount(),
        filters=[strip_filter],
        validators=[
            InputRequired(message=_l("Describe what your group does")),
            Length(max=2000, message=_l("Description must be 2,000 characters or fewer")),
        ],
    )
    founded_year = IntegerField(
        _l("Year founded"),
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1800, max=dt.date.today().year, message=_l("Enter a year between 1800 and this year")),
        ],
    )
    address = TextAreaField(
        _l("Address"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Optional(), Length(max=500, message=_l("Address must be 500 characters or fewer"))],
    )
    postcode = text_field(_l("Postcode"), max_length=20)
    area = RadioField(_l("Area or ward"), widget=GovRadioInput(), choices=[], validate_choice=False)
    themes = SelectMultipleField(_l("Themes of work"), widget=GovCheckboxesInput(), choices=[], coerce=int)
    communities = SelectMultipleField(_l("Communities served"), widget=GovCheckboxesInput(), choices=[], coerce=int)
    languages = SelectMultipleField(_l("Languages used"), widget=GovCheckboxesInput(), choices=[], coerce=int)
    service_types = SelectMultipleField(_l("Types of service"), widget=GovCheckboxesInput(), choices=[], coerce=int)
    beneficiaries = RadioField(
        _l("How many people does your group support in a typical year?"),
        widget=GovRadioInput(),
        choices=list(BENEFICIARY_LABELS.items()),
        validators=[Optional()],
    )
    website = StringField(
        _l("Website"),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[
            Optional(),
            Length(max=300, message=_l("Website must be 300 characters or fewer")),
            WebAddress(_l("Enter a website address in the correct format, like www.example.org"), bare=True),
        ],
    )
    email = EmailField(
        _l("Public email address"),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Optional(), EmailAddress()],
    )
    phone = text_field(_l("Public phone number"), max_length=40, validators=[PhoneNumber()])
    contact_name = text_field(
        _l("Contact person"), _l("Enter the name of the person we should contact"), max_length=120
    )
    public_fields = SelectMultipleField(
        _l("Which details may we show in the public directory?"),
        widget=GovCheckboxesInput(),
        choices=list(PUBLIC_FIELD_CHOICES.items()),
    )
    submit = submit_field(_l("Send application"))

    TAG_FIELDS = {
        "themes": "theme",
        "communities": "community",
        "languages": "language",
        "service_types": "service_type",
    }

    def set_choices(self, tags: dict) -> None:
        for field_name, kind in self.TAG_FIELDS.items():
            getattr(self, field_name).choices = [(t.id, t.name) for t in tags[kind]]
        self.area.choices = [(str(t.id), t.name) for t in tags["area"]] + [("", _l("None of these"))]
        self._tags = tags

    def validate_area(self, field):
        if field.data and field.data not in {str(t.id) for t in self._tags["area"]}:
            raise ValidationError(_l("Choose an area from the list"))

    def validate_themes(self, field):
        if not field.data:
            raise ValidationError(_l("Select at least one theme your group works on"))

    def validate_postcode(self, field):
        if field.data:
            normalised = normalise_postcode(field.data)
            if normalised is None:
                raise ValidationError(_l("Enter a real UK postcode, like E1 6AN"))
            field.data = normalised
        elif self.address.data:
            raise ValidationError(_l("Enter the postcode for this address"))

    def validate_charity_number(self, field):
        if field.data:
            normalised = normalise_charity_number(field.data)
            if normalised is None:
                raise ValidationError(
                    _l(
                        "Enter a charity number in the correct format: 6 or 7 digits in England and Wales "
                        "(like 1123456), SC and 6 digits in Scotland (like SC012345) or NIC and 6 digits "
                        "in Northern Ireland (like NIC100002)"
                    )
                )
            field.data = normalised
        elif self.legal_form.data in CHARITY_FORMS:
            raise ValidationError(_l("Enter your registered charity number"))

    def validate_company_number(self, field):
        if field.data:
            normalised = normalise_company_number(field.data)
            if normalised is None:
                raise ValidationError(
                    _l(
                        "Enter a Companies House number in the correct format: 8 digits (like 01234567) "
                        "or 2 letters and 6 digits (like SC123456)"
                    )
                )
            field.data = normalised
        elif self.legal_form.data in COMPANY_FORMS:
            raise ValidationError(_l("Enter your Companies House number"))

    def model_data(self) -> dict:
        return {
            "name": self.name.data,
            "legal_form": self.legal_form.data,
            "charity_number": self.charity_number.data or None,
            "company_number": self.company_number.data or None,
            "description": self.description.data,
            "founded_year": self.founded_year.data,
            "address": self.address.data or None,
            "postcode": self.postcode.data or None,
            "website": self.website.data or None,
            "email": (self.email.data or "").lower() or None,
            "phone": self.phone.data or None,
            "contact_name": self.contact_name.data or None,
            "beneficiaries": self.beneficiaries.data or None,
            "public_fields": [f for f in (self.public_fields.data or []) if f in PUBLIC_FIELD_LABELS],
        }

    def tag_ids(self) -> list[int]:
        ids = [i for name in self.TAG_FIELDS for i in (getattr(self, name).data or [])]
        if self.area.data:
            ids.append(int(self.area.data))
        return ids

    def load(self, org) -> None:
        for key in ("name", "legal_form", "charity_number", "company_number", "description", "founded_year",
                    "address", "postcode", "website", "email", "phone", "contact_name", "beneficiaries",
                    "public_fields"):  # fmt: skip
            getattr(self, key).data = getattr(org, key)
        for field_name, kind in self.TAG_FIELDS.items():
            getattr(self, field_name).data = [t.id for t in org.tags if t.kind == kind]
        self.area.data = str(org.area.id) if org.area else ""


class DecisionForm(FlaskForm):
    """Reject (reason) or request changes (message): the text goes to the applicant."""

    message = TextAreaField(
        _l("Message to the applicant"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[
            InputRequired(message=_l("Enter a message for the applicant")),
            Length(max=2000, message=_l("Message must be 2,000 characters or fewer")),
        ],
    )


class MergeForm(FlaskForm):
    target = SelectField(_l("Merge into"), widget=GovSelect(), choices=[], validate_choice=False,
                         validators=[InputRequired(message=_l("Choose the group to keep"))])  # fmt: skip
    submit = submit_field(_l("Merge groups"))


class InviteMemberForm(FlaskForm):
    email = email_field(_l("Their email address"), _l("Enter their email address"))
    submit = submit_field(_l("Send invitation"))


class LeaveForm(FlaskForm):
    reason = TextAreaField(
        _l("Why does your group want to leave? (optional)"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Optional(), Length(max=1000, message=_l("Reason must be 1,000 characters or fewer"))],
    )
    submit = submit_field(_l("Ask to leave the network"))


class TagForm(FlaskForm):
    kind = SelectField(_l("Kind"), widget=GovSelect(), choices=list(TAG_KIND_LABELS.items()),
                       validators=[InputRequired(message=_l("Choose a kind"))])  # fmt: skip
    name = text_field(_l("Name"), _l("Enter a name"), max_length=120)
    submit = submit_field(_l("Add"))


class RenameTagForm(FlaskForm):
    name = text_field(_l("New name"), _l("Enter a name"), max_length=120)
    submit = submit_field(_l("Rename"))


class MergeTagForm(FlaskForm):
    target = SelectField(_l("Merge into"), widget=GovSelect(), choices=[], coerce=int,
                         validators=[InputRequired(message=_l("Choose the tag to keep"))])  # fmt: skip
    submit = submit_field(_l("Merge"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("Upload a CSV file"),
        widget=GovFileInput(),
        validators=[FileRequired(message=_l("Choose a CSV file of groups"))],
    )
    submit = submit_field(_l("Check the file"))


class ReportProblemForm(FlaskForm):
    """A member of the public reports a problem with a listing (issue 18 §2): no account needed."""

    problem = TextAreaField(
        _l("What is wrong with this listing?"),
        description=_l("For example, the group has closed, moved, or the phone number does not work."),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[
            DataRequired(message=_l("Enter what is wrong with this listing")),  # after stripping spaces
            Length(max=2000, message=_l("What is wrong must be 2,000 characters or fewer")),
        ],
    )
    email = EmailField(
        _l("Your email address (optional)"),
        description=_l("Only if you are happy for the network team to contact you about it."),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[
            Optional(),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            EmailAddress(),
        ],
    )
    submit = submit_field(_l("Send report"))
