"""/staff/reports: the funder / board report for a period, and its CSV and XLSX downloads."""

from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for

from app.db import utcnow
from app.reports import bp
from app.reports import figures as f
from app.reports.forms import PeriodForm, quarter_value
from app.reports.periods import period_from_iso, quarter_of_dates
from app.reports.report import build, export_csv, export_xlsx
from app.security import staff_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form_and_period():
    form = PeriodForm(request.args)
    period = form.period()
    if period is not None and not form.custom:
        quarter = quarter_of_dates(period.first_day, period.last_day)
        form.quarter.data = quarter_value(*quarter) if quarter else None
    return form, period


@bp.route("/staff/reports")
@staff_required
def index():
    form, period = _form_and_period()
    report = build(period) if period is not None else None
    params = {}
    if period is not None:
        params = {"from": period.first_day.isoformat(), "to": period.last_day.isoformat()}
    return render_template(
        "reports/report.html", form=form, report=report, params=params, definitions=f.DEFINITIONS, now=utcnow()
    )


def _download(kind: str):
    """Downloads take ?from=YYYY-MM-DD&to=YYYY-MM-DD (the links on the page) or the page's own fields."""
    if "from" in request.args or "to" in request.args:
        period = period_from_iso(request.args.get("from", ""), request.args.get("to", ""))
        if period is None:
            return redirect(url_for("reports.index"), code=303)
    else:
        _form, period = _form_and_period()
        if period is None:
            return redirect(url_for("reports.index", **request.args.to_dict(flat=False)), code=303)
    report = build(period)
    if kind == "csv":
        body, mimetype = export_csv(report), "text/csv; charset=utf-8"
    else:
        body, mimetype = export_xlsx(report), XLSX
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="network-report-{period.slug}.{kind}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/staff/reports.csv")
@staff_required
def download_csv():
    return _download("csv")


@bp.route("/staff/reports.xlsx")
@staff_required
def download_xlsx():
    return _download("xlsx")
