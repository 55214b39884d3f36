"""enqueue(): render an e-mail from templates/email/<name>.txt (+ .html) into an outbox row."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from flask_login import current_user
from jinja2 import TemplateNotFound
from sqlalchemy import func, select

from app.extensions import db
from app.i18n import language
from app.i18n.selection import chosen_code
from app.mail.models import OutboxMessage

_HEADER_BREAKS = str.maketrans({"\r": " ", "\n": " ", "\x00": " "})


def clean_header(value: str) -> str:
    """Header values never contain line breaks, so header injection is impossible."""
    return " ".join(str(value).translate(_HEADER_BREAKS).split())


def recipient_language(to: str, language_code: str | None = None) -> str:
    """The language an e-mail to `to` is written in (issue 22): the one the caller names; else the
    language of the account with that address (English when it has chosen none); else, for someone
    without an account who is acting for themselves (signing up, registering), the language of the page
    they are using; else English. Staff acting for others never send their own page's language."""
    if language_code:
        return language(language_code).code
    from app.auth.models import User  # shared core data (docs/architecture.md); here to keep start-up order

    account = db.session.execute(
        select(User.id, User.language).where(func.lower(User.email) == to.strip().lower())
    ).first()
    if account is not None:
        return language(account.language).code
    if has_request_context():
        user = current_user._get_current_object() if current_user else None
        if user is None or not user.is_authenticated or (user.email or "").lower() == to.strip().lower():
            return chosen_code()
    return "en"


def enqueue(
    template: str,
    *,
    to: str,
    subject: Any,
    kind: str | None = None,
    sensitive: bool = False,
    headers: dict[str, str] | None = None,
    dedupe_key: str | None = None,
    attachments: list[dict[str, str]] | None = None,
    language_code: str | None = None,
    **context: Any,
) -> OutboxMessage:
    """Add an e-mail to the caller's transaction; it is sent only if that transaction commits. It is
    written in the recipient's language (`recipient_language`): a subject given with `_l` is translated
    then too."""
    context.setdefault("service_name", current_app.config["SERVICE_NAME"])
    context.setdefault("organisation_name", current_app.config["ORGANISATION_NAME"])
    written_in = language(recipient_language(to, language_code))
    with force_locale(written_in.babel):
        subject = str(subject)
        context["subject"] = subject
        context["mail_language"] = written_in
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
        headers={
            "Content-Language": written_in.tag,
            **{clean_header(k): clean_header(v) for k, v in (headers or {}).items()},
        },
        sensitive=sensitive,
        dedupe_key=dedupe_key,
        attachments=attachments or None,
    )
    db.session.add(message)
    return message
