"""Event forms. Messages say what to do (GOV.UK style)."""

from __future__ import annotations

import datetime as dt
import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms import Form as PlainForm
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.events.models import (
    ACCESS_FEATURES,
    ACTION_STATUSES,
    AUDIENCES,
    DEFAULT_MAX_GUESTS,
    EVENT_STATUSES,
    KINDS,
    MESSAGE_AUDIENCES,
    MODES,
    ORDINALS,
    WEEKDAYS,
)
from app.forms import (
    EmailAddress,
    Form,
    GovDateField,
    WebAddress,
    email_field,
    is_web_address,
    name_field,
    strip_filter,
    submit_field,
    text_field,
)

_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.I)


def parse_time(text: str) -> dt.time | None:
    match = _TIME.match(text or "")
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None:
        return None  # "6" alone is ambiguous
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


class TimeText:
    def __init__(self, label: str) -> None:
        self.label = label

    def __call__(self, form, field) -> None:
        if field.data and parse_time(field.data) is None:
            raise ValidationError(f"Enter {self.label} as a time, like 6:30pm or 18:30")


class PaperLinks:
    def __call__(self, form, field) -> None:
        for line in (field.data or "").splitlines():
            line = line.strip()
            if line and not is_web_address(line):
                raise ValidationError("Enter each paper as a web address on its own line, starting with https://")


def _choices(mapping):
    return list(mapping.items())


def area(label, max_len=5000):
    return TextAreaField(
        label,
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Optional(), Length(max=max_len, message=f"{label} must be {max_len} characters or fewer")],
    )


def capacity_field():
    return IntegerField(
        "Number of places",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=0, max=100_000, message="Number of places must be 0 or more")],
    )


def time_field(label: str, required: str, named: str) -> StringField:
    """A London wall-clock time such as 6pm or 18:00 (events and series share it)."""
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[InputRequired(message=f"Enter {required}"), TimeText(named)],
    )


def online_link_field() -> StringField:
    return StringField(
        "Online joining link",
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[
            Length(max=500, message="Online joining link must be 500 characters or fewer"),
            WebAddress("Enter a web address that starts with https:// or http://"),
        ],
    )


def attendance_mode_field() -> RadioField:
    return RadioField(
        "How people take part",
        widget=GovRadioInput(),
        choices=_choices(MODES),
        default="in_person",
        validators=[InputRequired(message="Choose how people take part")],
    )


def max_guests_field():
    return IntegerField(
        "Guests each person may bring",
        widget=GovTextInput(),
        default=DEFAULT_MAX_GUESTS,
        validators=[
            Optional(),  # empty: the default
            NumberRange(min=0, max=10, message="Guests each person may bring must be between 0 and 10"),
        ],
    )


def joining_days_field():
    return IntegerField(
        "Send joining instructions this many days before",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=0, max=60, message="Enter a number of days between 0 and 60")],
    )


class EventMessageForm(FlaskForm):
    """Staff write to an event's registrants: preview, a test to themselves, then send."""

    audience = RadioField(
        "Who to send it to",
        widget=GovRadioInput(),
        choices=_choices(MESSAGE_AUDIENCES),
        default="all",
        validators=[InputRequired(message="Choose who to send it to")],
    )
    subject = text_field("Subject", required="Enter a subject", max_length=200)
    body = TextAreaField(
        "Message",
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[
            InputRequired(message="Enter the message"),
            Length(max=10_000, message="Message must be 10,000 characters or fewer"),
        ],
    )
    preview = submit_field("Preview")
    test = submit_field("Send a test to me")
    send = submit_field("Send")


