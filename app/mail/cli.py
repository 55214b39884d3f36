"""`flask mail bounces FILE…` (saved bounce or complaint messages) and `flask mail poll-bounces`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.mail.bounces import process_message
from app.mail.mailbox import poll_mailbox

mail_cli = AppGroup("mail", help="Bounces and complaints.")


@mail_cli.command("bounces")
@click.argument("files", nargs=-1, required=True, type=click.File("rb"))
def bounces_command(files) -> None:
    """Read saved bounce (RFC 3464) or complaint (ARF) messages and suppress the addresses."""
    for file in files:
        found = process_message(file.read())
        db.session.commit()
        if not found:
            click.echo(f"{file.name}: no bounce or complaint found")
        for bounce in found:
            what = "complaint" if bounce.kind == "complaint" else f"{bounce.kind} bounce"
            click.echo(f"{file.name}: {what} for {bounce.to_addr}")


@mail_cli.command("poll-bounces")
def poll_command() -> None:
    """Read and empty the bounce mailbox (BOUNCE_MAILBOX_URL) once."""
    click.echo(f"{poll_mailbox()} messages read from the bounce mailbox")
