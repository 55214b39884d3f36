"""Which language a request is answered in (DESIGN §9a): `?lang=`, then the account, then the cookie,
then the browser's Accept-Language, then English.

A `?lang=` link (the header's switcher, or a link in a bulletin) is remembered in a cookie and, for a
signed-in person, in their account, so the next page and the next e-mail follow it."""

from __future__ import annotations

import flask_babel
from flask import Flask, current_app, g, has_request_context, request
from flask.globals import _cv_app
from flask_login import current_user

from app.i18n.languages import LANGUAGES, SOURCE, Language, known, language

COOKIE = "portal_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
_ENVIRON_KEY = "portal.language"
# (the Locale object last asked about, its Language): one tuple, replaced whole, so threads read a pair.
_LAST: list[tuple] = [(None, SOURCE)]


def _account_language() -> str | None:
    user = current_user._get_current_object() if current_user else None
    if user is not None and getattr(user, "is_authenticated", False):
        return known(getattr(user, "language", None))
    return None


def chosen_code() -> str:
    """The code of the language this request is answered in (English outside a request)."""
    if not has_request_context():
        return SOURCE.code
    cached = request.environ.get(_ENVIRON_KEY)
    if cached:
        return cached
    code = (
        known(request.args.get("lang"))
        or _account_language()
        or known(request.cookies.get(COOKIE))
        or request.accept_languages.best_match(list(LANGUAGES), default=SOURCE.code)
    )
    request.environ[_ENVIRON_KEY] = code  # per request (tests and the CLI share one app context's `g`)
    return code


def prefer(code: str | None) -> None:
    """A page reached from a link made for one person (a subscriber's token link) speaks that
    person's language, unless the address says `?lang=` (the switcher). Nothing is remembered: no
    cookie, and a signed-in account's own choice is not changed (issue 22)."""
    code = known(code)
    if code is None or not has_request_context() or known(request.args.get("lang")):
        return
    request.environ[_ENVIRON_KEY] = code
    g.pop("_flask_babel", None)  # a locale Flask-Babel already worked out is worked out again


def locale_selector() -> str:
    """Flask-Babel's selector: the Babel locale of the chosen language."""
    return language(chosen_code()).babel


def current_locale():
    """Flask-Babel's `get_locale()`, read straight from where it keeps the answer once it has one.

    A page asks hundreds of times (every message, every figure); `get_locale()` goes through three
    proxy lookups of `g` each time, which cost more than the message lookup. The answer lives on the app
    context's `g._flask_babel.babel_locale` (where `force_locale` also puts an e-mail's language), so
    once it is there it is read directly; until then (the first call of a request) Flask-Babel chooses."""
    ctx = _cv_app.get(None)
    if ctx is not None:
        state = ctx.g.__dict__.get("_flask_babel")
        if state is not None:
            locale = state.__dict__.get("babel_locale")
            if locale is not None:
                return locale
    return flask_babel.get_locale()


def current_language() -> Language:
    """The language being spoken now: the request's choice, or the one `force_locale` set for an e-mail."""
    locale = current_locale()
    if locale is None:
        return SOURCE
    # A page asks hundreds of times (every message, every figure) for the same Locale object, which
    # Flask-Babel keeps for the request (or for a force_locale block): remember the last answer.
    last_locale, last_language = _LAST[0]
    if locale is last_locale:
        return last_language
    identifier = str(locale)
    found = next((candidate for candidate in LANGUAGES.values() if candidate.babel == identifier), SOURCE)
    _LAST[0] = (locale, found)
    return found


def _remember_choice(response):
    """A `?lang=` choice sticks: the cookie for everyone, the account for a signed-in person."""
    code = known(request.args.get("lang"))
    if code is None or request.method != "GET" or response.status_code >= 400:
        return response
    if request.cookies.get(COOKIE) != code:
        response.set_cookie(
            COOKIE,
            code,
            max_age=COOKIE_MAX_AGE,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
            samesite="Lax",
        )
    user = current_user._get_current_object() if current_user else None
    if user is not None and getattr(user, "is_authenticated", False) and getattr(user, "language", None) != code:
        from app.extensions import db

        user.language = code
        db.session.commit()
    return response


def _vary(response):
    # The same address answers in different languages: caches must key on the cookie and the header.
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        response.headers.setdefault("Content-Language", current_language().tag)
    return response


def _adopt_the_choice_made_before_signing_in(_app, user, **_extra) -> None:
    """A language picked on this device before signing in (the switcher on the sign-in page) is the
    person's latest choice: it becomes their account's, rather than the account's older one winning.
    The sign-in view commits it with the sign-in."""
    code = known(request.cookies.get(COOKIE)) if has_request_context() else None
    if code and getattr(user, "language", None) != code:
        user.language = code
        request.environ[_ENVIRON_KEY] = code


def init_app(app: Flask) -> None:
    from flask_login import user_logged_in

    user_logged_in.connect(_adopt_the_choice_made_before_signing_in, app)

    @app.before_request
    def _fresh_language():
        # Tests and the CLI reuse one app context, so its `g` outlives a request: choose afresh.
        g.pop("_flask_babel", None)

    app.after_request(_remember_choice)
    app.after_request(_vary)
