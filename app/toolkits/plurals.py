"""`ngettext` for the toolkit pages' plural messages.

app.i18n.ngettext (200129a) passes `num` to Flask-Babel both by position and among the variables,
which raises TypeError ("got multiple values for argument 'num'") on every call. Until it is fixed
there, this does the same job: the catalogue's singular or plural for `num` (by the language's plural
rules), with `%(num)s` and the other whole numbers in the reader's digits. When app.i18n.ngettext works,
import that instead and delete this module."""

from __future__ import annotations

from typing import Any

import flask_babel

from app.i18n import _localise


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Singular or plural by `num` (available as `%(num)s`), translated."""
    variables.setdefault("num", num)
    return flask_babel.get_translations().ungettext(singular, plural, num) % _localise(variables)
