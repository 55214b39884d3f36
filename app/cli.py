"""Management commands: `flask create-admin`, `flask seed-demo`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app.auth import services as accounts
from app.auth.models import User, find_user_by_email
from app.auth.passwords import password_problem
from app.extensions import db

# Demo accounts for `make run`. Printed on start; never created outside seed-demo.
DEMO_USERS = [
    ("admin@example.org", "Ayesha Rahman", "admin", "demo-admin-river-pencil"),
    ("staff@example.org", "Kwame Mensah", "staff", "demo-staff-marble-kettle"),
    ("member@example.org", "Nasreen Begum", "member", "demo-member-lantern-field"),
    ("member2@example.org", "Tunde Adeyemi", "member", "demo-member-harbour-cloud"),
]


def demo_seeders() -> list:
    """Each feature's demo data, in dependency order (groups before the events that name them).
    Imported here, not at module level, so the CLI module loads no feature code it does not run."""
    from app.actionplan.demo import seed_action_plan_demo
    from app.events.demo import seed_events
    from app.groups.cli import seed_demo_groups
    from app.mailing.demo import seed_mailing_demo
    from app.main.demo import seed_home_demo
    from app.toolkits.demo import seed_toolkits_demo

    return [
        seed_demo_groups,
        seed_events,
        seed_action_plan_demo,
        seed_mailing_demo,
        seed_toolkits_demo,
        seed_home_demo,
    ]


def seed_demo_users() -> list[tuple[str, str, str]]:
    created = []
    for email, name, role, password in DEMO_USERS:
        if find_user_by_email(email) is None:
            accounts.create_user(email=email, name=name, password=password, role=role, confirmed=True)
            created.append((email, role, password))
    return created


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", show_default=True, help="The person's full name.")
@click.password_option(help="Their password (asked for when not given).")
@with_appcontext
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create an administrator account, or make an existing account an administrator."""
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise click.BadParameter(problem, param_hint="password")
    user, created = accounts.ensure_admin(email, name, password)
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} administrator {user.email}")


def print_demo_logins() -> None:
    click.echo("Demo sign-ins (http://127.0.0.1:5000/login):")
    for email, _name, role, password in DEMO_USERS:
        click.echo(f"  {role:<7} {email:<22} password: {password}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only load demo data into a database with no accounts.")
@click.option("--logins-only", is_flag=True, help="Only print the demo sign-ins.")
@with_appcontext
def seed_demo_command(if_empty: bool, logins_only: bool) -> None:
    """Load demo data (safe to run again: it only adds what is missing)."""
    if logins_only:
        print_demo_logins()
        return
    if if_empty and db.session.scalar(select(func.count()).select_from(User)):
        click.echo("The database already has accounts: demo data not loaded.")
        return
    seed_demo_users()
    for seeder in demo_seeders():
        seeder()
    db.session.commit()
    click.echo("Demo data loaded.")
    print_demo_logins()


def register_cli(app: Flask) -> None:
    from app.captured_mail import captured_mail_command

    app.cli.add_command(captured_mail_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(seed_demo_command)
    from app.groups.cli import generate_load_data_command, groups_cli

    app.cli.add_command(groups_cli)
    app.cli.add_command(generate_load_data_command)
