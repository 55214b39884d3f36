"""Account forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovSelect
from wtforms import PasswordField, RadioField, SelectField
from wtforms.validators import EqualTo, InputRequired

from app.auth.passwords import StrongPassword
from app.forms import email_field, name_field, submit_field
from app.security import ROLE_LABELS, ROLES


def new_password_fields():
    password = PasswordField(
        "Create a password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a password"), StrongPassword()],
    )
    confirm = PasswordField(
        "Confirm password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Confirm your password"),
            EqualTo("password", message="Passwords do not match. Enter the same password twice"),
        ],
    )
    return password, confirm


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your password")]
    )
    submit = submit_field("Sign in")


class RegisterForm(FlaskForm):
    name = name_field()
    email = email_field()
    password, confirm = new_password_fields()
    submit = submit_field("Create account")


class ResetRequestForm(FlaskForm):
    email = email_field()
    submit = submit_field("Send reset link")


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()
    submit = submit_field("Save new password")


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        "Current password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your current password")]
    )
    password, confirm = new_password_fields()
    submit = submit_field("Change password")


class ChangeNameForm(FlaskForm):
    name = name_field()
    submit = submit_field("Save name")


class AcceptInvitationForm(FlaskForm):
    name = name_field()
    password, confirm = new_password_fields()
    submit = submit_field("Create account")


class InviteForm(FlaskForm):
    name = name_field("Their full name", "Enter their full name")
    email = email_field("Their email address", "Enter their email address")
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[(r, ROLE_LABELS[r]) for r in ("staff", "admin")],
        default="staff",
        validators=[InputRequired(message="Choose a role")],
    )
    submit = submit_field("Send invitation")


class RoleForm(FlaskForm):
    role = SelectField(
        "Role",
        widget=GovSelect(),
        choices=[(r, ROLE_LABELS[r]) for r in ROLES],
        validators=[InputRequired(message="Choose a role")],
    )
    submit = submit_field("Change role")


class ChangeEmailForm(FlaskForm):
    """A new address, confirmed by a link sent to it (issue 19)."""

    email = email_field("New email address", "Enter your new email address")
    current = PasswordField("Your password", widget=GovPasswordInput(),
                            validators=[InputRequired(message="Enter your password")])  # fmt: skip
    submit = submit_field("Send a confirmation link")


class DeleteAccountForm(FlaskForm):
    current = PasswordField(
        "Your password", widget=GovPasswordInput(), validators=[InputRequired(message="Enter your password")]
    )
    submit = submit_field("Delete my account")
