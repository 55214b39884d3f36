"""enqueue(): render an e-mail from templates/email/<name>.txt (+ .html) into an outbox row."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from jinja2 import TemplateNotFound

from app.extensions import db
from app.mail.models import OutboxMessage

_HEADER_BREAKS = str.maketrans({"\r": " ", "\n": " ", "\x00": " "})


def clean_header(value: str) -> str:
    """Header values never contain line breaks, so header injection is impossible."""
    return " ".join(str(value).translate(_HEADER_BREAKS).split())


def enqueue(
    template: str,
    *,
    to: str,
    subject: str,
    kind: str | None = None,
    sensitive: bool = False,
    headers: dict[str, str] | None = None,
    dedupe_key: str | None = None,
    attachments: list[dict[str, str]] | None = None,
    **context: Any,
) -> OutboxMessage:
    """Add an e-mail to the caller's transaction; it is sent only if that transaction commits."""
    context.setdefault("service_name", current_app.config["SERVICE_NAME"])
    context.setdefault("organisation_name", current_app.config["ORGANISATION_NAME"])
    context["subject"] = subject
    text = render_template(f"email/{template}.txt", **context)
    try:
        html = render_template(f"email/{template}.html", **context)
    except TemplateNotFound:
        html = None
    message = OutboxMessage(
        kind=kind or template,
        to_addr=clean_header(to),
        subject=clean_header(subject),
        body_text=text,
        body_html=html,
        headers={clean_header(k): clean_header(v) for k, v in (headers or {}).items()},
        sensitive=sensitive,
        dedupe_key=dedupe_key,
        attachments=attachments or None,
    )
    db.session.add(message)
    return message
