"""`flask action-plans import FILE --plan NAME [--dry-run]`."""

from __future__ import annotations

from pathlib import Path

import click

from app.actionplan import bp
from app.actionplan.importing.apply import apply_import, plan_by_name, preview_changes
from app.actionplan.importing.plan import ImportOptions, ParsedPlan, parse_file
from app.actionplan.importing.reader import MAX_BYTES
from app.actionplan.models import ActionPlan
from app.audit import record
from app.extensions import db
from app.spreadsheets import ImportRefused


def _echo_checks(parsed: ParsedPlan) -> None:
    for theme, actions in parsed.themes():
        click.echo(f"{theme}: {len(actions)} action{'s' if len(actions) != 1 else ''}")
    for variant, theme in parsed.merges.items():
        click.echo(f"Theme '{variant}' is merged into '{theme}'.")
    for row, message in parsed.warnings:
        click.echo(f"Warning (row {row}): {message}" if row else f"Warning: {message}")
    for row, message in parsed.errors:
        click.echo(f"Error (row {row}): {message}" if row else f"Error: {message}", err=True)


@bp.cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--plan", "plan_name", required=True, help="Title (or slug) of the plan; created when it does not exist.")
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; write nothing.")
def import_command(file: Path, plan_name: str, dry_run: bool) -> None:
    """Import a council action-plan spreadsheet (CSV, TSV or XLSX)."""
    from app.actionplan.services import themes_of, unique_slug

    if file.stat().st_size > MAX_BYTES:
        raise click.ClickException("The file is larger than 10 MB. Files must be 10 MB or smaller.")
    plan = plan_by_name(plan_name)
    known = [t.name for t in themes_of(plan)] if plan is not None else []
    try:
        parsed = parse_file(file.read_bytes(), file.name, ImportOptions(known_themes=known))
    except ImportRefused as exc:
        raise click.ClickException(str(exc)) from exc
    _echo_checks(parsed)
    if parsed.errors:
        raise click.ClickException(f"{len(parsed.errors)} problem(s) must be fixed first; nothing was imported.")
    if dry_run:
        changes = preview_changes(parsed, plan)
        click.echo(
            f"Dry run: {len(parsed.actions)} actions and {parsed.update_count} progress updates read; "
            f"{'plan exists' if plan else 'a new plan would be created'}: {changes.count('new')} new, "
            f"{changes.count('changed')} changed, {changes.count('unchanged')} unchanged, "
            f"{changes.new_updates} progress updates added. Nothing was written."
        )
        return
    if plan is None:
        plan = ActionPlan(title=plan_name, slug=unique_slug(plan_name), status="draft", visibility="public")
    try:
        result = apply_import(parsed, plan)
        record("actionplan.imported", plan, filename=file.name, via="cli", **result.as_dict())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(
        f"Imported into '{plan.title}': {result.actions_added} added, {result.actions_updated} updated, "
        f"{result.actions_unchanged} unchanged, {result.updates_added} progress updates added."
    )
