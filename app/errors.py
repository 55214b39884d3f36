"""The in-house error pages (GOV.UK style; JSON under /api/), keeping each error's own headers."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from psycopg import errors as psycopg_errors
from sqlalchemy.exc import DataError, StatementError
from werkzeug.exceptions import HTTPException

from app import extensions as ext
from app.i18n import _l
from app.ratelimits import retry_after_seconds, too_many_attempts

MESSAGES = {
    400: (
        _l("There is a problem with your request"),
        _l("The page could not use what was sent. Go back and try again."),
    ),
    401: (_l("Sign in to continue"), _l("You need to sign in to do that.")),
    403: (_l("You do not have permission to see this page"), _l("If you think you should, contact the network team.")),
    404: (
        _l("Page not found"),
        _l("If you typed the web address, check it is correct. If you pasted it, check you copied the whole address."),
    ),
    405: (_l("There is a problem with your request"), _l("That action cannot be done from this page.")),
    413: (_l("The file or text you sent is too large"), _l("Go back and send something smaller.")),
    429: (
        _l("Too many attempts"),
        _l("You have tried too many times in a short time. Wait a few minutes, then try again."),
    ),
    500: (
        _l("Sorry, there is a problem with the service"),
        _l("Try again later. What you entered has not been saved."),
    ),
}
CSRF_EXPIRED = _l("The form had expired or was not sent from this site. Go back, reload the page and try again.")
OUT_OF_RANGE = _l(
    "A date or number in the web address or form is outside the range the service can use. "
    "Go back, check it and try again."
)
REDIRECTS = (301, 302, 303, 307, 308)


def render_error(code: int, detail: str | None = None, headers: dict | None = None):
    title, body = MESSAGES.get(code, MESSAGES[500])
    if request.path.startswith("/api/"):  # machine readers get JSON, as the API's own errors are
        return jsonify({"error": str(detail or title)}), code, headers or {}
    page = render_template("errors/error.html", code=code, title=title, body=detail or body)
    return page, code, headers or {}


def csrf_error(error: CSRFError):
    return render_error(400, CSRF_EXPIRED)


def http_error(error: HTTPException):
    if error.code in REDIRECTS:
        return error
    # Keep what the error says in its headers (Allow on a 405, Retry-After on a 429), not its body.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    if error.code == 429:
        seconds = retry_after_seconds()
        if seconds:
            headers["Retry-After"] = str(seconds)
        return render_error(429, too_many_attempts(seconds), headers)
    return render_error(error.code or 500, getattr(error, "plain_message", None), headers)


def value_out_of_range(error: Exception):
    """The database refused a value from the request (a date past the calendar's edge, a number too
    big for its column): the request was bad, not the service. Anything else is a real error."""
    cause = getattr(error, "orig", None) or error
    if not isinstance(cause, OverflowError | DataError | psycopg_errors.DataError):
        return unhandled(error)
    ext.db.session.rollback()
    current_app.logger.warning("refused a value out of range on %s %s: %s", request.method, request.path, cause)
    return render_error(400, OUT_OF_RANGE)


def unhandled(error: Exception):
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    ext.db.session.rollback()
    if current_app.testing and current_app.config.get("PROPAGATE_TEST_ERRORS", True):
        raise error
    return render_error(500)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    for kind in (OverflowError, DataError, StatementError):
        app.register_error_handler(kind, value_out_of_range)
    app.register_error_handler(Exception, unhandled)
