"""Staff: the quarterly events report (page and CSV)."""

from __future__ import annotations

import csv
import io

from flask import make_response, render_template

from app.events import bp, services
from app.security import staff_required
from app.spreadsheets import escape_formula

CSV_COLUMNS = [
    ("label", "Quarter"),
    ("events", "Events held"),
    ("registered", "Places taken (registered and guests)"),
    ("participants", "Participants (attended, with guests)"),
    ("people", "Different people"),
    ("organisations", "Organisations represented"),
    ("rate", "Attendance rate (%)"),
]


@bp.route("/staff/events/report")
@staff_required
def staff_report():
    return render_template("events/staff/report.html", rows=services.quarterly_report())


@bp.route("/staff/events/report.csv")
@staff_required
def staff_report_csv():
    """The same figures as the page, one row per quarter (newest first), for funders' spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _key, label in CSV_COLUMNS])
    for row in services.quarterly_report():
        writer.writerow([escape_formula("" if row[key] is None else row[key]) for key, _label in CSV_COLUMNS])
    response = make_response("\ufeff" + out.getvalue())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="events-by-quarter.csv"'
    return response
