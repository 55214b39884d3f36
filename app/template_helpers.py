"""Template globals and filters shared by every page."""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app
from flask_wtf.csrf import generate_csrf
from govuk_frontend_wtf import gov_form_base
from govuk_frontend_wtf.main import wtforms_errors
from markupsafe import Markup

from app.forms import errors_in_page_order
from app.i18n import SOURCE, _, _l, current_language
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


# What the macros in templates/_macros say. pybabel skips folders whose names start with "_", so their
# words are marked here as well, for extraction; the macros themselves translate them with _().
MACRO_WORDS = (_l("Back"), _l("Filter"), _l("All"), _l("There is a problem"), _l("page %(number)s", number=2))


def translated_wtforms_errors(form, params: dict | None = None) -> dict:
    """govuk_frontend_wtf's error summary parameters, titled "There is a problem" in the reader's language."""
    return wtforms_errors(form, {"titleText": _("There is a problem"), **(params or {})})


def _gov_words(params: dict, template: str) -> dict:
    """The words GOV.UK's macros write themselves (the hidden "Error:" before a field's message, the
    password box's "Show"/"Hide", the character count's "You can enter up to…", a date's "Day", "Month"
    and "Year"), in the reader's language, for every form field govuk_frontend_wtf draws. A template's
    own values win."""
    if params.get("errorMessage"):
        params["errorMessage"] = {"visuallyHiddenText": _("Error"), **params["errorMessage"]}
    if current_language() is SOURCE:
        return params  # English: GOV.UK's own defaults, the markup unchanged
    if template.endswith("password.html"):
        for key, text in (
            ("showPasswordText", _("Show")),
            ("hidePasswordText", _("Hide")),
            ("showPasswordAriaLabelText", _("Show password")),
            ("hidePasswordAriaLabelText", _("Hide password")),
            ("passwordShownAnnouncementText", _("Your password is visible")),
            ("passwordHiddenAnnouncementText", _("Your password is hidden")),
        ):
            params.setdefault(key, text)
    elif template.endswith("charactercount.html"):
        _character_count_words(params)
    elif template.endswith("date.html"):
        words = {"Day": _("Day"), "Month": _("Month"), "Year": _("Year")}
        for item in params.get("items") or []:
            item["label"] = words.get(item.get("label"), item.get("label"))
    return params


def _character_count_words(params: dict) -> None:
    # GOV.UK Frontend's JavaScript fills in %{count} (one/other forms); the first is also drawn on the server.
    if params.get("maxwords"):
        params.setdefault("textareaDescriptionText", _("You can enter up to %{count} words"))
        params.setdefault(
            "wordsUnderLimitText",
            {"one": _("You have %{count} word remaining"), "other": _("You have %{count} words remaining")},
        )
        params.setdefault("wordsAtLimitText", _("You have 0 words remaining"))
        params.setdefault(
            "wordsOverLimitText",
            {"one": _("You have %{count} word too many"), "other": _("You have %{count} words too many")},
        )
    else:
        params.setdefault("textareaDescriptionText", _("You can enter up to %{count} characters"))
        params.setdefault(
            "charactersUnderLimitText",
            {"one": _("You have %{count} character remaining"), "other": _("You have %{count} characters remaining")},
        )
        params.setdefault("charactersAtLimitText", _("You have 0 characters remaining"))
        params.setdefault(
            "charactersOverLimitText",
            {"one": _("You have %{count} character too many"), "other": _("You have %{count} characters too many")},
        )


def _translate_gov_widgets() -> None:
    """Every govuk_frontend_wtf widget renders through GovFormBase.render: add the translated words there."""
    if getattr(gov_form_base.GovFormBase.render, "translated", False):
        return
    original = gov_form_base.GovFormBase.render

    def render(self, params):
        return original(self, _gov_words(params, self.template))

    render.translated = True
    gov_form_base.GovFormBase.render = render


def register(app: Flask) -> None:
    _translate_gov_widgets()
    app.jinja_env.globals["wtforms_errors"] = translated_wtforms_errors
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
