"""Event forms. Messages say what to do (GOV.UK style)."""

from __future__ import annotations

import datetime as dt
import re

from flask_babel.speaklater import LazyString
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
    month_name,
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
from app.i18n import _, _l

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
    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and parse_time(field.data) is None:
            raise ValidationError(str(self.message))


class PaperLinks:
    def __call__(self, form, field) -> None:
        for line in (field.data or "").splitlines():
            line = line.strip()
            if line and not is_web_address(line):
                raise ValidationError(_("Enter each paper as a web address on its own line, starting with https://"))


def _choices(mapping):
    return list(mapping.items())


def area(label, max_len=5000, too_long=None):
    """A text box; `too_long` is the whole message for more than `max_len` characters."""
    return TextAreaField(
        label,
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Optional(), Length(max=max_len, message=too_long)],
    )


def capacity_field():
    return IntegerField(
        _l("Number of places"),
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=0, max=100_000, message=_l("Number of places must be 0 or more"))],
    )


def time_field(label: str, required: str, not_a_time: str) -> StringField:
    """A London wall-clock time such as 6pm or 18:00 (events and series share it)."""
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[InputRequired(message=required), TimeText(not_a_time)],
    )


def start_time_field() -> StringField:
    return time_field(
        _l("Start time"),
        _l("Enter a start time"),
        _l("Enter the start time as a time, like 6:30pm or 18:30"),
    )


def end_time_field() -> StringField:
    return time_field(_l("End time"), _l("Enter an end time"), _l("Enter the end time as a time, like 6:30pm or 18:30"))


def online_link_field() -> StringField:
    return StringField(
        _l("Online joining link"),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[
            Length(max=500, message=_l("Online joining link must be 500 characters or fewer")),
            WebAddress(_l("Enter a web address that starts with https:// or http://")),
        ],
    )


def attendance_mode_field() -> RadioField:
    return RadioField(
        _l("How people take part"),
        widget=GovRadioInput(),
        choices=_choices(MODES),
        default="in_person",
        validators=[InputRequired(message=_l("Choose how people take part"))],
    )


def max_guests_field():
    return IntegerField(
        _l("Guests each person may bring"),
        widget=GovTextInput(),
        default=DEFAULT_MAX_GUESTS,
        validators=[
            Optional(),  # empty: the default
            NumberRange(min=0, max=10, message=_l("Guests each person may bring must be between 0 and 10")),
        ],
    )


def joining_days_field():
    return IntegerField(
        _l("Send joining instructions this many days before"),
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=0, max=60, message=_l("Enter a number of days between 0 and 60"))],
    )


