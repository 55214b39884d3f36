"""Staff: the events list, creating, editing and cancelling an event, and its overview page."""

from __future__ import annotations

import datetime as dt

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select

from app.audit import record
from app.db import child_or_404, utcnow
from app.events import bp, changes, services
from app.events import registration as registering
from app.events.forms import CancelEventForm, ChangeNoticeForm, EventForm, parse_time
from app.events.models import (
    ACCESS_FEATURES,
    DEFAULT_MAX_GUESTS,
    KIND_DEFAULTS,
    KINDS,
    Event,
    EventSeries,
    Registration,
)
from app.events.series import add_standing_items
from app.extensions import db
from app.groups.models import Organisation
from app.i18n import _, ngettext
from app.pagination import govuk_pagination, paginate
from app.security import sanitize_html, staff_required
from app.times import london_to_utc, to_london

END_OF_DAY = dt.time(23, 59, 59)


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
                # Places taken: each registrant with a place and their guests.
                select(Registration.event_id, func.sum(1 + Registration.guest_count))
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
    event.starts_at = london_to_utc(form.date.data, parse_time(form.start_time.data))
    event.ends_at = london_to_utc(form.date.data, parse_time(form.end_time.data))
    event.attendance_mode = form.attendance_mode.data
    event.venue = form.venue.data or ""
    event.address = form.address.data or ""
    for key in ACCESS_FEATURES:
        setattr(event, f"access_{key}", key in (form.access.data or []))
    event.access_notes = form.access_notes.data or ""
    event.online_link = form.online_link.data or ""
    event.capacity = form.capacity.data
    event.joining_days = form.joining_days.data
    event.joining_text = form.joining_text.data or ""
    event.max_guests = DEFAULT_MAX_GUESTS if form.max_guests.data is None else form.max_guests.data
    opens, closes = form.registration_opens.data, form.registration_closes.data
    event.registration_opens_at = london_to_utc(opens, dt.time(0, 0)) if opens else None
    event.registration_closes_at = london_to_utc(closes, END_OF_DAY) if closes else None
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


def _form_from_event(event: Event) -> EventForm:
    start, end = to_london(event.starts_at), to_london(event.ends_at)
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
        "max_guests": event.max_guests,
        "joining_days": event.joining_days,
        "joining_text": event.joining_text,
        "audience": event.audience,
        "status": event.status,
        "registration_opens": to_london(event.registration_opens_at).date() if event.registration_opens_at else None,
        "registration_closes": to_london(event.registration_closes_at).date() if event.registration_closes_at else None,
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
        add_standing_items(event)
        record("event.created", event, title=event.title)
        db.session.commit()
        flash(_("%(title)s has been created.", title=event.title), "success")
        return redirect(url_for("events.staff_event", event_id=event.id), code=303)
    return render_template("events/staff/event_form.html", form=form, event=None)


@bp.route("/staff/events/<int:event_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_edit(event_id: int):
    event = child_or_404(Event, event_id, load=(Event.partners,))
    form = _partner_choices(_form_from_event(event) if request.method == "GET" else EventForm(), event)
    if form.validate_on_submit():
        before = changes.Snapshot.of(event)
        _fill_event(event, form)
        changed = changes.what_changed(before, event) if not event.is_cancelled else []
        notice = ChangeNoticeForm()
        answer = request.form.get("notify")
        if changed and answer not in ("yes", "no") and changes.people_to_tell(event.id):
            # Ask first, showing the e-mail; nothing is saved until staff answer (the edit is re-posted).
            changes.move_address(event, before)  # so the e-mail shows the address it will have
            draft = changes.preview(event, changed)
            db.session.rollback()
            return render_template(
                "events/staff/confirm_change.html",
                event=event,
                form=notice,
                changes=changed,
                preview=draft,
                count=len(changes.people_to_tell(event.id)),
            )
        return _save_edit(event, before, changed, told=answer == "yes")
    return render_template("events/staff/event_form.html", form=form, event=event)


def _save_edit(event: Event, before: changes.Snapshot, changed: list[str], *, told: bool):
    old_slug = changes.move_address(event, before)
    if event.starts_at != before.starts_at:  # the audit log says "moved … from 11 May at 6pm to 18 May at 6pm"
        record(
            "event.moved", event, title=event.title, was=before.starts_at.isoformat(), now=event.starts_at.isoformat()
        )
    else:
        record("event.updated", event, title=event.title)
    db.session.flush()
    count = changes.tell_registrants(event, changed) if changed and told else 0
    if changed:
        record("event.change_notice", event, told=count, changes=changes.in_english(changed), old_slug=old_slug)
    registering.promote_waitlist(registering.lock_event(event.id))  # more places may free the waiting list
    db.session.commit()
    message = _("%(title)s has been saved.", title=event.title)
    if count:
        message += " " + ngettext(
            "%(num)s person has been emailed the change.", "%(num)s people have been emailed the change.", count
        )
    if old_slug:
        message += " " + _("Its web address has changed; the old address takes people to the new one.")
    flash(message, "success")
    return redirect(url_for("events.staff_event", event_id=event.id), code=303)


@bp.route("/staff/events/<int:event_id>/cancel", methods=["GET", "POST"])
@staff_required
def staff_cancel(event_id: int):
    event = child_or_404(Event, event_id)
    form = CancelEventForm()
    if form.validate_on_submit() and not event.is_cancelled:
        event.cancelled_at = utcnow()
        event.cancel_reason = form.reason.data or ""
        told = changes.tell_registrants(event, []) if form.notify.data != "no" else 0
        record("event.cancelled", event, reason=event.cancel_reason, told=told)
        db.session.commit()
        flash(
            ngettext(
                "%(title)s has been cancelled. %(num)s person has been told by email.",
                "%(title)s has been cancelled. %(num)s people have been told by email.",
                told,
                title=event.title,
            ),
            "success",
        )
        return redirect(url_for("events.staff_event", event_id=event.id), code=303)
    count = len(changes.people_to_tell(event.id))
    draft = None
    if count and not event.is_cancelled:
        event.cancelled_at = utcnow()  # only to show the e-mail; never saved
        event.cancel_reason = form.reason.data or _("[the reason you give above, if any]")
        draft = changes.preview(event, [])
        db.session.rollback()
    return render_template("events/staff/cancel.html", form=form, event=event, count=count, preview=draft)


@bp.route("/staff/events/<int:event_id>")
@staff_required
def staff_event(event_id: int):
    event = child_or_404(Event, event_id, load=(Event.partners,))
    return render_template(
        "events/staff/event.html",
        event=event,
        counts=services.event_counts(event.id),
        places_left=services.places_left(event),
        series=db.session.get(EventSeries, event.series_id) if event.series_id else None,
    )
