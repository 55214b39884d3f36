"""Account forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovSelect
from wtforms import PasswordField, RadioField, SelectField
from wtforms.validators import EqualTo, InputRequired

from app.auth.passwords import StrongPassword
from app.forms import email_field, name_field, submit_field
from app.i18n import _l
from app.security import ROLE_LABELS, ROLES


def new_password_fields():
    password = PasswordField(
        _l("Create a password"),
        widget=GovPasswordInput(),
        validators=[InputRequired(message=_l("Enter a password")), StrongPassword()],
    )
    confirm = PasswordField(
        _l("Confirm password"),
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message=_l("Confirm your password")),
            EqualTo("password", message=_l("Passwords do not match. Enter the same password twice")),
        ],
    )
    return password, confirm


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Password"), widget=GovPasswordInput(), validators=[InputRequired(message=_l("Enter your password"))]
    )
    submit = submit_field(_l("Sign in"))


class RegisterForm(FlaskForm):
    name = name_field()
    email = email_field()
    password, confirm = new_password_fields()
    submit = submit_field(_l("Create account"))


class ResetRequestForm(FlaskForm):
    email = email_field()
    submit = submit_field(_l("Send reset link"))


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()
    submit = submit_field(_l("Save new password"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        widget=GovPasswordInput(),
        validators=[InputRequired(message=_l("Enter your current password"))],
    )
    password, confirm = new_password_fields()
    submit = submit_field(_l("Change password"))


class ChangeNameForm(FlaskForm):
    name = name_field()
    submit = submit_field(_l("Save name"))


class AcceptInvitationForm(FlaskForm):
    name = name_field()
    password, confirm = new_password_fields()
    submit = submit_field(_l("Create account"))


class InviteForm(FlaskForm):
    name = name_field(_l("Their full name"), _l("Enter their full name"))
    email = email_field(_l("Their email address"), _l("Enter their email address"))
    role = RadioField(
        _l("Role"),
        widget=GovRadioInput(),
        choices=[(r, ROLE_LABELS[r]) for r in ("staff", "admin")],
        default="staff",
        validators=[InputRequired(message=_l("Choose a role"))],
    )
    submit = submit_field(_l("Send invitation"))


class RoleForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        widget=GovSelect(),
        choices=[(r, ROLE_LABELS[r]) for r in ROLES],
        validators=[InputRequired(message=_l("Choose a role"))],
    )
    submit = submit_field(_l("Change role"))


class ChangeEmailForm(FlaskForm):
    """A new address, confirmed by a link sent to it (issue 19)."""

    email = email_field(_l("New email address"), _l("Enter your new email address"))
    current = PasswordField(_l("Your password"), widget=GovPasswordInput(),
                            validators=[InputRequired(message=_l("Enter your password"))])  # fmt: skip
    submit = submit_field(_l("Send a confirmation link"))


class DeleteAccountForm(FlaskForm):
    current = PasswordField(
        _l("Your password"), widget=GovPasswordInput(), validators=[InputRequired(message=_l("Enter your password"))]
    )
    submit = submit_field(_l("Delete my account"))
