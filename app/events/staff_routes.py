"""Staff pages for events under /staff/events: events, series, agenda, registrants, check-in, minutes, report."""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.audit import record
from app.db import utcnow
from app.events import bp, services
from app.events.forms import (
    ActionForm,
    ActionStatusForm,
    AgendaItemForm,
    CancelEventForm,
    EventForm,
    MinutesForm,
    MoveRegistrantForm,
    SeriesForm,
    StaffRegistrantForm,
    parse_time,
)
from app.events.models import (
    ACCESS_FEATURES,
    KIND_DEFAULTS,
    KINDS,
    ActionArising,
    AgendaItem,
    Event,
    EventSeries,
    Registration,
)
from app.extensions import db
from app.forms import ConfirmForm
from app.groups.models import Organisation
from app.htmx import is_partial, vary_on_htmx
from app.pagination import govuk_pagination, paginate
from app.security import sanitize_html, staff_required

END_OF_DAY = dt.time(23, 59, 59)


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


def _registration_or_404(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


def _csrf_or_400() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


# --- events ------------------------------------------------------------------------------


@bp.route("/staff/events")
@staff_required
def staff_index():
    past = request.args.get("past") == "1"
    now = utcnow()
    query = select(Event)
    query = (
        query.where(Event.ends_at <= now).order_by(Event.starts_at.desc())
        if past
        else query.where(Event.ends_at > now).order_by(Event.starts_at)
    )
    pager = paginate(query, per_page=current_app.config["PAGE_SIZE"])
    ids = [e.id for e in pager.items]
    counts = (
        dict(
            db.session.execute(
                select(Registration.event_id, func.count())
                .where(Registration.event_id.in_(ids), Registration.status.in_(services.HOLDS_PLACE))
                .group_by(Registration.event_id)
            ).all()
        )
        if ids
        else {}
    )
    series = db.session.scalars(select(EventSeries).order_by(EventSeries.name)).all()
    return render_template(
        "events/staff/index.html",
        pager=pager,
        past=past,
        counts=counts,
        series=series,
        pagination=govuk_pagination(pager, "events.staff_index", past="1" if past else ""),
    )


def _fill_event(event: Event, form: EventForm) -> None:
    event.kind = form.kind.data
    event.title = form.title.data
    event.description = sanitize_html(form.description.data)
    event.starts_at = services.london_to_utc(form.date.data, parse_time(form.start_time.data))
    event.ends_at = services.london_to_utc(form.date.data, parse_time(form.end_time.data))
    event.attendance_mode = form.attendance_mode.data
    event.venue = form.venue.data or ""
    event.address = form.address.data or ""
    for key in ACCESS_FEATURES:
        setattr(event, f"access_{key}", key in (form.access.data or []))
    event.access_notes = form.access_notes.data or ""
    event.online_link = form.online_link.data or ""
    event.capacity = form.capacity.data
    opens, closes = form.registration_opens.data, form.registration_closes.data
    event.registration_opens_at = services.london_to_utc(opens, dt.time(0, 0)) if opens else None
    event.registration_closes_at = services.london_to_utc(closes, END_OF_DAY) if closes else None
    event.audience = form.audience.data
    event.status = form.status.data
    chosen = set(form.partners.data or [])
    event.partners = list(db.session.scalars(select(Organisation).where(Organisation.id.in_(chosen)))) if chosen else []


def _partner_choices(form: EventForm, event: Event | None = None) -> EventForm:
    """Approved groups, plus any current partner that has since left the directory (kept, not dropped)."""
    current = {org.id for org in event.partners} if event is not None else set()
    rows = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(or_(Organisation.status == "approved", Organisation.id.in_(current or {0})))
        .order_by(func.lower(Organisation.name), Organisation.id)
    ).all()
    form.partners.choices = [(org_id, name) for org_id, name in rows]
    return form


def _event_with_partners(event_id: int) -> Event:
    event = db.session.scalar(select(Event).where(Event.id == event_id).options(selectinload(Event.partners)))
    if event is None:
        abort(404)
    return event


