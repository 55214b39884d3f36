"""Staff: an event's registrants (add, move between lists, CSV download) and check-in on the day."""

from __future__ import annotations

import csv
import io

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select

from app.audit import record
from app.db import child_or_404
from app.events import bp, services
from app.events import registration as registering
from app.events.forms import MoveRegistrantForm, StaffRegistrantForm
from app.events.models import REGISTRATION_STATUSES, Event, Guest, Registration
from app.events.text import english
from app.extensions import db
from app.htmx import is_partial, render
from app.i18n import _
from app.security import staff_required
from app.spreadsheets import escape_formula
from app.times import to_london


def _registrants(event: Event, q: str = ""):
    query = select(Registration).where(Registration.event_id == event.id)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(
                func.lower(Registration.name).like(like),
                func.lower(Registration.email).like(like),
                func.lower(Registration.organisation_name).like(like),
                # A guest's name finds their host's row, where the guest is listed.
                Registration.id.in_(select(Guest.registration_id).where(func.lower(Guest.name).like(like))),
            )
        )
    return db.session.scalars(query.order_by(func.lower(Registration.name), Registration.id)).all()


def _add_registrant(event: Event, form: StaffRegistrantForm) -> Registration | None:
    """Staff add someone with the status they chose; None (with the reason on the form) if already listed."""
    existing = services.find_registration(event.id, form.email.data)
    if existing is not None and existing.status != "cancelled":
        form.email.errors.append(_("%(email)s is already on the list for this event", email=form.email.data))
        return None
    request_ = registering.RegistrationRequest(
        event_id=event.id,
        name=form.name.data,
        email=form.email.data,
        organisation_name=form.organisation_name.data or "",
        access_needs=form.access_needs.data or "",
        dietary_needs=form.dietary_needs.data or "",
        show_on_attendee_list=form.show_on_attendee_list.data,
        by_staff=True,
        status=form.status.data,
        guests=tuple(registering.GuestDetails(**guest) for guest in form.guest_details()),
    )
    return registering.register(request_).registration


def _waitlist_ranks(rows: list[Registration]) -> dict[int, int]:
    """Registration id -> place on the waiting list (1 is next in line)."""
    waiting = sorted((r for r in rows if r.status == "waitlisted"), key=lambda r: (r.waitlist_position or 0, r.id))
    return {r.id: rank for rank, r in enumerate(waiting, start=1)}


@bp.route("/staff/events/<int:event_id>/registrants", methods=["GET", "POST"])
@staff_required
def staff_registrants(event_id: int):
    event = child_or_404(Event, event_id)
    form = StaffRegistrantForm(formdata=None) if request.method == "GET" else StaffRegistrantForm()
    form.offer_guests(event.max_guests)
    if request.method == "POST" and form.validate_on_submit():
        registration = _add_registrant(event, form)
        if registration is not None:
            flash(
                _("%(name)s added: %(status)s.", name=registration.name, status=registration.status_label.lower()),
                "success",
            )
            return redirect(url_for("events.staff_registrants", event_id=event.id), code=303)
    rows = _registrants(event)
    counts = services.event_counts(event.id)
    free = None if event.capacity is None else max(event.capacity - counts["places"], 0)
    return render_template(
        "events/staff/registrants.html",
        event=event,
        rows=rows,
        guests=services.guests_by_host([r.id for r in rows if r.guest_count]),
        skipped=services.skipped_party(event, free),
        free=free,
        ranks=_waitlist_ranks(rows),
        form=form,
        move_form=MoveRegistrantForm(formdata=None),
        counts=counts,
    )


@bp.route("/staff/events/<int:event_id>/registrants/<int:registration_id>/move", methods=["POST"])
@staff_required
def staff_registrant_move(event_id: int, registration_id: int):
    event = child_or_404(Event, event_id)
    registration = child_or_404(Registration, registration_id, parent=event)
    form = MoveRegistrantForm()
    if not form.validate_on_submit():
        abort(400)
    if form.status.data == "cancelled":
        registering.cancel_registration(registration.id, by_staff=True)
    elif form.status.data != registration.status:
        old = registration.status
        promoted = registering.set_status(registration, form.status.data)
        _say_what_moving_did(event, registration, old, promoted)
        return redirect(url_for("events.staff_registrants", event_id=event.id), code=303)
    db.session.refresh(registration)
    flash(_("%(name)s: %(status)s.", name=registration.name, status=registration.status_label.lower()), "success")
    return redirect(url_for("events.staff_registrants", event_id=event.id), code=303)


def _say_what_moving_did(event: Event, registration: Registration, old: str, promoted: list) -> None:
    """Staff may give a place beyond capacity (an extra chair), but are told; and told who was emailed."""
    db.session.refresh(registration)
    message = _("%(name)s: %(status)s.", name=registration.name, status=registration.status_label.lower())
    if old == "waitlisted" and registration.status == "confirmed":
        message += " " + _("We have emailed %(email)s to say they have a place.", email=registration.email)
    if promoted:
        names = ", ".join(p.name for p in promoted)
        message += " " + _("Given a place from the waiting list and emailed: %(names)s.", names=names)
    taken = services.places_taken(event.id)
    if event.capacity is not None and taken > event.capacity:
        over = _(
            "The event is now over its capacity: %(taken)s places taken of %(capacity)s.",
            taken=taken,
            capacity=event.capacity,
        )
        flash(f"{message} {over}", "warning")
    else:
        flash(message, "success")


