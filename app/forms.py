"""Shared form pieces: the form base, fields and validators every feature reuses."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput, GovTextInput
from markupsafe import Markup
from wtforms import DateField, EmailField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.i18n import _, _l

EMAIL_FORMAT_MESSAGE = _l("Enter an email address in the correct format, like name@example.com")
EMAIL_REQUIRED = _l("Enter your email address")


# --- the form base ---------------------------------------------------------------------


class FieldProblem(Exception):
    """A service's refusal that belongs beside one form field (as flaskbb's StopValidation does):
    the service names the field, the view shows the message there with `Form.populate_errors`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class Form(FlaskForm):
    def populate_errors(self, problem: FieldProblem, field: str | None = None) -> None:
        """Show a service's refusal beside its field, or beside `field` where this form calls it otherwise."""
        target = getattr(self, field or problem.field)
        target.errors = [*target.errors, problem.message]


class ConfirmForm(FlaskForm):
    """A form with only a button: renders the CSRF token for POST-only actions (CSRFProtect checks it)."""

    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())


# --- validators ------------------------------------------------------------------------


class EmailAddress:
    """Syntax check only (no DNS lookups: they are slow and fail offline)."""

    def __init__(self, message: str = EMAIL_FORMAT_MESSAGE) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        value = (field.data or "").strip()
        if not value:
            return
        if len(value) > 254:
            raise ValidationError(_("Email address must be 254 characters or fewer"))
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError as exc:
            raise ValidationError(self.message) from exc


class NoControlCharacters:
    """Refuse NUL, line breaks and other control characters in one-line fields."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __call__(self, form, field) -> None:
        value = field.data or ""
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise ValidationError(_("%(name)s must not contain line breaks or control characters", name=self.label))


def is_web_address(value: str, dotted_host: bool = False) -> bool:
    """An http(s) address with a host and no spaces (never javascript: or data:)."""
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        return False
    parts = urlsplit(value)
    host_ok = "." in (parts.hostname or "") if dotted_host else bool(parts.netloc)
    return parts.scheme in ("http", "https") and host_ok


class PhoneNumber:
    """A UK or international phone number (phonenumbers: "020 7946 0000", "07700 900123", "+44 20 7946 0000",
    "+252 61 234 5678"), kept as typed. Letters or a handful of digits are refused with `message`."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or _l("Enter a phone number, like 020 7946 0000 or +44 20 7946 0000")

    def __call__(self, form, field) -> None:
        value = (field.data or "").strip()
        if not value:
            return
        try:
            number = phonenumbers.parse(value, "GB")
        except phonenumbers.NumberParseException as exc:
            raise ValidationError(self.message) from exc
        if any(ch.isalpha() for ch in value) or not phonenumbers.is_possible_number(number):
            raise ValidationError(self.message)


class WebAddress:
    """A link people will follow. `bare=True` (group websites) also takes "www.example.org", stores it
    as https://www.example.org and wants a dotted host name."""

    def __init__(self, message: str, spaces_message: str | None = None, bare: bool = False) -> None:
        self.message = message
        self.spaces_message = spaces_message or message
        self.bare = bare

    def __call__(self, form, field) -> None:
        value = (field.data or "").strip()
        if not value:
            return
        if any(ch.isspace() or ord(ch) < 32 for ch in value):
            raise ValidationError(self.spaces_message)
        if self.bare and "://" not in value:
            value = "https://" + value
        if not is_web_address(value, dotted_host=self.bare):
            raise ValidationError(self.message)
        if self.bare:
            field.data = value


# --- fields ----------------------------------------------------------------------------


def strip_filter(value):
    """Trim spaces, and drop NUL characters: nobody types one, and PostgreSQL cannot store text with it."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def submit_field(label: str) -> SubmitField:
    return SubmitField(label, widget=GovSubmitInput())


def text_field(
    label: str, required: str | None = None, max_length: int = 200, name: str | None = None, validators=(), **kwargs
):
    """A one-line text box: trimmed, limited in length, no control characters.

    `required` is the message for an empty (or all-spaces) box; `name` is what messages call the
    field when the label will not do ("Organisation" for "Organisation (optional)"). No Optional():
    it would also skip the form's own validate_<field> check, which some fields rely on when empty.
    """
    name = name or label
    checks = [DataRequired(message=required)] if required else []
    checks += [
        Length(max=max_length, message=_l("%(name)s must be %(max)s characters or fewer", name=name, max=max_length)),
        NoControlCharacters(name),
    ]
    return StringField(
        label, widget=GovTextInput(), filters=[strip_filter], validators=[*checks, *validators], **kwargs
    )


def name_field(label: str | None = None, required: str | None = None) -> StringField:
    return text_field(label or _l("Full name"), required or _l("Enter your full name"), max_length=120, name=_l("Name"))


def email_field(label: str | None = None, required: str = EMAIL_REQUIRED) -> EmailField:
    return EmailField(
        label or _l("Email address"),
        widget=GovTextInput(),
        filters=[strip_filter],
        validators=[InputRequired(message=required), EmailAddress()],
    )


class GovDateField(DateField):
    """Day, month and year boxes; `message` says what to do when the date is not real."""

    def __init__(self, label, message: str | None = None, **kwargs):
        kwargs.setdefault("widget", GovDateInput())
        kwargs.setdefault("format", "%d %m %Y")
        super().__init__(label, **kwargs)
        self.message = message or _l("Enter a real date, like 14 1 2027")

    def process_formdata(self, valuelist):
        # The widget redraws exactly three boxes from raw_data: a request that posts one value (or four)
        # under the field's name is kept as three, so the page shows the message instead of crashing.
        parts = [str(v) for v in valuelist or []]
        self.raw_data = [*parts, "", "", ""][:3] if parts else None
        if not any(v.strip() for v in parts):
            self.data = None
            return
        try:
            if len(parts) != 3:
                raise ValueError("not a day, a month and a year")
            self.data = dt.datetime.strptime(" ".join(v.strip() for v in parts), "%d %m %Y").date()
        except ValueError as exc:
            self.data = None
            raise ValueError(self.message) from exc


# --- the error summary in the page's order -------------------------------------------------

_SUMMARY_LIST = re.compile(r'(<ul class="govuk-list govuk-error-summary__list">)(.*?)(</ul>)', re.S)
_SUMMARY_ITEM = re.compile(r"<li>.*?</li>", re.S)
_SUMMARY_HREF = re.compile(r'href="#([^"]+)"')


def errors_in_page_order(html: Markup) -> Markup:
    """A page's HTML with each error summary listing its errors in the order their fields appear on the
    page (issue 21 §7). The summary comes from the form class's field order, which a template may not
    follow; base.html passes the rendered page content through this. An error whose field is not found
    keeps its place relative to the others that are not found, after those that are."""
    if not isinstance(html, Markup):
        raise TypeError("errors_in_page_order takes rendered template output (Markup)")

    def position(item: str) -> int:
        href = _SUMMARY_HREF.search(item)
        if href is None:
            return len(html)
        for marker in (f'id="{href.group(1)}"', f'id="{href.group(1)}-'):  # a date's first input: id="date-day"
            found = html.find(marker)
            if found >= 0:
                return found
        return len(html)

    def reorder(match: re.Match) -> str:
        items = _SUMMARY_ITEM.findall(match.group(2))
        return match.group(1) + "\n".join(sorted(items, key=position)) + match.group(3)

    # Safe: the input is rendered, escaped template output, and only whole <li> items of it move.
    return Markup(_SUMMARY_LIST.sub(reorder, str(html)))  # noqa: S704
