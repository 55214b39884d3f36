"""Roles, the one permission helper, safe redirects, HTML sanitising and security headers.

Every view declares who may use it with one of the decorators below. The declaration is
stored on the view as `view.access` so the route-access test can walk `app.url_map` and
prove each route's rule; a view with no declaration is refused at run time (deny by default).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from urllib.parse import urlsplit

import nh3
from flask import Request, abort, current_app, has_app_context, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from app.i18n import _l

ROLES = ("member", "staff", "admin")
ROLE_LABELS = {"member": _l("Member"), "staff": _l("Staff"), "admin": _l("Administrator")}
_RANK = {"member": 1, "staff": 2, "admin": 3}

# Access levels, from most open to most closed.
PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # any active account
STAFF = "staff"
ADMIN = "admin"
ACCESS_LEVELS = (PUBLIC, SIGNED_IN, STAFF, ADMIN)


def has_role(user, role: str) -> bool:
    """True when `user` holds `role` or a higher one (admin > staff > member)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and _RANK.get(getattr(user, "role", ""), 0) >= _RANK[role]
    )


def _declare(level: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if level != PUBLIC:
                if not current_user.is_authenticated:
                    if request.method == "GET":
                        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                    abort(401)
                if level == STAFF and not has_role(current_user, "staff"):
                    abort(403)
                if level == ADMIN and not has_role(current_user, "admin"):
                    abort(403)
            return view(*args, **kwargs)

        wrapped.access = level
        return wrapped

    return decorator


public = _declare(PUBLIC)
signed_in_required = _declare(SIGNED_IN)
staff_required = _declare(STAFF)
admin_required = _declare(ADMIN)


def access_of(view: Callable | None) -> str | None:
    return getattr(view, "access", None)


def enforce_declared_access() -> None:
    """before_request hook: refuse any endpoint whose view declares no access level."""
    if request.endpoint is None or request.endpoint == "static":
        return
    view = current_app.view_functions.get(request.endpoint)
    if access_of(view) is None:
        current_app.logger.error("route %s declares no access level; refused", request.endpoint)
        abort(403)


# --- hostile input ---------------------------------------------------------------------

# Ids in URLs are database integers: anything larger is no page of ours (and PostgreSQL would
# refuse to compare it with an integer column rather than find nothing).
MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """The `int` URL converter, capped at the largest id a row can have: a bigger number is a 404."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class HostileInput(BadRequest):
    """A request no person's browser sends (a NUL byte, say): refused with a plain message."""

    plain_message = _l(
        "The web address or form contained a character that cannot be used (a null character). "
        "Go back, check what you typed or pasted, and try again."
    )


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values)


class PortalRequest(Request):
    """Flask's request with one more bound: a body that is not a multipart upload (a URL-encoded form,
    JSON) may be at most MAX_FORM_MEMORY_SIZE, the bound Werkzeug already applies to each field of a
    multipart form. Werkzeug reads a URL-encoded body whole, so without this a 15 MB field was parsed
    and echoed back on the form's error page. A property, not a hook: the CSRF check reads the form
    before any hook of ours could run."""

    @property
    def max_content_length(self) -> int | None:
        limit = super().max_content_length
        if self.mimetype == "multipart/form-data" or not has_app_context():
            return limit
        form_limit = current_app.config["MAX_FORM_MEMORY_SIZE"]
        return form_limit if limit is None else min(limit, form_limit)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def refuse_hostile_input() -> None:
    """before_request hook: refuse NUL bytes, which no form sends and which PostgreSQL cannot store
    (a DataError, so a 500, in any query that used them)."""
    if "\x00" in request.path:
        abort(404)
    if _has_nul(request.args) or (request.method not in ("GET", "HEAD") and _has_nul(request.form)):
        raise HostileInput()


# --- redirects -----------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_next(target: str | None, default: str = "/") -> str:
    """Return `target` only when it is a same-site path, else `default`.

    Browsers treat backslashes as slashes and ignore tabs/newlines inside URLs, so
    `/\\evil.example` and `/\\t/evil.example` are both off-site: reject anything odd.
    """
    if not target:
        return default
    if _CONTROL.search(target) or "\\" in target:
        return default
    target = target.strip()
    if not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


# --- rich text -------------------------------------------------------------------------

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "h2", "h3", "h4",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}}


def sanitize_html(html: str | None) -> str:
    """Sanitise user rich text once, on input; the stored result is safe to render."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


# --- headers -------------------------------------------------------------------------

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


def set_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
