"""Plain-text e-mails: an inline condition at the end of a line must not swallow the line break
(the app's Jinja has trim_blocks on, so such tags end with `+%}`)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace as NS

from flask import render_template

STARTS = dt.datetime(2026, 12, 3, 18, 0, tzinfo=dt.UTC)
EVENT = NS(title="Network meeting", slug="network-meeting", starts_at=STARTS, ends_at=STARTS + dt.timedelta(hours=2),
           has_venue=True, venue="Community hall", address="1 High Street\nLondon", has_online=True,
           online_link="https://meet.example.org/x")  # fmt: skip


def _render(app, template: str, **context) -> str:
    with app.test_request_context("/"):
        return render_template(template, **context)


def test_event_emails_keep_the_venue_and_online_lines_apart(app):
    registration = NS(name="Amina", status="confirmed")
    for template in ("email/event_registration.txt", "email/event_reminder.txt"):
        urls = {"cancel_url": "https://portal.example.org/cancel", "event_url": "https://portal.example.org/e"}
        text = _render(app, template, registration=registration, event=EVENT, promoted=False, rank=None, **urls)
        assert "Where: Community hall, 1 High Street London\nJoin online: https://meet.example.org/x" in text, template


def test_toolkit_submitted_email_keeps_its_sentences_on_separate_lines(app):
    toolkit = NS(title="Mapping toolkit", closes_at=STARTS, slug="mapping")
    text = _render(app, "email/toolkit_submitted.txt", user=NS(name="Amina"), toolkit=toolkit,
                   organisation=NS(name="Sunrise Women's Group"), first=True, link="https://portal.example.org/t",
                   sections=[], answers={})  # fmt: skip
    assert "have been submitted.\nYou or a colleague can change them until" in text