class EventMessageForm(FlaskForm):
    """Staff write to an event's registrants: preview, a test to themselves, then send."""

    audience = RadioField(
        _l("Who to send it to"),
        widget=GovRadioInput(),
        choices=_choices(MESSAGE_AUDIENCES),
        default="all",
        validators=[InputRequired(message=_l("Choose who to send it to"))],
    )
    subject = text_field(_l("Subject"), required=_l("Enter a subject"), max_length=200)
    body = TextAreaField(
        _l("Message"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[
            InputRequired(message=_l("Enter the message")),
            Length(max=10_000, message=_l("Message must be 10,000 characters or fewer")),
        ],
    )
    preview = submit_field(_l("Preview"))
    test = submit_field(_l("Send a test to me"))
    send = submit_field(_l("Send"))


class EventForm(FlaskForm):
    kind = SelectField(
        _l("Type of event"),
        widget=GovSelect(),
        choices=_choices(KINDS),
        validators=[InputRequired(message=_l("Choose the type of event"))],
    )
    title = text_field(_l("Title"), required=_l("Enter a title"))
    description = area(_l("Description"), 20000, _l("Description must be %(max)s characters or fewer", max=20000))
    date = GovDateField(_l("Date"), validators=[InputRequired(message=_l("Enter the date of the event"))])
    start_time = start_time_field()
    end_time = end_time_field()
    attendance_mode = attendance_mode_field()
    venue = text_field(_l("Venue name"))
    address = area(_l("Address"), 1000, _l("Address must be %(max)s characters or fewer", max=1000))
    access = SelectMultipleField(
        _l("Access at the venue"),
        widget=GovCheckboxesInput(),
        choices=_choices(ACCESS_FEATURES),
        validators=[Optional()],
    )
    access_notes = area(
        _l("Other access information"),
        2000,
        _l("Other access information must be %(max)s characters or fewer", max=2000),
    )
    online_link = online_link_field()
    capacity = capacity_field()
    max_guests = max_guests_field()
    joining_days = joining_days_field()
    joining_text = area(
        _l("Joining instructions"), 5000, _l("Joining instructions must be %(max)s characters or fewer", max=5000)
    )
    registration_opens = GovDateField(_l("Registration opens"), validators=[Optional()])
    registration_closes = GovDateField(_l("Registration closes"), validators=[Optional()])
    audience = RadioField(
        _l("Who can register"),
        widget=GovRadioInput(),
        choices=_choices(AUDIENCES),
        default="anyone",
        validators=[InputRequired(message=_l("Choose who can register"))],
    )
    status = RadioField(
        _l("Status"),
        widget=GovRadioInput(),
        choices=_choices(EVENT_STATUSES),
        default="published",
        validators=[InputRequired(message=_l("Choose a status"))],
    )
    # Approved groups from the directory (choices set by the view); shown as "Hosted with …".
    partners = SelectMultipleField(
        _l("Partner organisations"),
        widget=GovCheckboxesInput(),
        choices=[],
        coerce=int,
        validate_choice=False,  # validate_partners gives a plain-English message instead
        validators=[Optional()],
    )
    submit = submit_field(_l("Save event"))

    def validate_partners(self, field):
        allowed = {value for value, _label in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError(_("Choose partner organisations from the list"))

    def validate_end_time(self, field):
        start, end = parse_time(self.start_time.data or ""), parse_time(field.data or "")
        if start and end and end <= start:
            raise ValidationError(_("End time must be after the start time"))

    def validate_venue(self, field):
        if self.attendance_mode.data in ("in_person", "hybrid") and not field.data:
            raise ValidationError(_("Enter the venue name for an in-person event"))

    def validate_online_link(self, field):
        if self.attendance_mode.data in ("online", "hybrid") and not field.data:
            raise ValidationError(_("Enter the online joining link for an online event"))

    def validate_registration_closes(self, field):
        if field.data and self.registration_opens.data and field.data < self.registration_opens.data:
            raise ValidationError(_("Registration must close on or after the day it opens"))
        if field.data and self.date.data and field.data > self.date.data:
            raise ValidationError(_("Registration must close on or before the day of the event"))


def notify_field() -> RadioField:
    return RadioField(
        _l("Tell the people registered?"),
        widget=GovRadioInput(),
        choices=[
            ("yes", _l("Yes, email them the change and an updated calendar file")),
            ("no", _l("No, do not tell them")),
        ],
        default="yes",
        validators=[Optional()],
    )


class CancelEventForm(FlaskForm):
    reason = area(
        _l("Reason (shown on the event page and sent to registrants)"),
        2000,
        _l("Reason (shown on the event page and sent to registrants) must be %(max)s characters or fewer", max=2000),
    )
    notify = notify_field()
    submit = submit_field(_l("Cancel event"))


class ChangeNoticeForm(FlaskForm):
    """The question staff answer after changing what registrants need to know (the edit is re-posted)."""

    notify = notify_field()
    submit = submit_field(_l("Save changes"))


class SeriesForm(FlaskForm):
    name = text_field(_l("Series name"), required=_l("Enter a name for the series"))
    kind = SelectField(_l("Type of meeting"), widget=GovSelect(), choices=_choices(KINDS), default="network_meeting")
    description = area(_l("Description"), 20000, _l("Description must be %(max)s characters or fewer", max=20000))
    week_of_month = SelectField(_l("Week"), widget=GovSelect(), coerce=int, choices=list(ORDINALS.items()), default=2)
    weekday = SelectField(_l("Day"), widget=GovSelect(), coerce=int, choices=list(enumerate(WEEKDAYS)), default=1)
    interval_months = SelectField(
        _l("How often"),
        widget=GovSelect(),
        coerce=int,
        default=3,
        choices=[
            (1, _l("Every month")),
            (2, _l("Every 2 months")),
            (3, _l("Every 3 months (quarterly)")),
            (4, _l("Every 4 months")),
            (6, _l("Every 6 months")),
            (12, _l("Every year")),
        ],
    )
    first_month = SelectField(
        _l("Starting from the month of"),
        widget=GovSelect(),
        coerce=int,
        default=1,
        choices=[(m, LazyString(month_name, m)) for m in range(1, 13)],
    )
    start_time = start_time_field()
    end_time = end_time_field()
    attendance_mode = attendance_mode_field()
    venue = text_field(_l("Venue name"))
    address = area(_l("Address"), 1000, _l("Address must be %(max)s characters or fewer", max=1000))
    online_link = online_link_field()
    capacity = capacity_field()
    submit = submit_field(_l("Create series and next 4 meetings"))

    validate_end_time = EventForm.validate_end_time
    validate_venue = EventForm.validate_venue
    validate_online_link = EventForm.validate_online_link


class SeriesEditForm(FlaskForm):
    """A series' time, place, places and standing items; applied to its meetings not yet held."""

    start_time = start_time_field()
    end_time = end_time_field()
    attendance_mode = attendance_mode_field()
    venue = text_field(_l("Venue name"))
    address = area(_l("Address"), 1000, _l("Address must be %(max)s characters or fewer", max=1000))
    online_link = online_link_field()
    capacity = capacity_field()
    standing_items = TextAreaField(
        _l("Standing items"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Optional(), Length(max=5000, message=_l("Standing items must be 5,000 characters or fewer"))],
    )
    notify = BooleanField(
        _l("Email people registered for meetings whose time or place changes"), widget=GovCheckboxInput()
    )
    submit = submit_field(_l("Save series"))

    validate_end_time = EventForm.validate_end_time
    validate_venue = EventForm.validate_venue
    validate_online_link = EventForm.validate_online_link


class AgendaItemForm(FlaskForm):
    title = text_field(_l("Item"), required=_l("Enter the agenda item"))
    presenter = text_field(_l("Presenter"))
    start_time = StringField(
        _l("Time"),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Optional(), TimeText(_l("Enter the time as a time, like 6:30pm or 18:30"))],
    )
    minutes_allotted = IntegerField(
        _l("Minutes allowed"),
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=0, max=600, message=_l("Minutes allowed must be between 0 and 600"))],
    )
    notes = area(_l("Notes"), 5000, _l("Notes must be %(max)s characters or fewer", max=5000))
    paper_links = TextAreaField(
        _l("Papers (one web address per line)"),
        widget=GovTextArea(),
        filters=[strip_filter],
        validators=[Optional(), Length(max=5000), PaperLinks()],
    )
    standing = BooleanField(
        _l("Standing item (added to every later meeting in the series not yet held)"), widget=GovCheckboxInput()
    )
    submit = submit_field(_l("Save item"))


