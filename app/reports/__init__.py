"""Funder / board report (issue 9): network figures for a chosen period, as a page, CSV and XLSX."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from app.reports import meetings, routes  # noqa: E402,F401
