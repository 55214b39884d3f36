"""Shared form pieces: validators and fields every feature reuses."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

EMAIL_FORMAT_MESSAGE = "Enter an email address in the correct format, like name@example.com"


class EmailAddress:
    """Syntax check only (no DNS lookups: they are slow and fail offline)."""

    def __init__(self, message: str = EMAIL_FORMAT_MESSAGE) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        value = (field.data or "").strip()
        if not value:
            return
        if len(value) > 254:
            raise ValidationError("Email address must be 254 characters or fewer")
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
            raise ValidationError(f"{self.label} must not contain line breaks or control characters")


def strip_filter(value):
    """Trim spaces, and drop NUL characters: nobody types one, and PostgreSQL cannot store text with it."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def submit_field(label: str) -> SubmitField:
    return SubmitField(label, widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A form with only a button: for POST-only actions that need CSRF protection."""

    submit = submit_field("Confirm")