def _form_from_event(event: Event) -> EventForm:
    start, end = services.to_london(event.starts_at), services.to_london(event.ends_at)
    data = {
        "kind": event.kind,
        "title": event.title,
        "description": event.description,
        "date": start.date(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "attendance_mode": event.attendance_mode,
        "venue": event.venue,
        "address": event.address,
        "access": [k for k in ACCESS_FEATURES if getattr(event, f"access_{k}")],
        "access_notes": event.access_notes,
        "online_link": event.online_link,
        "capacity": event.capacity,
        "audience": event.audience,
        "status": event.status,
        "registration_opens": services.to_london(event.registration_opens_at).date()
        if event.registration_opens_at
        else None,
        "registration_closes": services.to_london(event.registration_closes_at).date()
        if event.registration_closes_at
        else None,
        "partners": [org.id for org in event.partners],
    }
    return EventForm(data=data)


@bp.route("/staff/events/new", methods=["GET", "POST"])
@staff_required
def staff_new():
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else "workshop"
    defaults = KIND_DEFAULTS[kind]
    form = EventForm(data={"kind": kind, "audience": defaults["audience"], "capacity": defaults["capacity"]})
    _partner_choices(form)
    if form.validate_on_submit():
        event = Event()
        _fill_event(event, form)
        event.slug = services.unique_slug(event.title, event.starts_at)
        db.session.add(event)
        db.session.flush()
        services.add_standing_items(event)
        record("event.created", event, title=event.title)
        db.session.commit()
        flash(f"{event.title} has been created.", "success")
        return redirect(url_for("events.staff_event", event_id=event.id), code=303)
    return render_template("events/staff/event_form.html", form=form, event=None)


@bp.route("/staff/events/<int:event_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_edit(event_id: int):
    event = _event_with_partners(event_id)
    form = _partner_choices(_form_from_event(event) if request.method == "GET" else EventForm(), event)
    if form.validate_on_submit():
        moved = services.london_to_utc(form.date.data, parse_time(form.start_time.data)) != event.starts_at
        _fill_event(event, form)
        record("event.updated", event, title=event.title, moved=moved)
        db.session.flush()
        services.promote_waitlist(services.lock_event(event.id))  # more places may free the waiting list
        db.session.commit()
        flash(f"{event.title} has been saved.", "success")
        return redirect(url_for("events.staff_event", event_id=event.id), code=303)
    return render_template("events/staff/event_form.html", form=form, event=event)


@bp.route("/staff/events/<int:event_id>/cancel", methods=["GET", "POST"])
@staff_required
def staff_cancel(event_id: int):
    event = _event_or_404(event_id)
    form = CancelEventForm()
    if form.validate_on_submit() and not event.is_cancelled:
        event.cancelled_at = utcnow()
        event.cancel_reason = form.reason.data or ""
        registrants = db.session.scalars(
            select(Registration).where(
                Registration.event_id == event.id, Registration.status.in_(("confirmed", "waitlisted"))
            )
        ).all()
        from app.mail import enqueue

        for registration in registrants:
            enqueue(
                "event_cancelled",
                to=registration.email,
                subject=f"Cancelled: {event.title}",
                event=event,
                registration=registration,
            )
        record("event.cancelled", event, reason=event.cancel_reason, told=len(registrants))
        db.session.commit()
        flash(f"{event.title} has been cancelled. {len(registrants)} people have been told by email.", "success")
        return redirect(url_for("events.staff_event", event_id=event.id), code=303)
    return render_template("events/staff/cancel.html", form=form, event=event)


@bp.route("/staff/events/<int:event_id>")
@staff_required
def staff_event(event_id: int):
    event = _event_with_partners(event_id)
    return render_template(
        "events/staff/event.html",
        event=event,
        counts=services.event_counts(event.id),
        places_left=services.places_left(event),
        series=db.session.get(EventSeries, event.series_id) if event.series_id else None,
    )


# --- series ------------------------------------------------------------------------------


@bp.route("/staff/events/series/new", methods=["GET", "POST"])
@staff_required
def series_new():
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
        events = services.generate_series(series, 4)
        record("event_series.created", series, name=series.name, meetings=len(events))
        db.session.commit()
        flash(f"{series.name} created with {len(events)} meetings.", "success")
        return redirect(url_for("events.series_detail", series_id=series.id), code=303)
    return render_template("events/staff/series_form.html", form=form)


@bp.route("/staff/events/series/<int:series_id>")
@staff_required
def series_detail(series_id: int):
    series = db.session.get(EventSeries, series_id)
    if series is None:
        abort(404)
    events = db.session.scalars(select(Event).where(Event.series_id == series.id).order_by(Event.starts_at)).all()
    return render_template("events/staff/series.html", series=series, events=events, action_form=ConfirmForm())


@bp.route("/staff/events/series/<int:series_id>/extend", methods=["POST"])
@staff_required
def series_extend(series_id: int):
    series = db.session.get(EventSeries, series_id)
    if series is None:
        abort(404)
    _csrf_or_400()
    events = services.generate_series(series, 4)
    record("event_series.extended", series, meetings=len(events))
    db.session.commit()
    flash(f"4 more meetings added, up to {events[-1].title}.", "success")
    return redirect(url_for("events.series_detail", series_id=series.id), code=303)


# --- agenda ------------------------------------------------------------------------------


def _agenda_context(
    event: Event,
    form: AgendaItemForm | None = None,
    editing: int | None = None,
    edit_form: AgendaItemForm | None = None,
    message: str | None = None,
) -> dict:
    return {
        "event": event,
        "items": services.agenda(event.id),
        "form": form or AgendaItemForm(formdata=None),
        "editing": editing,
        "edit_form": edit_form,
        "message": message,
        "action_form": ConfirmForm(),
    }


def _agenda_response(event: Event, status: int = 200, **kwargs):
    context = _agenda_context(event, **kwargs)
    template = "events/staff/_agenda.html" if is_partial() else "events/staff/agenda.html"
    return vary_on_htmx(make_response(render_template(template, **context), status))


def _item_or_404(event: Event, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.event_id != event.id:
        abort(404)
    return item


def _fill_item(item: AgendaItem, form: AgendaItemForm) -> None:
    item.title = form.title.data
    item.presenter = form.presenter.data or ""
    item.start_time = parse_time(form.start_time.data) if form.start_time.data else None
    item.minutes_allotted = form.minutes_allotted.data
    item.notes = form.notes.data or ""
    item.paper_links = form.paper_links.data or ""
    item.standing = bool(form.standing.data)


@bp.route("/staff/events/<int:event_id>/agenda", methods=["GET", "POST"])
@staff_required
def staff_agenda(event_id: int):
    event = _event_or_404(event_id)
    if request.method == "GET":
        return _agenda_response(event)
    form = AgendaItemForm()
    if not form.validate_on_submit():
        return _agenda_response(event, status=422 if is_partial() else 200, form=form)
    position = db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.event_id == event.id)) or 0
    item = AgendaItem(event_id=event.id, position=position + 1)
    _fill_item(item, form)
    db.session.add(item)
    record("event.agenda_item_added", event, title=item.title)
    db.session.commit()
    message = f"Added “{item.title}” to the agenda."
    if is_partial():
        return _agenda_response(event, message=message)
    flash(message, "success")
    return redirect(url_for("events.staff_agenda", event_id=event.id), code=303)


@bp.route("/staff/events/<int:event_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@staff_required
def agenda_edit(event_id: int, item_id: int):
    event = _event_or_404(event_id)
    item = _item_or_404(event, item_id)
    if request.method == "GET":
        edit_form = AgendaItemForm(
            data={
                "title": item.title,
                "presenter": item.presenter,
                "minutes_allotted": item.minutes_allotted,
                "start_time": item.start_time.strftime("%H:%M") if item.start_time else "",
                "notes": item.notes,
                "paper_links": item.paper_links,
                "standing": item.standing,
            },
            prefix=f"item{item.id}",
        )
        if is_partial():
            return _agenda_response(event, editing=item.id, edit_form=edit_form)
        return render_template("events/staff/agenda_item.html", event=event, item=item, form=edit_form)
    edit_form = AgendaItemForm(prefix=f"item{item.id}")
    if not edit_form.validate_on_submit():
        if is_partial():
            return _agenda_response(event, status=422, editing=item.id, edit_form=edit_form)
        return render_template("events/staff/agenda_item.html", event=event, item=item, form=edit_form)
    _fill_item(item, edit_form)
    record("event.agenda_item_changed", event, item_id=item.id, title=item.title)
    db.session.commit()
    message = f"Saved “{item.title}”."
    if is_partial():
        return _agenda_response(event, message=message)
    flash(message, "success")
    return redirect(url_for("events.staff_agenda", event_id=event.id), code=303)


@bp.route("/staff/events/<int:event_id>/agenda/<int:item_id>/move/<direction>", methods=["POST"])
@staff_required
def agenda_move(event_id: int, item_id: int, direction: str):
    event = _event_or_404(event_id)
    item = _item_or_404(event, item_id)
    if direction not in ("up", "down"):
        abort(404)
    _csrf_or_400()
    moved = services.move_item(item, -1 if direction == "up" else 1)
    db.session.commit()
    position = next(i for i, other in enumerate(services.agenda(event.id), start=1) if other.id == item.id)
    message = (
        f"Moved “{item.title}” {direction} to number {position}."
        if moved
        else f"“{item.title}” cannot move {direction}."
    )
    if is_partial():
        return _agenda_response(event, message=message)
    flash(message, "success")
    return redirect(url_for("events.staff_agenda", event_id=event.id) + f"#item-{item.id}", code=303)


@bp.route("/staff/events/<int:event_id>/agenda/<int:item_id>/delete", methods=["POST"])
@staff_required
def agenda_delete(event_id: int, item_id: int):
    event = _event_or_404(event_id)
    item = _item_or_404(event, item_id)
    _csrf_or_400()
    title = item.title
    db.session.delete(item)
    db.session.flush()
    services.renumber(event.id)
    record("event.agenda_item_removed", event, title=title)
    db.session.commit()
    message = f"Removed “{title}” from the agenda."
    if is_partial():
        return _agenda_response(event, message=message)
    flash(message, "success")
    return redirect(url_for("events.staff_agenda", event_id=event.id), code=303)


@bp.route("/staff/events/<int:event_id>/agenda/publish", methods=["POST"])
@staff_required
def agenda_publish(event_id: int):
    event = _event_or_404(event_id)
    _csrf_or_400()
    event.agenda_published = not event.agenda_published
    record("event.agenda_published" if event.agenda_published else "event.agenda_withdrawn", event)
    db.session.commit()
    flash(
        "The agenda is published to members." if event.agenda_published else "The agenda is no longer published.",
        "success",
    )
    return redirect(url_for("events.staff_agenda", event_id=event.id), code=303)


# --- registrants ---------------------------------------------------------------------------


def _registrants(event: Event, q: str = ""):
    query = select(Registration).where(Registration.event_id == event.id)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(
                func.lower(Registration.name).like(like),
                func.lower(Registration.email).like(like),
                func.lower(Registration.organisation_name).like(like),
            )
        )
    return db.session.scalars(query.order_by(func.lower(Registration.name), Registration.id)).all()


@bp.route("/staff/events/<int:event_id>/registrants", methods=["GET", "POST"])
@staff_required
def registrants(event_id: int):
    event = _event_or_404(event_id)
    form = StaffRegistrantForm(formdata=None) if request.method == "GET" else StaffRegistrantForm()
    if request.method == "POST" and form.validate_on_submit():
        existing = services.find_registration(event.id, form.email.data)
        if existing is not None and existing.status != "cancelled":
            form.email.errors.append(f"{form.email.data} is already on the list for this event")
        else:
            result = services.register(
                event.id,
                name=form.name.data,
                email=form.email.data,
                organisation_name=form.organisation_name.data or "",
                access_needs=form.access_needs.data or "",
                dietary_needs=form.dietary_needs.data or "",
                show_on_attendee_list=form.show_on_attendee_list.data,
                by_staff=True,
                status=form.status.data,
            )
            registration = result.registration
            flash(f"{registration.name} added: {registration.status_label.lower()}.", "success")
            return redirect(url_for("events.registrants", event_id=event.id), code=303)
    rows = _registrants(event)
    ranks = {}
    for rank, r in enumerate(
        sorted((r for r in rows if r.status == "waitlisted"), key=lambda r: (r.waitlist_position or 0, r.id)), start=1
    ):
        ranks[r.id] = rank
    return render_template(
        "events/staff/registrants.html",
        event=event,
        rows=rows,
        ranks=ranks,
        form=form,
        move_form=MoveRegistrantForm(formdata=None),
        counts=services.event_counts(event.id),
    )


@bp.route("/staff/events/<int:event_id>/registrants/<int:registration_id>/move", methods=["POST"])
@staff_required
def registrant_move(event_id: int, registration_id: int):
    event = _event_or_404(event_id)
    registration = _registration_or_404(event, registration_id)
    form = MoveRegistrantForm()
    if not form.validate_on_submit():
        abort(400)
    if form.status.data == "cancelled":
        services.cancel_registration(registration.id, by_staff=True)
    elif form.status.data != registration.status:
        services.set_status(registration, form.status.data)
    db.session.refresh(registration)
    flash(f"{registration.name}: {registration.status_label.lower()}.", "success")
    return redirect(url_for("events.registrants", event_id=event.id), code=303)


@bp.route("/staff/events/<int:event_id>/registrants.csv")
@staff_required
def registrants_csv(event_id: int):
    event = _event_or_404(event_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Name",
            "Email",
            "Organisation",
            "Status",
            "Waiting list position",
            "Access needs",
            "Dietary needs",
            "On attendee list",
            "Registered at",
            "Checked in at",
        ]
    )
    for r in _registrants(event):
        writer.writerow(
            [
                _csv_safe(v)
                for v in (
                    r.name,
                    r.email,
                    r.organisation_name,
                    r.status_label,
                    r.waitlist_position or "",
                    r.access_needs,
                    r.dietary_needs,
                    "Yes" if r.show_on_attendee_list else "No",
                    services.to_london(r.created_at).strftime("%Y-%m-%d %H:%M"),
                    services.to_london(r.checked_in_at).strftime("%Y-%m-%d %H:%M") if r.checked_in_at else "",
                )
            ]
        )
    response = make_response("\ufeff" + out.getvalue())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-registrants.csv"'
    return response


