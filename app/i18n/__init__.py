"""The portal in its members' languages (issue 22, DESIGN §9a).

Code marks text with `_()` (now), `_l()` (module-level text such as form labels, translated when shown)
and `ngettext()`; templates with `{% trans %}` or `_()`. All three interpolate `%(name)s` variables and
write whole-number variables in the reader's digits. The catalogues are `app/translations/<code>/
LC_MESSAGES/messages.po`; `make translations` extracts, updates and compiles them (docs/translating.md).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import flask_babel
from flask import Flask, request
from flask_babel import Babel
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup

from app.i18n import catalogues, selection
from app.i18n.languages import LANGUAGES, SOURCE, TRANSLATED, Language, language  # noqa: F401
from app.i18n.selection import current_language, prefer  # noqa: F401

babel = Babel()


def _localise(variables: dict[str, Any]) -> dict[str, Any]:
    """Whole numbers in the reader's digits (Bengali writes ১২), as English writes them (a year stays
    "২০২৬", a limit "২০০০০"; a count that wants "১,২৩৪" is passed as `number(count)`); text untouched."""
    if not variables:  # most messages have none: no need to know the language
        return variables
    lang = current_language()
    if not lang.digits:
        return variables
    from app.i18n.formatting import figure

    return {
        key: figure(value) if isinstance(value, int) and not isinstance(value, bool) else value
        for key, value in variables.items()
    }


# (the Locale object last asked about, its catalogue): one tuple, replaced whole, so threads read a pair.
_LAST_CATALOGUE: list[tuple] = [(None, None)]


def translations():
    """The catalogue of the language being spoken now. Flask-Babel finds it by the locale's name on
    every call (naming a Locale costs more than the lookup); a page makes hundreds of calls for one
    Locale object (kept for the request, or a force_locale block), so the last answer is remembered."""
    locale = selection.current_locale()
    last_locale, last_catalogue = _LAST_CATALOGUE[0]
    if locale is not None and locale is last_locale:
        return last_catalogue
    catalogue = flask_babel.get_translations()
    if locale is not None:
        _LAST_CATALOGUE[0] = (locale, catalogue)
    return catalogue


def _(string: str, **variables: Any) -> str:
    """The translation of `string`, with `%(name)s` variables filled in."""
    translated = translations().ugettext(string)
    return translated % _localise(variables) if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Singular or plural by `num` (available as `%(num)s`), translated."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % _localise(variables)


class LazyText(LazyString):
    """A lazily translated message that a template shows as it shows its own `_()`: the message is
    markup, its variables are escaped. (Flask-Babel's LazyString hands Jinja the whole interpolated
    string as safe HTML, so a group's name in a lazy subject or label would not be escaped.)"""

    def __html__(self) -> Markup:
        string, variables = self._args[0], self._kwargs
        translated = Markup(translations().ugettext(string))  # noqa: S704 (our own catalogue's message, as Jinja's _())
        return translated % _localise(variables) if variables else translated


def _l(string: str, **variables: Any) -> LazyText:
    """Translated when it is shown, not when the module loads: for form labels and fixed lists."""
    return LazyText(_, string, **variables)


def language_links() -> list[dict[str, Any]]:
    """The header's switcher: this page in each language, each named in itself (works without JavaScript)."""
    chosen = current_language()
    args = request.args.to_dict(flat=False) if request else {}
    path = quote(request.path)  # a path in Bengali script, or with an encoded "?" or "#", stays one path
    links = []
    for lang in LANGUAGES.values():
        args["lang"] = [lang.code]
        query = "&".join(
            f"{quote(key, safe='')}={quote(value, safe='')}" for key, values in args.items() for value in values
        )
        links.append({"language": lang, "href": f"{path}?{query}", "current": lang == chosen})
    return links


def _install_jinja(app: Flask) -> None:
    env = app.jinja_env
    env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks: whitespace folded, as extraction does

    # As Jinja's own "newstyle" gettext (the message is markup in an autoescaped template, its variables
    # are escaped), with the catalogue looked up once per page and numbers in the reader's digits.
    # Positional names no template variable can take (a template may pass `num=` itself).
    @pass_context
    def localised_gettext(_context, _string, **variables):
        translated = translations().ugettext(_string)
        if _context.eval_ctx.autoescape:
            translated = Markup(translated)  # noqa: S704 (our own catalogue's message)
        return translated % _localise(variables)

    @pass_context
    def localised_ngettext(_context, _singular, _plural, _count, **variables):
        variables.setdefault("num", _count)
        translated = translations().ungettext(_singular, _plural, _count)
        if _context.eval_ctx.autoescape:
            translated = Markup(translated)  # noqa: S704 (our own catalogue's message)
        return translated % _localise(variables)

    env.globals.update(gettext=localised_gettext, ngettext=localised_ngettext)
    env.globals["language_links"] = language_links
    env.globals["current_language"] = current_language
    from app.i18n.formatting import number

    @pass_context  # never folded at compile time: the digits depend on the reader's language
    def number_filter(_context, value):
        return number(value)

    env.filters["number"] = number_filter


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", SOURCE.babel)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/London")
    catalogues.ensure_compiled(app)
    babel.init_app(app, locale_selector=selection.locale_selector)
    _install_jinja(app)
    selection.init_app(app)