class EventForm(FlaskForm):
    kind = SelectField(
        "Type of event",
        widget=GovSelect(),
        choices=_choices(KINDS),
        validators=[InputRequired(message="Choose the type of event")],
    )
    title = text_field("Title", required="Enter a title")
    description = area("Description", 20000)
    date = GovDateField("Date", validators=[InputRequired(message="Enter the date of the event")])
    start_time = time_field("Start time", "a start time", "the start time")
    end_time = time_field("End time", "an end time", "the end time")
    attendance_mode = attendance_mode_field()
    venue = text_field("Venue name")
    address = area("Address", 1000)
    access = SelectMultipleField(
        "Access at the venue", widget=GovCheckboxesInput(), choices=_choices(ACCESS_FEATURES), validators=[Optional()]
    )
    access_notes = area("Other access information", 2000)
    online_link = online_link_field()
    capacity = capacity_field()
    max_guests = max_guests_field()
    joining_days = joining_days_field()
    joining_text = area("Joining instructions", 5000)
    registration_opens = GovDateField("Registration opens", validators=[Optional()])
    registration_closes = GovDateField("Registration closes", validators=[Optional()])
    audience = RadioField(
        "Who can register",
        widget=GovRadioInput(),
        choices=_choices(AUDIENCES),
        default="anyone",
        validators=[InputRequired(message="Choose who can register")],
    )
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=_choices(EVENT_STATUSES),
        default="published",
        validators=[InputRequired(message="Choose a status")],
    )
    # Approved groups from the directory (choices set by the view); shown as "Hosted with …".
    partners = SelectMultipleField(
        "Partner organisations",
        widget=GovCheckboxesInput(),
        choices=[],
        coerce=int,
        validate_choice=False,  # validate_partners gives a plain-English message instead
        validators=[Optional()],
    )
    submit = submit_field("Save event")

    def validate_partners(self, field):
        allowed = {value for value, _label in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError("Choose partner organisations from the list")

    def validate_end_time(self, field):
        start, end = parse_time(self.start_time.data or ""), parse_time(field.data or "")
        if start and end and end <= start:
            raise ValidationError("End time must be after the start time")

    def validate_venue(self, field):
        if self.attendance_mode.data in ("in_person", "hybrid") and not field.data:
            raise ValidationError("Enter the venue name for an in-person event")

    def validate_online_link(self, field):
        if self.attendance_mode.data in ("online", "hybrid") and not field.data:
            raise ValidationError("Enter the online joining link for an online event")

    def validate_registration_closes(self, field):
        if field.data and self.registration_opens.data and field.data < self.registration_opens.data:
            raise ValidationError("Registration must close on or after the day it opens")
        if field.data and self.date.data and field.data > self.date.data:
            raise ValidationError("Registration must close on or before the day of the event")


def notify_field() -> RadioField:
    return RadioField(
        "Tell the people registered?",
        widget=GovRadioInput(),
        choices=[("yes", "Yes, email them the change and an updated calendar file"), ("no", "No, do not tell them")],
        default="yes",
        validators=[Optional()],
    )


class CancelEventForm(FlaskForm):
    reason = area("Reason (shown on the event page and sent to registrants)", 2000)
    notify = notify_field()
    submit = submit_field("Cancel event")


class ChangeNoticeForm(FlaskForm):
    """The question staff answer after changing what registrants need to know (the edit is re-posted)."""

    notify = notify_field()
    submit = submit_field("Save changes")


class SeriesForm(FlaskForm):
    name = text_field("Series name", required="Enter a name for the series")
    kind = SelectField("Type of meeting", widget=GovSelect(), choices=_choices(KINDS), default="network_meeting")
    description = area("Description", 20000)
    week_of_month = SelectField(
        "Week", widget=GovSelect(), coerce=int, choices=[(k, v.capitalize()) for k, v in ORDINALS.items()], default=2
    )
    weekday = SelectField("Day", widget=GovSelect(), coerce=int, choices=list(enumerate(WEEKDAYS)), default=1)
    interval_months = SelectField(
        "How often",
        widget=GovSelect(),
        coerce=int,
        default=3,
        choices=[
            (1, "Every month"),
            (2, "Every 2 months"),
            (3, "Every 3 months (quarterly)"),
            (4, "Every 4 months"),
            (6, "Every 6 months"),
            (12, "Every year"),
        ],
    )
    first_month = SelectField(
        "Starting from the month of",
        widget=GovSelect(),
        coerce=int,
        default=1,
        choices=[(m, dt.date(2000, m, 1).strftime("%B")) for m in range(1, 13)],
    )
    start_time = time_field("Start time", "a start time", "the start time")
    end_time = time_field("End time", "an end time", "the end time")
    attendance_mode = attendance_mode_field()
    venue = text_field("Venue name")
    address = area("Address", 1000)
    online_link = online_link_field()
    capacity = capacity_field()
    submit = submit_field("Create series and next 4 meetings")

    validate_end_time = EventForm.validate_end_time
    validate_venue = EventForm.validate_venue
    validate_online_link = EventForm.validate_online_link


class SeriesEditForm(FlaskForm):
    """A series' time, place, places and standing items; applied to its meetings not yet held."""

    start_time = time_field("Start time", "a start time", "the start time")
    end_time = time_field("End time", "an end time", "the end time")
    attendance_mode = attendance_mode_field()
    venue = text_field("Venue name")
    address = area("Address", 1000)
    online_link = online_link_field()
    capacity = capacity_field()
    standing_items = TextAreaField(
        "Standing items",
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Optional(), Length(max=5000, message="Standing items must be 5,000 characters or fewer")],
    )
    notify = BooleanField("Email people registered for meetings whose time or place changes", widget=GovCheckboxInput())
    submit = submit_field("Save series")

    validate_end_time = EventForm.validate_end_time
    validate_venue = EventForm.validate_venue
    validate_online_link = EventForm.validate_online_link


class AgendaItemForm(FlaskForm):
    title = text_field("Item", required="Enter the agenda item")
    presenter = text_field("Presenter")
    start_time = StringField(
        "Time", widget=GovTextInput(), filters=[strip_filter], validators=[Optional(), TimeText("the time")]
    )
    minutes_allotted = IntegerField(
        "Minutes allowed",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=0, max=600, message="Minutes allowed must be between 0 and 600")],
    )
    notes = area("Notes", 5000)
    paper_links = TextAreaField(
        "Papers (one web address per line)",
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Optional(), Length(max=5000), PaperLinks()],
    )
    standing = BooleanField(
        "Standing item (added to every later meeting in the series not yet held)", widget=GovCheckboxInput()
    )
    submit = submit_field("Save item")