GUEST_EMAIL_FORMAT = _l("Enter the guest's email address in the correct format, like name@example.com")


class GuestForm(PlainForm):
    """One guest (part of RegistrationForm; no CSRF of its own). All empty = no guest."""

    name = StringField(
        _l("Guest's full name"),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Length(max=120, message=_l("Guest's name must be 120 characters or fewer"))],
    )
    email = StringField(
        _l("Guest's email address (optional)"),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[Optional(), EmailAddress(GUEST_EMAIL_FORMAT)],
    )
    access_needs = area(
        _l("Guest's access needs (optional)"),
        2000,
        _l("Guest's access needs (optional) must be %(max)s characters or fewer", max=2000),
    )

    @property
    def is_empty(self) -> bool:
        return not (self.name.data or self.email.data or self.access_needs.data)

    def validate_name(self, field):
        if not field.data and not self.is_empty:
            raise ValidationError(_("Enter the guest's full name, or clear their details"))


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
        _l("Which group are you coming from?"), widget=GovRadioInput(), choices=[], validate_choice=False
    )
    organisation_name = text_field(_l("Organisation or group (optional)"), name="Organisation")
    access_needs = area(
        _l("Access needs (optional)"), 2000, _l("Access needs (optional) must be %(max)s characters or fewer", max=2000)
    )
    dietary_needs = area(
        _l("Dietary needs (optional)"),
        1000,
        _l("Dietary needs (optional) must be %(max)s characters or fewer", max=1000),
    )
    show_on_attendee_list = BooleanField(
        _l("Show my name and organisation on the list of people attending"), widget=GovCheckboxInput()
    )
    guests = GuestList(FormField(GuestForm), min_entries=0, max_entries=10)
    submit = submit_field(_l("Register"))

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
        _l("Which group are you sending apologies for?"),
        widget=GovRadioInput(),
        choices=[],
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose the group you are sending apologies for"))],
    )
    submit = submit_field(_l("Send apologies for my group"))


