"""Rate limits that hold in production: one place for every limit, its key and the proxy rule.

Behind a reverse proxy every request reaches the app from the proxy's address, so without
ProxyFix all visitors shared one bucket: twelve people signing in at once were refused. With
TRUSTED_PROXIES = the number of proxies in front of the app, Werkzeug's ProxyFix takes the client
address those proxies appended to X-Forwarded-For (and only theirs: a value a client made up sits
further left and is ignored), and every limit is keyed on it.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import time

from flask import Flask, current_app, request
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import limiter
from app.i18n import _, ngettext

log = logging.getLogger(__name__)


def login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def signup_limit() -> str:
    return current_app.config["RATELIMIT_SIGNUP"]


def event_registration_limit() -> str:
    """Per client address and event: sized so a room on one Wi-Fi can fill an event in minutes."""
    return current_app.config["RATELIMIT_EVENT_REGISTRATION"]


def event_registration_total_limit() -> str:
    """Per event, whoever sends it: a ceiling on scripted sign-ups (each one sends an e-mail)."""
    return current_app.config["RATELIMIT_EVENT_REGISTRATION_PER_EVENT"]


def listing_report_limit() -> str:
    """Reports of a problem with a directory listing, per client address (no account needed)."""
    return current_app.config.get("RATELIMIT_LISTING_REPORT", "5 per hour;20 per day")


def client_and_event() -> str:
    return f"{get_remote_address()}|event:{(request.view_args or {}).get('slug', '')}"


def event_only() -> str:
    return f"event:{(request.view_args or {}).get('slug', '')}"


def limit_event_registration(view):
    """Event registration's own limits (not the site-wide sign-up limit): per client and event, and per event."""
    view = limiter.limit(event_registration_limit, key_func=client_and_event, methods=["POST"])(view)
    return limiter.limit(event_registration_total_limit, key_func=event_only, methods=["POST"])(view)


def retry_after_seconds() -> int | None:
    """Seconds until the limits this request broke reset (for the 429 page and its Retry-After). Limits
    are checked shortest window first and checking stops at the first one broken, so when the minute's
    and the hour's are both used up the minute's wait is said, and the next try says the hour's."""
    broken = [limit for limit in limiter.current_limits if limit.breached]
    if not broken:
        return None
    return max(1, math.ceil(max(limit.reset_at for limit in broken) - time.time()))


def failed_sign_in(response) -> bool:
    """Only a refused sign-in counts towards the limit: a successful one redirects (303)."""
    return response.status_code != 303


def too_many_attempts(seconds: int | None) -> str:
    """The 429 page's message: one whole sentence per case, so each language can word it its own way."""
    if seconds is None:
        return _("You have tried too many times in a short time. Wait a few minutes, then try again.")
    if seconds < 50:
        return ngettext(
            "You have tried too many times in a short time. Wait %(num)s second, then try again.",
            "You have tried too many times in a short time. Wait %(num)s seconds, then try again.",
            seconds,
        )
    minutes = max(1, round(seconds / 60))
    return ngettext(
        "You have tried too many times in a short time. Wait %(num)s minute, then try again.",
        "You have tried too many times in a short time. Wait %(num)s minutes, then try again.",
        minutes,
    )


def trust_proxies(app: Flask) -> None:
    """Apply ProxyFix for TRUSTED_PROXIES hops, and say at start when limits are per process."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
    if app.config.get("ENV_NAME") == "production" and not app.config.get("REDIS_URL"):
        workers = _worker_count()
        many = f" and {workers} workers are configured" if workers and workers > 1 else ""
        app.logger.warning(
            "REDIS_URL is not set%s: rate limits are counted in each process's memory, so with more than one "
            "worker each one has its own count and the limits are multiplied. Set REDIS_URL in production.",
            many,
        )


def _worker_count() -> int | None:
    """gunicorn's worker count where the command line or WEB_CONCURRENCY says it."""
    if os.environ.get("WEB_CONCURRENCY", "").isdigit():
        return int(os.environ["WEB_CONCURRENCY"])
    argv = sys.argv
    for index, arg in enumerate(argv):
        if arg in ("-w", "--workers") and index + 1 < len(argv) and argv[index + 1].isdigit():
            return int(argv[index + 1])
        if arg.startswith("--workers=") and arg.split("=", 1)[1].isdigit():
            return int(arg.split("=", 1)[1])
    return None
