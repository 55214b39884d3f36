"""Staff: the quarterly events report."""

from __future__ import annotations

from flask import render_template

from app.events import bp, services
from app.security import staff_required


@bp.route("/staff/events/report")
@staff_required
def staff_report():
    return render_template("events/staff/report.html", rows=services.quarterly_report())
