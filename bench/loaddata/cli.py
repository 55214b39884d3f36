"""`flask generate-load-data`: benchmark data at the issues' sizes (make bench, tests/bench).
app/cli.py registers it when bench/ is present (a deployment may leave bench/ out)."""

from __future__ import annotations

import click
from sqlalchemy import text

from app.extensions import db
from bench.loaddata.actionplan import generate_actions
from bench.loaddata.events import generate_events
from bench.loaddata.groups import generate_groups
from bench.loaddata.mailing import generate_subscribers
from bench.loaddata.toolkits import generate_toolkit_responses

SIZE = click.IntRange(0, 1_000_000)


@click.command("generate-load-data")
@click.option("--groups", "groups", type=SIZE, default=0, help="Approved groups to create.")
@click.option("--subscribers", type=SIZE, default=0, help="Confirmed mailing-list subscribers (all topics).")
@click.option("--events", type=SIZE, default=0, help="Published upcoming events open to anyone.")
@click.option("--registrations", type=SIZE, default=0, help="Confirmed registrations for each new event.")
@click.option("--actions", type=SIZE, default=0, help="Actions in a new published action plan.")
@click.option(
    "--toolkit-responses",
    "toolkit_responses",
    type=SIZE,
    default=0,
    help="A new 40-question toolkit with this many organisations' full responses (creates groups if needed).",
)
@click.option(
    "--toolkit-questions",
    "toolkit_questions",
    type=click.IntRange(10, 200),
    default=40,
    show_default=True,
    help="Questions in the generated toolkit (every type, all answered).",
)
@click.option("--seed", type=int, default=1, show_default=True)
def generate_load_data_command(
    groups: int,
    subscribers: int,
    events: int,
    registrations: int,
    actions: int,
    toolkit_responses: int,
    toolkit_questions: int,
    seed: int,
) -> None:
    """Create realistic data for benchmarks (bulk inserts; adds to what is there)."""
    if registrations and not events:
        raise click.UsageError("--registrations is per event: give --events too.")
    made = []
    if groups:
        generate_groups(groups, seed=seed)
        made.append(f"{groups} groups")
    if subscribers:
        generate_subscribers(subscribers, seed=seed)
        made.append(f"{subscribers} subscribers")
    if events:
        generate_events(events, registrations, seed=seed)
        made.append(f"{events} events with {registrations} registrations each")
    if actions:
        generate_actions(actions, seed=seed)
        made.append(f"{actions} action-plan actions")
    if toolkit_responses:
        toolkit = generate_toolkit_responses(toolkit_responses, toolkit_questions, seed=seed)
        made.append(f"toolkit {toolkit.slug} with {toolkit_questions} questions and {toolkit_responses} responses")
    db.session.commit()
    if made:
        # Fresh planner statistics, as autovacuum (PostgreSQL) would gather within a minute of a bulk
        # load: without them PostgreSQL picked nested loops that made the first toolkit results
        # request after loading take seconds (docs/decisions.md, issue 6).
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    click.echo(("Created " + ", ".join(made) + ".") if made else "Nothing to create: give a size, e.g. --groups 100.")
