"""`flask groups seed-taxonomy`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.groups.seed import seed_taxonomy

groups_cli = AppGroup("groups", help="Community-group directory commands.")


@groups_cli.command("seed-taxonomy")
def seed_taxonomy_command() -> None:
    """Add the default themes, communities, languages, areas and service types (idempotent)."""
    added = seed_taxonomy()
    db.session.commit()
    click.echo(f"{added} tags added.")