@bp.route("/staff/events/<int:event_id>/registrants.csv")
@staff_required
def staff_registrants_csv(event_id: int):
    event = child_or_404(Event, event_id)
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
            "Guest of",
        ]
    )
    rows = _registrants(event)
    guests = services.guests_by_host([r.id for r in rows if r.guest_count])
    for r in rows:
        writer.writerow(
            [
                escape_formula(v)
                for v in (
                    r.name,
                    r.email,
                    r.organisation_name,
                    english(REGISTRATION_STATUSES[r.status]),
                    r.waitlist_position or "",
                    r.access_needs,
                    r.dietary_needs,
                    "Yes" if r.show_on_attendee_list else "No",
                    to_london(r.created_at).strftime("%Y-%m-%d %H:%M"),
                    to_london(r.checked_in_at).strftime("%Y-%m-%d %H:%M") if r.checked_in_at else "",
                    "",
                )
            ]
        )
        for guest in guests.get(r.id, []):
            writer.writerow([escape_formula(v) for v in _guest_csv_row(r, guest)])
    response = make_response("\ufeff" + out.getvalue())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{event.slug}-registrants.csv"'
    return response


def _guest_csv_row(host: Registration, guest: Guest) -> list:
    return [
        guest.name,
        guest.email,
        host.organisation_name,
        english(REGISTRATION_STATUSES[host.status]),
        host.waitlist_position or "",
        guest.access_needs,
        "",
        "No",
        to_london(guest.created_at).strftime("%Y-%m-%d %H:%M"),
        to_london(guest.checked_in_at).strftime("%Y-%m-%d %H:%M") if guest.checked_in_at else "",
        host.name,
    ]


def _check_in_rows(event: Event, q: str) -> list[Registration]:
    """Who holds a place (checked in or not), matching the search."""
    return [r for r in _registrants(event, q) if r.status in services.HOLDS_PLACE]


@bp.route("/staff/events/<int:event_id>/check-in")
@staff_required
def staff_check_in(event_id: int):
    event = child_or_404(Event, event_id)
    q = (request.args.get("q") or "").strip()[:200]
    return render("events/staff/check_in.html", "events/staff/_check_in_list.html", **_check_in_context(event, q))


def _check_in_context(event: Event, q: str, messages: dict | None = None) -> dict:
    rows = _check_in_rows(event, q)
    return {
        "event": event,
        "rows": rows,
        "guests": services.guests_by_host([r.id for r in rows if r.guest_count]),
        "q": q,
        "counts": services.event_counts(event.id),
        "messages": messages or {},
    }


@bp.route("/staff/events/<int:event_id>/check-in/<int:registration_id>", methods=["POST"])
@staff_required
def staff_check_in_toggle(event_id: int, registration_id: int):
    event = child_or_404(Event, event_id)
    registration = child_or_404(Registration, registration_id, parent=event)
    if registration.status not in services.HOLDS_PLACE:
        abort(409)
    attended = request.form.get("attended") == "1"
    registering.check_in(registration, attended)
    record("event.check_in" if attended else "event.check_in_undone", registration, event_id=event.id)
    db.session.commit()
    message = (
        _("%(name)s checked in.", name=registration.name)
        if attended
        else _("%(name)s is no longer checked in.", name=registration.name)
    )
    q = (request.values.get("q") or "").strip()[:200]
    return _checked_in_response(event, q, f"r{registration.id}", message)


def _checked_in_response(event: Event, q: str, key: str, message: str):
    if is_partial():
        return render_template("events/staff/_check_in_list.html", **_check_in_context(event, q, {key: message}))
    flash(message, "success")
    return redirect(url_for("events.staff_check_in", event_id=event.id, q=q or None), code=303)


@bp.route("/staff/events/<int:event_id>/check-in/guests/<int:guest_id>", methods=["POST"])
@staff_required
def staff_check_in_guest(event_id: int, guest_id: int):
    """Check in (or undo) one guest of someone who holds a place."""
    event = child_or_404(Event, event_id)
    guest = db.session.get(Guest, guest_id)
    host = db.session.get(Registration, guest.registration_id) if guest is not None else None
    if host is None or host.event_id != event.id:
        abort(404)
    if host.status not in services.HOLDS_PLACE:
        abort(409)
    attended = request.form.get("attended") == "1"
    registering.check_in_guest(guest, attended)
    verb = "event.guest_check_in" if attended else "event.guest_check_in_undone"
    record(verb, host, event_id=event.id, guest=guest.name)
    db.session.commit()
    q = (request.values.get("q") or "").strip()[:200]
    message = (
        _("%(name)s (guest of %(host)s) checked in.", name=guest.name, host=host.name)
        if attended
        else _("%(name)s (guest of %(host)s) is no longer checked in.", name=guest.name, host=host.name)
    )
    return _checked_in_response(event, q, f"g{guest.id}", message)


@bp.route("/staff/events/<int:event_id>/guests/<int:guest_id>/cancel", methods=["POST"])
@staff_required
def staff_cancel_guest(event_id: int, guest_id: int):
    """Staff take one guest off (they are not coming): their place is freed for the waiting list."""
    event = child_or_404(Event, event_id)
    guest = db.session.get(Guest, guest_id)
    host = db.session.get(Registration, guest.registration_id) if guest is not None else None
    if host is None or host.event_id != event.id:
        abort(404)
    name = guest.name
    promoted = registering.cancel_guest(guest.id)
    message = _("%(name)s (guest of %(host)s) is no longer coming.", name=name, host=host.name)
    if promoted:
        names = ", ".join(p.name for p in promoted)
        message += " " + _("Promoted from the waiting list: %(names)s.", names=names)
    flash(message, "success")
    return redirect(url_for("events.staff_registrants", event_id=event.id), code=303)
