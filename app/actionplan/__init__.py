"""Partnership action plans (issue 7): plans, themes, numbered actions, progress updates,
board reports, spreadsheet import and export. `flask action-plans import` lives in cli.py."""

from flask import Blueprint

from app.agenda_reports import register_agenda_report

bp = Blueprint("actionplan", __name__, cli_group="action-plans")

from app.actionplan import bulletin_source, cli, models, routes, services, staff_routes  # noqa: E402,F401

# Each published plan's board report is linked from a meeting agenda's "Action plan progress update".
register_agenda_report(
    "actionplan.report", lambda: services.visible_plans_query().where(models.ActionPlan.status == "published")
)