def _csv_safe(value):
    """Stop spreadsheet formula injection from names people typed."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- check-in ------------------------------------------------------------------------------


@bp.route("/staff/events/<int:event_id>/check-in")
@staff_required
def check_in(event_id: int):
    event = _event_or_404(event_id)
    q = (request.args.get("q") or "").strip()[:200]
    rows = [r for r in _registrants(event, q) if r.status in ("confirmed", "attended")]
    context = {"event": event, "rows": rows, "q": q, "counts": services.event_counts(event.id)}
    template = "events/staff/_check_in_list.html" if is_partial() else "events/staff/check_in.html"
    return vary_on_htmx(make_response(render_template(template, **context)))


@bp.route("/staff/events/<int:event_id>/check-in/<int:registration_id>", methods=["POST"])
@staff_required
def check_in_toggle(event_id: int, registration_id: int):
    event = _event_or_404(event_id)
    registration = _registration_or_404(event, registration_id)
    _csrf_or_400()
    if registration.status not in ("confirmed", "attended"):
        abort(409)
    attended = request.form.get("attended") == "1"
    services.check_in(registration, attended)
    record("event.check_in" if attended else "event.check_in_undone", registration, event_id=event.id)
    db.session.commit()
    message = f"{registration.name} {'checked in' if attended else 'is no longer checked in'}."
    q = (request.values.get("q") or "").strip()[:200]
    if is_partial():
        rows = [r for r in _registrants(event, q) if r.status in ("confirmed", "attended")]
        return render_template(
            "events/staff/_check_in_list.html",
            event=event,
            rows=rows,
            q=q,
            counts=services.event_counts(event.id),
            messages={registration.id: message},
        )
    flash(message, "success")
    return redirect(url_for("events.check_in", event_id=event.id, q=q or None), code=303)


# --- minutes and actions ---------------------------------------------------------------------


@bp.route("/staff/events/<int:event_id>/minutes", methods=["GET", "POST"])
@staff_required
def staff_minutes(event_id: int):
    event = _event_or_404(event_id)
    minutes = services.find_minutes(event)
    form = MinutesForm(data={"body": minutes.body if minutes else ""}) if request.method == "GET" else MinutesForm()
    if request.method == "POST" and form.validate_on_submit():
        minutes = minutes or services.minutes_for(event)
        minutes.body = sanitize_html(form.body.data)
        if form.publish.data:
            minutes.status, minutes.published_at = "published", minutes.published_at or utcnow()
            services.carry_actions_forward(event)
            record("event.minutes_published", event)
            flash("The minutes are published.", "success")
        else:
            record("event.minutes_saved", event)
            flash("The draft minutes are saved.", "success")
        db.session.commit()
        return redirect(url_for("events.staff_minutes", event_id=event.id), code=303)
    actions = db.session.scalars(
        select(ActionArising).where(ActionArising.event_id == event.id).order_by(ActionArising.id)
    ).all()
    previous = services.previous_in_series(event)
    return render_template(
        "events/staff/minutes.html",
        event=event,
        minutes=minutes,
        form=form,
        action_form=ActionForm(formdata=None),
        actions=actions,
        status_forms={a.id: ActionStatusForm(data={"status": a.status}, prefix=f"a{a.id}") for a in actions},
        attendance=services.attendance(event.id),
        carried=services.open_actions_before(event) if event.series_id else [],
        previous=previous,
        previous_minutes=services.find_minutes(previous) if previous else None,
    )


@bp.route("/staff/events/<int:event_id>/actions", methods=["POST"])
@staff_required
def action_add(event_id: int):
    event = _event_or_404(event_id)
    form = ActionForm()
    if form.validate_on_submit():
        action = ActionArising(
            event_id=event.id,
            description=form.description.data,
            owner=form.owner.data or "",
            due_on=form.due_on.data,
            status=form.status.data,
        )
        db.session.add(action)
        record("event.action_added", event, description=action.description[:200])
        db.session.flush()
        minutes = services.find_minutes(event)
        if minutes is not None and minutes.status == "published":
            services.carry_actions_forward(event)
        db.session.commit()
        flash("Action added.", "success")
        return redirect(url_for("events.staff_minutes", event_id=event.id) + "#actions", code=303)
    for field in form:
        for error in field.errors:
            flash(error, "important")
    return redirect(url_for("events.staff_minutes", event_id=event.id) + "#actions", code=303)


@bp.route("/staff/events/<int:event_id>/actions/<int:action_id>", methods=["POST"])
@staff_required
def action_status(event_id: int, action_id: int):
    event = _event_or_404(event_id)
    action = db.session.get(ActionArising, action_id)
    # An action raised at an earlier meeting can be updated from a later one in the same series.
    if action is None:
        abort(404)
    raised_at = db.session.get(Event, action.event_id)
    if action.event_id != event.id and (event.series_id is None or raised_at.series_id != event.series_id):
        abort(404)
    form = ActionStatusForm(prefix=f"a{action.id}")
    if not form.validate_on_submit():
        abort(400)
    services.mark_action_done(action, form.status.data)
    record("event.action_status", event, action_id=action.id, status=action.status)
    db.session.commit()
    flash(f"Action marked “{action.status_label.lower()}”.", "success")
    return redirect(url_for("events.staff_minutes", event_id=event.id) + "#actions", code=303)


# --- report --------------------------------------------------------------------------------


@bp.route("/staff/events/report")
@staff_required
def report():
    return render_template("events/staff/report.html", rows=services.quarterly_report())
