"""Capture mode (MAIL_SERVER unset): messages are kept as "captured" instead of sent, readable on
the staff Sent mail page; that is how `make run` lets a newcomer follow e-mailed links."""

from __future__ import annotations

from collections.abc import Callable

from app.mail.campaigns import Rendered
from app.mail.marks import Outcomes
from app.mail.models import OutboxMessage


class CaptureTransport:
    delivery = "captured"

    def open(self) -> None:
        pass

    def sent_marks(self) -> None:
        return None  # a captured row keeps its body, so its mark commits with the session

    def send(
        self, row: OutboxMessage, rendered: Rendered | None, outcomes: Outcomes, prepare_next: Callable[[], None]
    ) -> None:
        if rendered is not None:  # keep the body so staff can read what was "sent"
            row.body_text, row.body_html = rendered.text, rendered.html
            row.headers = {**(row.headers or {}), **rendered.headers}
            if rendered.subject:
                row.subject = rendered.subject

    def close(self) -> None:
        pass
