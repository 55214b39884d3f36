"""`flask groups seed-taxonomy`."""

from __future__ import annotations

import os

import click
from flask import current_app
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


hsds_cli = AppGroup("hsds", help="The Open Referral UK feed (/api/hsds/).")


@hsds_cli.command("check")
@click.option("--every-page", is_flag=True, help="Check every page of every list, not only first, middle and last.")
def hsds_check_command(every_page: bool) -> None:
    """Walk the feed as the ORUK validator does and print pass / warn / fail (exit 1 on a fail)."""
    from app.groups.hsds_check import run_check

    report = run_check(current_app._get_current_object(), every_page=every_page)
    colours = {"pass": "green", "warn": "yellow", "fail": "red"}
    for status, message in report.lines:
        click.echo(f"{click.style(status.upper(), fg=colours[status])}  {message}")
    click.echo(f"{report.count('pass')} passed, {report.count('warn')} warnings, {report.count('fail')} failed")
    if not report.passed:
        raise SystemExit(1)


postcodes_cli = AppGroup("postcodes", help="The offline postcode-centroid table (for 'near a postcode').")


@postcodes_cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def postcodes_load_command(file: str) -> None:
    """Replace the postcode table with FILE: the ONS Postcode Directory CSV (pcds, lat, long) or
    Code-Point Open CSV. All or nothing: a bad line changes nothing."""
    from app.groups.locations import PostcodeFileError, load_centroids

    size = os.path.getsize(file)
    with (
        open(file, encoding="utf-8-sig", newline="") as handle,
        click.progressbar(length=size, label="Loading postcodes", show_pos=False) as bar,
    ):

        def progress(rows: int) -> None:
            bar.update(handle.buffer.tell() - bar.pos)

        try:
            result = load_centroids(handle, progress=progress)
        except PostcodeFileError as problem:
            db.session.rollback()
            raise click.ClickException(f"{problem} Nothing was loaded.") from problem
        except UnicodeDecodeError as problem:
            db.session.rollback()
            raise click.ClickException("The file is not UTF-8 text. Nothing was loaded.") from problem
    db.session.commit()
    click.echo(
        f"Loaded {result.loaded:,} postcodes ({result.layout}); {result.skipped:,} without a location skipped. "
        f"{result.placed:,} venues placed."
    )
