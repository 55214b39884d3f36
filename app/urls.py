"""Absolute URLs for e-mails and feeds, in a request or outside one (the mail worker, the CLI).

Outside a request Flask builds the address from SERVER_NAME and PREFERRED_URL_SCHEME (production
must set SERVER_NAME; without it links point at http://localhost/).
"""

from __future__ import annotations

import contextlib

from flask import current_app, has_request_context, request, url_for


def link_context():
    """A context in which `url_for(..., _external=True)` works: the current request if there is one."""
    if has_request_context():
        return contextlib.nullcontext()
    return current_app.test_request_context("/")


def external_url(endpoint: str, **values) -> str:
    with link_context():
        return url_for(endpoint, _external=True, **values)


def configured_root() -> str:
    """The site's root URL, from SERVER_NAME and PREFERRED_URL_SCHEME when SERVER_NAME is set, so a
    stored link is HTTPS even if a proxy forgets X-Forwarded-Proto and never follows a Host header."""
    if current_app.config.get("SERVER_NAME"):
        with current_app.test_request_context("/"):
            return request.url_root
    with link_context():
        return request.url_root
