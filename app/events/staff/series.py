"""Staff: quarterly meeting series (create one with its first meetings, see it, add more meetings)."""

from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from app.audit import record
from app.db import child_or_404, utcnow
from app.events import bp, changes
from app.events.forms import SeriesEditForm, SeriesForm, parse_time
from app.events.models import Event, EventSeries
from app.events.series import (
    format_standing,
    generate_series,
    later_meetings,
    parse_standing,
    series_standing,
    spread_standing_item,
    standing_items_for,
)
from app.extensions import db
from app.i18n import _, ngettext
from app.security import sanitize_html, staff_required
from app.text import join_words
from app.times import london_to_utc, to_london


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
        series.standing_items = format_standing(standing_items_for(series.kind))
        db.session.add(series)
        db.session.flush()
        events = generate_series(series, 4)
        record("event_series.created", series, name=series.name, meetings=len(events))
        db.session.commit()
        flash(
            ngettext(
                "%(name)s created with %(num)s meeting.",
                "%(name)s created with %(num)s meetings.",
                len(events),
                name=series.name,
            ),
            "success",
        )
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
    flash(_("4 more meetings added, up to %(title)s.", title=events[-1].title), "success")
    return redirect(url_for("events.staff_series_detail", series_id=series.id), code=303)


def _minutes_between(start: dt.time, end: dt.time) -> int:
    day = dt.date(2000, 1, 1)
    return (dt.datetime.combine(day, end) - dt.datetime.combine(day, start)).seconds // 60


def _series_form(series: EventSeries) -> SeriesEditForm:
    return SeriesEditForm(
        data={
            "start_time": series.start_time.strftime("%H:%M"),
            "end_time": series.end_time.strftime("%H:%M"),
            "attendance_mode": series.attendance_mode,
            "venue": series.venue,
            "address": series.address,
            "online_link": series.online_link,
            "capacity": series.capacity,
            "standing_items": format_standing(series_standing(series)),
            "notify": True,
        }
    )


@bp.route("/staff/events/series/<int:series_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_series_edit(series_id: int):
    series = child_or_404(EventSeries, series_id)
    form = _series_form(series) if request.method == "GET" else SeriesEditForm()
    upcoming = later_meetings(series.id, utcnow())
    if form.validate_on_submit():
        old_titles = {title.lower() for title, _m in series_standing(series)}
        _fill_series(series, form)
        moved, told = _apply_to_meetings(series, upcoming, notify=form.notify.data)
        added = {}
        for title, minutes in parse_standing(series.standing_items or ""):
            if title.lower() not in old_titles:
                added[title] = spread_standing_item(series.id, utcnow(), title, minutes)
        record("event_series.updated", series, meetings_changed=len(moved), told=told, items_added=list(added))
        db.session.commit()
        flash(_series_saved_message(series, moved, told, added), "success")
        return redirect(url_for("events.staff_series_detail", series_id=series.id), code=303)
    return render_template("events/staff/series_edit.html", series=series, form=form, upcoming=upcoming)


def _fill_series(series: EventSeries, form: SeriesEditForm) -> None:
    start, end = parse_time(form.start_time.data), parse_time(form.end_time.data)
    series.start_time, series.duration_minutes = start, _minutes_between(start, end)
    series.attendance_mode = form.attendance_mode.data
    series.venue, series.address = form.venue.data or "", form.address.data or ""
    series.online_link = form.online_link.data or ""
    series.capacity = form.capacity.data
    series.standing_items = format_standing(parse_standing(form.standing_items.data or ""))


def _apply_to_meetings(series: EventSeries, meetings: list[Event], *, notify: bool) -> tuple[list[Event], int]:
    """The series' time, place and places on each meeting not yet held; registrants of a meeting whose
    time or place changed are told (when staff say so). Returns the changed meetings and how many
    people were told."""
    changed, told = [], 0
    for event in meetings:
        before = changes.Snapshot.of(event)
        day = to_london(event.starts_at).date()
        event.starts_at = london_to_utc(day, series.start_time)
        event.ends_at = event.starts_at + dt.timedelta(minutes=series.duration_minutes)
        event.attendance_mode, event.venue, event.address = series.attendance_mode, series.venue, series.address
        event.online_link = series.online_link
        capacity_changed = event.capacity != series.capacity
        event.capacity = series.capacity
        what = changes.what_changed(before, event)
        if what or capacity_changed:
            changed.append(event)
        if what and notify:
            told += changes.tell_registrants(event, what)
    return changed, told


def _series_saved_message(series: EventSeries, moved: list[Event], told: int, added: dict) -> str:
    parts = [_("%(name)s has been saved.", name=series.name)]
    if moved:
        parts.append(
            ngettext("Changed %(num)s meeting not yet held.", "Changed %(num)s meetings not yet held.", len(moved))
        )
    if told:
        parts.append(
            ngettext(
                "%(num)s person has been emailed the change.", "%(num)s people have been emailed the change.", told
            )
        )
    for title, meetings in added.items():
        if meetings:
            where = join_words([m.title for m in meetings], _("and"))
            parts.append(_("“%(title)s” was added to %(meetings)s.", title=title, meetings=where))
        else:
            parts.append(_("“%(title)s” was added to no meetings (none to come).", title=title))
    return " ".join(parts)