GUEST_EMAIL_FORMAT = "Enter the guest's email address in the correct format, like name@example.com"


class GuestForm(PlainForm):
    """One guest (part of RegistrationForm; no CSRF of its own). All empty = no guest."""

    name = StringField(
        "Guest's full name",
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Length(max=120, message="Guest's name must be 120 characters or fewer")],
    )
    email = StringField(
        "Guest's email address (optional)",
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Optional(), EmailAddress(GUEST_EMAIL_FORMAT)],
    )
    access_needs = area("Guest's access needs (optional)", 2000)

    @property
    def is_empty(self) -> bool:
        return not (self.name.data or self.email.data or self.access_needs.data)

    def validate_name(self, field):
        if not field.data and not self.is_empty:
            raise ValidationError("Enter the guest's full name, or clear their details")


class GuestList(FieldList):
    """FieldList whose errors keep each guest's position, so the error summary links to the right box."""

    def validate(self, form, extra_validators=()):
        valid = super().validate(form, extra_validators)
        if not valid:
            self.errors = [entry.errors for entry in self.entries]
        return valid


class RegistrationForm(Form):
    name = name_field()
    email = email_field()
    # Offered to members of more than one group (choices set by the view; "" = none of them).
    organisation_id = RadioField(
        "Which group are you coming from?", widget=GovRadioInput(), choices=[], validate_choice=False
    )
    organisation_name = text_field("Organisation or group (optional)", name="Organisation")
    access_needs = area("Access needs (optional)", 2000)
    dietary_needs = area("Dietary needs (optional)", 1000)
    show_on_attendee_list = BooleanField(
        "Show my name and organisation on the list of people attending", widget=GovCheckboxInput()
    )
    guests = GuestList(FormField(GuestForm), min_entries=0, max_entries=10)
    submit = submit_field("Register")

    def offer_guests(self, maximum: int) -> None:
        """Show `maximum` guest slots (the event's limit); posted slots beyond it are refused."""
        while len(self.guests) < maximum:
            self.guests.append_entry()

    def guest_details(self) -> list[dict]:
        return [
            {"name": g.form.name.data, "email": g.form.email.data or "", "access_needs": g.form.access_needs.data or ""}
            for g in self.guests
            if not g.form.is_empty
        ]


class ApologiesForm(Form):
    """A member sends apologies for their group (network meetings). Choices: the user's groups."""

    organisation_id = RadioField(
        "Which group are you sending apologies for?",
        widget=GovRadioInput(),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(message="Choose the group you are sending apologies for")],
    )
    submit = submit_field("Send apologies for my group")


class StaffRegistrantForm(RegistrationForm):
    name = name_field("Their full name", "Enter their full name")
    email = email_field("Their email address", "Enter their email address")
    status = SelectField(
        "Status",
        widget=GovSelect(),
        default="confirmed",
        choices=[
            ("confirmed", "Registered (or waiting list when full)"),
            ("apologies", "Sent apologies"),
            ("attended", "Attended"),
        ],
    )
    submit = submit_field("Add person")


class MoveRegistrantForm(FlaskForm):
    status = SelectField(
        "Move to",
        widget=GovSelect(),
        choices=[
            ("confirmed", "Registered"),
            ("waitlisted", "Waiting list"),
            ("apologies", "Sent apologies"),
            ("attended", "Attended"),
            ("cancelled", "Cancelled"),
        ],
    )
    submit = submit_field("Move")


class MinutesForm(FlaskForm):
    body = TextAreaField("Minutes", widget=GovTextArea(), validators=[Optional(), Length(max=100_000)])
    save = submit_field("Save draft")
    publish = submit_field("Publish minutes")


class ActionForm(FlaskForm):
    """Choices of agenda_item_id and owner_user_id are set by the view (the meeting's items, the
    portal's active users)."""

    description = area("Action", 2000)
    agenda_item_id = SelectField("Agenda item", widget=GovSelect(), choices=[], validate_choice=False)
    owner_user_id = SelectField("Owner from the portal's users", widget=GovSelect(), choices=[], validate_choice=False)
    owner = text_field("Or type who will do it")
    due_on = GovDateField("Due by", validators=[Optional()])
    status = SelectField("Status", widget=GovSelect(), choices=_choices(ACTION_STATUSES), default="open")
    submit = submit_field("Add action")

    def validate_description(self, field):
        if not field.data:
            raise ValidationError("Enter the action")

    def validate_agenda_item_id(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError("Choose an agenda item from the list")

    def validate_owner_user_id(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError("Choose the owner from the list, or type their name")


class ActionStatusForm(FlaskForm):
    status = SelectField("Status", widget=GovSelect(), choices=_choices(ACTION_STATUSES))
    submit = submit_field("Update")
