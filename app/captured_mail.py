"""`flask captured-mail`: read captured e-mails, sign-in links included, on a developer's terminal.

Where no mail server is set up, e-mails are kept in the outbox instead of sent. Staff read them on
the Sent mail page with every credential link removed (app/staff/redaction.py); a developer who
needs to follow a confirmation or reset link reads it here instead, with access to the server's
shell and database, which already allow everything. Production refuses: there even captured mail
keeps its credentials to itself.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage


@click.command("captured-mail")
@click.option("--to", "to_addr", help="Only messages to this address.")
@click.option("--last", default=5, show_default=True, help="How many of the newest messages to print.")
@with_appcontext
def captured_mail_command(to_addr: str | None, last: int) -> None:
    """Print the newest captured e-mails in full (development only)."""
    if current_app.config.get("ENV_NAME") == "production":
        raise click.UsageError("captured-mail is for development only: production never shows sign-in links.")
    query = select(OutboxMessage).where(OutboxMessage.delivery == "captured").order_by(OutboxMessage.id.desc())
    if to_addr:
        query = query.where(OutboxMessage.to_addr == to_addr.strip().lower())
    messages = db.session.scalars(query.limit(last)).all()
    if not messages:
        click.echo("No captured e-mails yet (the worker captures queued mail within a few seconds).")
    for message in messages:
        click.echo(f"--- {message.created_at:%Y-%m-%d %H:%M} to {message.to_addr}: {message.subject}")
        click.echo(message.body_text)
