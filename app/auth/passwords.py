"""Password rules: at least PASSWORD_MIN_LENGTH characters and not a common password.

The common-password list is Django's (BSD licence; 20,000 passwords from leaked-password
research by Royce Williams), shipped gzipped beside this file and read once.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

from flask import current_app
from wtforms.validators import ValidationError

from app.i18n import _

_LIST = Path(__file__).with_name("common-passwords.txt.gz")


@functools.cache
def common_passwords() -> frozenset[str]:
    with gzip.open(_LIST, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Return a message saying what is wrong with `password`, or None when it is fine."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("Password must be %(minimum)s characters or more", minimum=minimum)
    if len(password) > 128:
        return _("Password must be 128 characters or fewer")
    lowered = password.lower()
    if lowered in common_passwords() or lowered.strip("0123456789!") in common_passwords():
        return _("This password is too common and easy to guess. Try 3 random words, like ‘river pencil marble’")
    local_part = email.split("@")[0].lower()
    if (local_part and len(local_part) >= 4 and local_part in lowered) or (name and lowered == name.lower()):
        return _("Password must not contain your name or email address")
    return None


class StrongPassword:
    """WTForms validator wrapping password_problem().

    The owner's e-mail and name come from `form.owner_email`/`form.owner_name` when the view
    sets them (the account exists already), else from the form's own email/name fields.
    """

    def __call__(self, form, field) -> None:
        email = getattr(form, "owner_email", None) or getattr(getattr(form, "email", None), "data", "") or ""
        name = getattr(form, "owner_name", None) or getattr(getattr(form, "name", None), "data", "") or ""
        problem = password_problem(field.data or "", email=email, name=name)
        if problem:
            raise ValidationError(problem)