class StaffRegistrantForm(RegistrationForm):
    name = name_field(_l("Their full name"), _l("Enter their full name"))
    email = email_field(_l("Their email address"), _l("Enter their email address"))
    status = SelectField(
        _l("Status"),
        widget=GovSelect(),
        default="confirmed",
        choices=[
            ("confirmed", _l("Registered (or waiting list when full)")),
            ("apologies", _l("Sent apologies")),
            ("attended", _l("Attended")),
        ],
    )
    submit = submit_field(_l("Add person"))


class MoveRegistrantForm(FlaskForm):
    status = SelectField(
        _l("Move to"),
        widget=GovSelect(),
        choices=[
            ("confirmed", _l("Registered")),
            ("waitlisted", _l("Waiting list")),
            ("apologies", _l("Sent apologies")),
            ("attended", _l("Attended")),
            ("cancelled", _l("Cancelled")),
        ],
    )
    submit = submit_field(_l("Move"))


class MinutesForm(FlaskForm):
    body = TextAreaField(_l("Minutes"), widget=GovTextArea(), validators=[Optional(), Length(max=100_000)])
    save = submit_field(_l("Save draft"))
    publish = submit_field(_l("Publish minutes"))


class ActionForm(FlaskForm):
    """Choices of agenda_item_id and owner_user_id are set by the view (the meeting's items, the
    portal's active users)."""

    description = area(_l("Action"), 2000, _l("Action must be %(max)s characters or fewer", max=2000))
    agenda_item_id = SelectField(_l("Agenda item"), widget=GovSelect(), choices=[], validate_choice=False)
    owner_user_id = SelectField(
        _l("Owner from the portal's users"), widget=GovSelect(), choices=[], validate_choice=False
    )
    owner = text_field(_l("Or type who will do it"))
    due_on = GovDateField(_l("Due by"), validators=[Optional()])
    status = SelectField(_l("Status"), widget=GovSelect(), choices=_choices(ACTION_STATUSES), default="open")
    submit = submit_field(_l("Add action"))

    def validate_description(self, field):
        if not field.data:
            raise ValidationError(_("Enter the action"))

    def validate_agenda_item_id(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_("Choose an agenda item from the list"))

    def validate_owner_user_id(self, field):
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_("Choose the owner from the list, or type their name"))


class ActionStatusForm(FlaskForm):
    status = SelectField(_l("Status"), widget=GovSelect(), choices=_choices(ACTION_STATUSES))
    submit = submit_field(_l("Update"))
