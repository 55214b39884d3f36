"""Management commands: `flask create-admin`, `flask seed-demo` (and `flask generate-load-data` from bench/)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from app import feature_modules
from app.auth import services as accounts
from app.auth.demo import DEMO_USERS
from app.auth.models import User
from app.auth.passwords import password_problem
from app.extensions import db


def demo_seeders() -> list:
    """Each feature's demo.py `seed_demo`, in FEATURES order (accounts, then the groups that events and
    toolkits name)."""
    return [module.seed_demo for module in feature_modules("demo")]


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
    for seeder in demo_seeders():
        seeder()
    db.session.commit()
    click.echo("Demo data loaded.")
    print_demo_logins()


def register_cli(app: Flask) -> None:
    from app.captured_mail import captured_mail_command

    app.cli.add_command(captured_mail_command)
    from app.groups.cli import groups_cli, hsds_cli, postcodes_cli

    app.cli.add_command(create_admin_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(groups_cli)
    app.cli.add_command(hsds_cli)
    app.cli.add_command(postcodes_cli)
    from app.mail.cli import mail_cli  # issue 19: flask mail bounces FILE

    app.cli.add_command(mail_cli)
    try:  # benchmark data generators; a deployment may leave bench/ out
        from bench.loaddata.cli import generate_load_data_command
    except ModuleNotFoundError as missing:
        if missing.name != "bench":
            raise
    else:
        app.cli.add_command(generate_load_data_command)
