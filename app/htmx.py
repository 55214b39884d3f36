"""HTMX helpers (DESIGN §5): the one place that reads or writes HTMX headers."""

from __future__ import annotations

import json

from flask import Response, make_response, redirect, render_template, request
from wtforms import Form


def is_partial() -> bool:
    """True for an HTMX request that wants a fragment.

    Boosted requests and history restores need the whole page, so they are not partial.
    """
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def hx_redirect(location: str) -> Response:
    """Send the browser to `location`: HX-Redirect for HTMX, a 303 for a plain form."""
    if is_partial():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)


def hx_trigger(response: Response, event: str, detail: object | None = None) -> Response:
    """Add an HX-Trigger event (for example to update a live region) to a response."""
    existing = response.headers.get("HX-Trigger")
    events = json.loads(existing) if existing else {}
    events[event] = detail if detail is not None else True
    response.headers["HX-Trigger"] = json.dumps(events)
    return response


def vary_on_htmx(response: Response) -> Response:
    """One URL that serves a page and a fragment must say so to caches."""
    response.vary.add("HX-Request")
    return response


def hx_push_url(response: Response, url: str) -> Response:
    """Have HTMX put `url` in the address bar (for a fragment that stands for a new page state)."""
    response.headers["HX-Push-Url"] = url
    return response


def render(page: str, fragment: str, **context) -> Response:
    """The whole page, or for an HTMX request just the fragment that it swaps in.

    A fragment whose form has errors is sent as 422 so htmx-config swaps it in as an error
    response; the whole page stays 200 (a browser without JavaScript shows it as it is).
    """
    partial = is_partial()
    response = make_response(render_template(fragment if partial else page, **context))
    if partial and any(isinstance(value, Form) and value.errors for value in context.values()):
        response.status_code = 422
    return vary_on_htmx(response)
