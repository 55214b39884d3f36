"""The staff form for the home page's welcome text."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovTextArea
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length

from app.forms import strip_filter, submit_field
from app.i18n import _l
from app.i18n.formatting import lazy_number

WELCOME_MAX = 5000
WELCOME_MAX_TEXT = lazy_number(WELCOME_MAX)  # "5,000" / "৫,০০০", written when the message is shown


class WelcomeForm(FlaskForm):
    body = TextAreaField(
        _l("Welcome text"),
        widget=GovTextArea(),
        filters=[strip_filter],
        description=_l(
            "What the network is and who it is for, shown at the top of the home page. Leave a blank line "
            "between paragraphs. Simple HTML (links, bold, lists) is allowed. Leave it empty to show the "
            "standard text."
        ),
        validators=[
            Length(
                max=WELCOME_MAX, message=_l("Welcome text must be %(max)s characters or fewer", max=WELCOME_MAX_TEXT)
            )
        ],
    )
    # Asked for only when the box is emptied over published text (issue 21 §7): nothing published is
    # erased by a form sent empty by mistake.
    confirm_empty = BooleanField(
        _l("Yes, remove the welcome text and show the standard text"), widget=GovCheckboxInput()
    )
    submit = submit_field(_l("Save welcome text"))
