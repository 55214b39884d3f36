"""`flask groups seed-taxonomy` and `flask generate-load-data --groups N`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db
from app.groups.seed import generate_groups, seed_demo_groups, seed_taxonomy

groups_cli = AppGroup("groups", help="Community-group directory commands.")


@groups_cli.command("seed-taxonomy")
def seed_taxonomy_command() -> None:
    """Add the default themes, communities, languages, areas and service types (idempotent)."""
    added = seed_taxonomy()
    db.session.commit()
    click.echo(f"{added} tags added.")


@click.command("generate-load-data")
@click.option("--groups", "groups", type=click.IntRange(0, 1_000_000), default=0, help="Approved groups to create.")
@click.option(
    "--toolkit-responses",
    "toolkit_responses",
    type=click.IntRange(0, 1_000_000),
    default=0,
    help="Organisations' submitted responses to the mental-health toolkit (creates groups if needed).",
)
@click.option("--seed", type=int, default=1, show_default=True)
def generate_load_data_command(groups: int, toolkit_responses: int, seed: int) -> None:
    """Create realistic data for benchmarks."""
    if groups:
        generate_groups(groups, seed=seed)
        db.session.commit()
        click.echo(f"{groups} groups created.")
    if toolkit_responses:
        from app.toolkits.demo import generate_responses

        made = generate_responses(toolkit_responses, seed=seed)
        db.session.commit()
        click.echo(f"{made} toolkit responses created.")


__all__ = ["generate_load_data_command", "groups_cli", "seed_demo_groups"]
