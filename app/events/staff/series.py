"""Staff: quarterly meeting series (create one with its first meetings, see it, add more meetings)."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, url_for
from sqlalchemy import select

from app.audit import record
from app.db import child_or_404
from app.events import bp
from app.events.forms import SeriesForm, parse_time
from app.events.models import Event, EventSeries
from app.events.series import generate_series
from app.extensions import db
from app.security import sanitize_html, staff_required


@bp.route("/staff/events/series/new", methods=["GET", "POST"])
@staff_required
def staff_series_new():
    form = SeriesForm()
    if form.validate_on_submit():
        start, end = parse_time(form.start_time.data), parse_time(form.end_time.data)
        series = EventSeries(
            name=form.name.data,
            kind=form.kind.data,
            description=sanitize_html(form.description.data),
            week_of_month=form.week_of_month.data,
            weekday=form.weekday.data,
            interval_months=form.interval_months.data,
            first_month=form.first_month.data,
            start_time=start,
            duration_minutes=(
                dt.datetime.combine(dt.date.today(), end) - dt.datetime.combine(dt.date.today(), start)
            ).seconds
            // 60,
            attendance_mode=form.attendance_mode.data,
            venue=form.venue.data or "",
            address=form.address.data or "",
            online_link=form.online_link.data or "",
            capacity=form.capacity.data,
        )
        db.session.add(series)
        db.session.flush()
        events = generate_series(series, 4)
        record("event_series.created", series, name=series.name, meetings=len(events))
        db.session.commit()
        flash(f"{series.name} created with {len(events)} meetings.", "success")
        return redirect(url_for("events.staff_series_detail", series_id=series.id), code=303)
    return render_template("events/staff/series_form.html", form=form)


@bp.route("/staff/events/series/<int:series_id>")
@staff_required
def staff_series_detail(series_id: int):
    series = child_or_404(EventSeries, series_id)
    events = db.session.scalars(select(Event).where(Event.series_id == series.id).order_by(Event.starts_at)).all()
    return render_template("events/staff/series.html", series=series, events=events)


@bp.route("/staff/events/series/<int:series_id>/extend", methods=["POST"])
@staff_required
def staff_series_extend(series_id: int):
    series = child_or_404(EventSeries, series_id)
    events = generate_series(series, 4)
    record("event_series.extended", series, meetings=len(events))
    db.session.commit()
    flash(f"4 more meetings added, up to {events[-1].title}.", "success")
    return redirect(url_for("events.staff_series_detail", series_id=series.id), code=303)
