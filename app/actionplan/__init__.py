"""Partnership action plans (issue 7): plans, themes, numbered actions, progress updates,
board reports, spreadsheet import and export. `flask action-plans import` lives in cli.py."""

from flask import Blueprint

bp = Blueprint("actionplan", __name__, cli_group="action-plans")

from app.actionplan import bulletin_source, cli, routes, staff_routes  # noqa: E402,F401
