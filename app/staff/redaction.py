"""Credentials never reach the staff Sent mail page.

A link whose URL rule takes a signed `token` (account confirmation, password reset, invitations,
joining a group, cancelling a registration, mailing-list preferences) lets whoever holds it act as
the recipient. Staff may see that such a message exists and to whom, never the link itself, in
every mail mode: a staff member who asks for an admin's password reset must not be able to
follow it. Which links are credentials is read from the URL map, so a new token route is
covered without a list to keep up to date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from app.i18n import _l

LINK = re.compile(r"https?://[^\s<>\"']+")
# Shown in the staff reader's language when the page is built; the stored message is never changed.
REDACTED = _l("[private link removed: only the person it was sent to can use it]")
CREDENTIAL_ARGUMENTS = frozenset({"token"})


@dataclass(frozen=True)
class RedactedBody:
    text: str
    links: list[str]  # the links left in the text, safe to show and follow
    removed: int  # how many credential links were taken out


def is_credential_link(url: str) -> bool:
    """True when `url`'s path matches one of the portal's routes that takes a token."""
    parts = urlsplit(url)
    adapter = current_app.url_map.bind(parts.netloc or "localhost", url_scheme=parts.scheme or "http")
    for method in ("GET", "POST"):
        try:
            _endpoint, arguments = adapter.match(parts.path or "/", method=method)
        except RequestRedirect as redirect:
            return is_credential_link(redirect.new_url)
        except HTTPException:
            continue
        return bool(CREDENTIAL_ARGUMENTS & set(arguments))
    # A path the portal does not serve carries no credential of ours; but a token-shaped
    # segment under a prefix we do not know is still treated as private, to fail closed.
    return any(len(segment) > 40 and "." in segment for segment in parts.path.split("/"))


def redact(text: str | None) -> RedactedBody:
    """The message as staff may read it, built when the page is shown (the note in their language)."""
    note = str(REDACTED)
    removed = 0
    kept: list[str] = []

    def replace(match: re.Match) -> str:
        nonlocal removed
        url = match.group(0).rstrip(".,;:)")
        tail = match.group(0)[len(url) :]
        if is_credential_link(url):
            removed += 1
            return note + tail
        kept.append(url)
        return match.group(0)

    redacted = LINK.sub(replace, text or "")
    return RedactedBody(text=redacted, links=kept, removed=removed)
