"""The staff form for the home page's welcome text."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea
from wtforms import TextAreaField
from wtforms.validators import Length

from app.forms import strip_filter, submit_field

WELCOME_MAX = 5000


class WelcomeForm(FlaskForm):
    body = TextAreaField(
        "Welcome text",
        widget=GovTextArea(),
        filters=[strip_filter],
        description=(
            "What the network is and who it is for, shown at the top of the home page. Leave a blank line "
            "between paragraphs. Simple HTML (links, bold, lists) is allowed. Leave it empty to show the "
            "standard text."
        ),
        validators=[Length(max=WELCOME_MAX, message=f"Welcome text must be {WELCOME_MAX:,} characters or fewer")],
    )
    submit = submit_field("Save welcome text")
