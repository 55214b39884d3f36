"""Template globals and filters shared by every page."""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.forms import errors_in_page_order
from app.i18n import _
from app.i18n.formatting import long_date
from app.navigation import account_items, navigation_items
from app.security import has_role
from app.times import clock, clock_range, to_london

# The human date format templates pass (`datetime("%A %-d %B %Y")`): in other languages, their own.
WEEKDAY_DATE = "%A %-d %B %Y"


def datetime_format(value: dt.datetime | None, fmt: str | None = None, *, weekday: bool = False) -> str:
    """'21 November 2026 at 2:05pm' (or 'at 6pm', 'at midday', 'at midnight') in London time, GOV.UK style;
    `weekday` puts the day's name first. `fmt` is a strftime format for machine-read files."""
    if value is None:
        return ""
    london = to_london(value)
    if fmt == WEEKDAY_DATE:
        return long_date(london.date(), weekday=True) or london.strftime(fmt)
    if fmt:
        return london.strftime(fmt)
    day = long_date(london.date(), weekday=weekday) or london.strftime("%A %-d %B %Y" if weekday else "%-d %B %Y")
    return _("%(day)s at %(time)s", day=day, time=clock(value))


def date_format(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = to_london(value).date()
    return long_date(value) or value.strftime("%-d %B %Y")


def csrf_field() -> Markup:
    """The hidden CSRF field, a global so that every template and every fragment rendered on its own
    (an htmx swap) has it without importing it."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(generate_csrf())


def register(app: Flask) -> None:
    app.jinja_env.globals["csrf_field"] = csrf_field
    app.jinja_env.filters["datetime"] = datetime_format
    app.jinja_env.filters["date"] = date_format
    app.jinja_env.filters["clock"] = clock
    app.jinja_env.globals["clock_range"] = clock_range
    app.jinja_env.filters["errors_in_page_order"] = errors_in_page_order

    @app.context_processor
    def _globals():
        return {
            "service_name": current_app.config["SERVICE_NAME"],
            "organisation_name": current_app.config["ORGANISATION_NAME"],
            "contact_email": current_app.config["CONTACT_EMAIL"],
            "navigation_items": navigation_items,
            "account_items": account_items,
            "has_role": has_role,
            "endpoint_exists": lambda endpoint: endpoint in current_app.view_functions,
        }
