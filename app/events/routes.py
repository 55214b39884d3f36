"""Public event pages: listing, detail, registration, self-cancel, agenda, minutes, calendars."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.agenda_reports import agenda_reports
from app.db import utcnow
from app.events import bp, changes, services
from app.events import registration as registering
from app.events.forms import ApologiesForm, RegistrationForm
from app.events.ics import calendar_for, calendar_links
from app.events.minutes import actions_by_item, attendance, find_minutes
from app.events.minutes import agenda as agenda_items
from app.events.models import KINDS, ActionArising, Event, Guest, Registration
from app.events.series import previous_in_series
from app.extensions import db
from app.forms import ConfirmForm, FieldProblem
from app.groups.models import Membership, Organisation
from app.htmx import hx_redirect, hx_trigger, is_partial, render
from app.i18n import _
from app.pagination import govuk_pagination, paginate
from app.ratelimits import limit_event_registration
from app.security import has_role, public, safe_next, signed_in_required
from app.tokens import TokenError, read_token

CANCEL_TOKEN_MAX_AGE = 400 * 24 * 3600
# Sent (HX-Trigger) after a registration changes in a swapped box, so other parts of the page that
# list the person's registrations (the member dashboard) can refresh themselves.
REGISTRATION_CHANGED = "registrationChanged"


def _visible_event(slug: str, with_partners: bool = False) -> Event:
    query = select(Event).where(Event.slug == slug)
    if with_partners:
        query = query.options(selectinload(Event.partners))
    event = db.session.scalar(query)
    if event is None:
        _redirect_old_address(slug)
        abort(404)
    if event.status != "published" and not has_role(current_user, "staff"):
        abort(404)  # a draft is not there for the public
    return event


def _redirect_old_address(slug: str) -> None:
    """An address the event had before it moved to another day: a permanent redirect to the same
    page at its new address (the query string kept)."""
    new = changes.current_slug(slug)
    if new is None:
        return
    path = request.path.replace(f"/events/{slug}", f"/events/{new}", 1)
    query = request.query_string.decode("latin-1")
    abort(redirect(path + (f"?{query}" if query else ""), code=301))


def _my_registration(event: Event) -> Registration | None:
    if not current_user.is_authenticated:
        return None
    registration = services.find_registration(event.id, current_user.email)
    return registration if registration is not None and registration.status != "cancelled" else None


def _my_groups() -> list[Organisation]:
    """The listed directory groups the signed-in user belongs to (none for guests)."""
    if not current_user.is_authenticated:
        return []
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == current_user.id, Organisation.status == "approved")
            .order_by(Membership.id)
        )
    )


def _set_group_choices(form: RegistrationForm, groups: list[Organisation]) -> None:
    if len(groups) > 1:
        form.organisation_id.choices = [(str(g.id), g.name) for g in groups] + [("none", _("None of these"))]


def _chosen_group(form: RegistrationForm, groups: list[Organisation]) -> Organisation | None:
    """The group a member registers for: their choice when they have several; their only group unless
    they typed another organisation's name. Refuses an id that is not theirs (FieldProblem)."""
    if len(groups) > 1:
        value = form.organisation_id.data
        if not value or value == "none":
            return None
        match = next((g for g in groups if str(g.id) == str(value)), None)
        if match is None:
            raise FieldProblem("organisation_id", _("Choose one of your groups, or None of these"))
        return match
    if len(groups) == 1:
        typed = (form.organisation_name.data or "").strip().lower()
        if not typed or typed == groups[0].name.lower():
            return groups[0]
    return None


def _members_only_refusal(event: Event):
    if event.audience == "members" and not current_user.is_authenticated:
        flash(_("This event is for member groups. Sign in to register."), "important")
        return redirect(url_for("auth.login", next=url_for("events.register", slug=event.slug)))
    return None


@bp.route("/events")
@public
def index():
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else ""
    past = request.args.get("past") == "1"
    if past:
        query = select(Event).where(Event.status == "published", Event.ends_at <= utcnow())
        query = query.order_by(Event.starts_at.desc())
        if kind:
            query = query.where(Event.kind == kind)
    else:
        query = services.upcoming_query(kind)
    pager = paginate(query, per_page=current_app.config["PAGE_SIZE"])
    context = {
        "pager": pager,
        "kind": kind,
        "past": past,
        "kinds": KINDS,
        "pagination": govuk_pagination(pager, "events.index", kind=kind, past="1" if past else ""),
    }
    return render("events/index.html", "events/_list.html", **context)


@bp.route("/events/<slug>")
@public
def detail(slug: str):
    event = _visible_event(slug, with_partners=True)
    mine = _my_registration(event)
    groups = _my_groups()
    form = RegistrationForm(formdata=None)
    _set_group_choices(form, groups)
    # Only people who agreed are listed, and only to signed-in people.
    attendees = []
    if current_user.is_authenticated:
        attendees = db.session.scalars(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status.in_(("confirmed", "attended")),
                Registration.show_on_attendee_list.is_(True),
            )
            .order_by(Registration.name)
        ).all()
    minutes = find_minutes(event)
    previous = previous_in_series(event)
    previous_minutes = find_minutes(previous) if previous else None
    return render_template(
        "events/detail.html",
        **_past_context(event),
        calendar_links=calendar_links(event) if not (event.is_past or event.is_cancelled) else None,
        event=event,
        mine=mine,
        rank=services.waitlist_rank(mine) if mine else None,
        guests=services.guests_of(mine),
        places_left=services.places_left(event),
        attendees=attendees,
        minutes=minutes if minutes and minutes.status == "published" else None,
        previous=previous,
        previous_minutes=previous_minutes if previous_minutes and previous_minutes.status == "published" else None,
        can_see_agenda=_can_see_agenda(event),
        form=form,
        groups=groups,
        can_send_apologies=services.can_send_apologies(event, groups, mine),
    )


def _past_context(event: Event) -> dict:
    """A meeting that has happened: who came (once recorded) and the actions arising, which lead
    the page with the minutes."""
    if not event.is_past:
        return {"record": None, "actions": []}
    record = attendance(event.id)
    if not (record["present"] or record["apologies"]):
        record = None
    actions = db.session.scalars(
        select(ActionArising).where(ActionArising.event_id == event.id).order_by(ActionArising.id)
    ).all()
    return {"record": record, "actions": actions}


def _can_see_agenda(event: Event) -> bool:
    if has_role(current_user, "staff"):
        return True
    return event.agenda_published and (event.audience == "anyone" or current_user.is_authenticated)


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@public
@limit_event_registration
def register(slug: str):
    event = _visible_event(slug)
    refusal = _members_only_refusal(event)
    if refusal:
        return refusal
    mine = _my_registration(event)
    if mine is not None:
        return _registered_response(event, mine, created=False)
    form = RegistrationForm()
    groups = _my_groups()
    _set_group_choices(form, groups)
    if request.method == "GET":
        form.offer_guests(event.max_guests)
    if request.method == "GET" and current_user.is_authenticated:
        form.name.data, form.email.data = current_user.name, current_user.email
        if len(groups) == 1:
            form.organisation_name.data = groups[0].name
    state = event.registration_state()
    if state != "open":
        form.email.errors = []
    if form.validate_on_submit():
        response = _submit_registration(event, form, groups)
        if response is not None:
            return response
    form.offer_guests(event.max_guests)
    return render(
        "events/register.html",
        "events/_register_form.html",
        event=event,
        form=form,
        state=state,
        groups=groups,
        places_left=services.places_left(event),
    )


def _submit_registration(event: Event, form: RegistrationForm, groups: list[Organisation]):
    """Register from a valid form: the response, or None with the reason added to the form's errors."""
    try:
        result = registering.register(_registration_request(event, form, _chosen_group(form, groups)))
    except FieldProblem as problem:  # the group chosen, or why registration is closed
        form.populate_errors(problem)
        return None
    if not result.created and not current_user.is_authenticated:
        form.email.errors.append(
            _("This email address is already registered for this event. Check your email for the confirmation")
        )
        return None
    return _registered_response(event, result.registration, created=result.created)


def _registration_request(
    event: Event, form: RegistrationForm, group: Organisation | None
) -> registering.RegistrationRequest:
    # Signed-in people register as themselves; the address field cannot be used to book others.
    signed_in = current_user.is_authenticated
    return registering.RegistrationRequest(
        event_id=event.id,
        name=form.name.data,
        email=current_user.email if signed_in else form.email.data,
        user_id=current_user.id if signed_in else None,
        organisation_name=group.name if group else (form.organisation_name.data or ""),
        organisation_id=group.id if group else None,
        access_needs=form.access_needs.data or "",
        dietary_needs=form.dietary_needs.data or "",
        show_on_attendee_list=form.show_on_attendee_list.data,
        guests=tuple(registering.GuestDetails(**guest) for guest in form.guest_details()),
    )


@bp.route("/events/<slug>/apologies", methods=["GET", "POST"])
@signed_in_required
def apologies(slug: str):
    """A member sends apologies for their group for a network meeting (shown in the minutes)."""
    event = _visible_event(slug)
    if event.kind != "network_meeting":
        abort(404)
    groups = _my_groups()
    if not groups:
        abort(403)
    form = ApologiesForm()
    form.organisation_id.choices = [(str(g.id), g.name) for g in groups]
    if request.method == "GET" and len(groups) == 1:
        form.organisation_id.data = str(groups[0].id)
    mine = services.find_registration(event.id, current_user.email)
    holds_place = mine is not None and mine.status in ("confirmed", "waitlisted")
    if holds_place and request.method == "POST" and request.form.get("give_up_place") != "yes":
        # A one-click form drawn before they registered: never give up a place without asking.
        page = url_for("events.apologies", slug=event.slug, next=_next_url())
        return hx_redirect(page)
    if form.validate_on_submit():
        group = _apologising_group(form, groups)
        try:
            result = registering.register(
                registering.RegistrationRequest(
                    event_id=event.id,
                    name=current_user.name,
                    email=current_user.email,
                    user_id=current_user.id,
                    organisation_name=group.name,
                    organisation_id=group.id,
                    status="apologies",
                )
            )
        except FieldProblem as problem:
            form.populate_errors(problem, "organisation_id")
        else:
            return _apologies_sent(event, result.registration, group)
    next_url = safe_next(request.values.get("next") or "", "") or None
    return render(
        "events/apologies.html",
        "events/_apologies_problem.html",
        event=event,
        form=form,
        groups=groups,
        mine=mine,
        next_url=next_url,
    )


def _apologising_group(form: ApologiesForm, groups: list[Organisation]) -> Organisation:
    """The chosen group; object-level check: only a member of a listed group may send its apologies (no IDOR)."""
    try:
        org_id = int(form.organisation_id.data)
    except (TypeError, ValueError):
        abort(400)
    group = next((g for g in groups if g.id == org_id), None)
    if group is None:  # not their group, or a group that is not (or no longer) listed
        abort(403)
    return group


def _apologies_sent(event: Event, registration: Registration, group: Organisation):
    if is_partial():
        html = render_template(
            "events/_registered.html", event=event, mine=registration, rank=None, next_url=_next_url()
        )
        return hx_trigger(make_response(html), REGISTRATION_CHANGED)
    flash(_("Apologies sent for %(group)s.", group=registration.organisation_name or group.name), "success")
    return redirect(_next_url() or url_for("events.detail", slug=event.slug), code=303)


def _next_url() -> str | None:
    """Where a one-click form asked to come back to (the member dashboard), same-site only."""
    target = request.form.get("next") or None
    return safe_next(target, "") or None


def _places_left_swap(event: Event) -> int | None:
    """Places left, for the event page's one-click form (it asks with swap_places; other pages that
    include the box have no "Places left" to swap)."""
    if request.form.get("swap_places") != "1" or event.capacity is None:
        return None
    return services.places_left(event)


def _registered_response(event: Event, registration: Registration, created: bool):
    rank = services.waitlist_rank(registration)
    if is_partial():
        groups = _my_groups()
        html = render_template(
            "events/_registered.html",
            event=event,
            mine=registration,
            rank=rank,
            guests=services.guests_of(registration),
            groups=groups,
            can_send_apologies=services.can_send_apologies(event, groups, registration),
            next_url=_next_url(),
            # The event page's "Places left" is swapped in the same response (hx-swap-oob).
            places_left_oob=_places_left_swap(event),
        )
        return hx_trigger(make_response(html), REGISTRATION_CHANGED)
    if not current_user.is_authenticated:
        return render_template(
            "events/registered.html",
            event=event,
            registration=registration,
            rank=rank,
            guests=services.guests_of(registration),
            # Only a waiting party is told how many places are free (no query on the common path).
            free=services.places_left(event)
            if registration.status == "waitlisted" and registration.guest_count
            else None,
        )
    if created:
        flash(
            _("You're on the waiting list (position %(rank)s).", rank=rank)
            if registration.status == "waitlisted"
            else _("You're registered."),
            "success",
        )
    return redirect(_next_url() or url_for("events.detail", slug=event.slug), code=303)


@bp.route("/events/<slug>/cancel-my-place", methods=["POST"])
@signed_in_required
def cancel_mine(slug: str):
    event = _visible_event(slug)
    mine = _my_registration(event)
    if mine is not None:
        was = mine.status
        registering.cancel_registration(mine.id)
        flash(
            _("Your apologies have been withdrawn.") if was == "apologies" else _("Your place has been cancelled."),
            "success",
        )
    return redirect(_next_url() or url_for("events.detail", slug=event.slug), code=303)


@bp.route("/events/<slug>/guests/<int:guest_id>/cancel", methods=["POST"])
@signed_in_required
def cancel_my_guest(slug: str, guest_id: int):
    """The registrant says one of their guests is not coming: that place is freed."""
    event = _visible_event(slug)
    mine = _my_registration(event)
    guest = db.session.get(Guest, guest_id)
    if mine is None or guest is None or guest.registration_id != mine.id:
        abort(404)  # only your own guests
    registering.cancel_guest(guest.id)
    flash(_("%(name)s is no longer coming. Their place has been freed.", name=guest.name), "success")
    return redirect(url_for("events.detail", slug=event.slug), code=303)


def _registration_from_token(token: str) -> Registration:
    data = read_token("event-cancel", token, CANCEL_TOKEN_MAX_AGE)
    try:
        registration = db.session.get(Registration, int(data["r"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenError("invalid") from exc
    if registration is None or registration.email != data.get("e"):
        raise TokenError("invalid")
    return registration


@bp.route("/events/cancel/<token>", methods=["GET", "POST"])
@public
def cancel_by_token(token: str):
    try:
        registration = _registration_from_token(token)
    except TokenError as exc:
        return render_template("events/link_problem.html", reason=exc.reason), 400
    event = db.session.get(Event, registration.event_id)
    form = ConfirmForm()
    if request.method == "POST":
        if registration.status != "cancelled":
            registering.cancel_registration(registration.id)
        return render_template("events/cancelled.html", event=event, registration=registration)
    return render_template(
        "events/cancel.html",
        event=event,
        registration=registration,
        form=form,
        token=token,
        guests=services.guests_of(registration) if registration.status != "cancelled" else [],
    )


@bp.route("/events/cancel/<token>/guests/<int:guest_id>", methods=["POST"])
@public
def cancel_guest_by_token(token: str, guest_id: int):
    """From the e-mailed link: one guest is not coming (people who registered without an account)."""
    try:
        registration = _registration_from_token(token)
    except TokenError as exc:
        return render_template("events/link_problem.html", reason=exc.reason), 400
    guest = db.session.get(Guest, guest_id)
    if guest is None or guest.registration_id != registration.id:
        abort(404)
    registering.cancel_guest(guest.id)
    flash(_("%(name)s is no longer coming. Their place has been freed.", name=guest.name), "success")
    return redirect(url_for("events.cancel_by_token", token=token), code=303)


@bp.route("/events/<slug>/agenda")
@public
def agenda(slug: str):
    event = _visible_event(slug)
    if not _can_see_agenda(event):
        if not current_user.is_authenticated and event.agenda_published:
            return redirect(url_for("auth.login", next=request.path))
        abort(404)
    previous = previous_in_series(event)
    previous_minutes = find_minutes(previous) if previous else None
    # The standing "Action plan progress update" item links to each plan's board report of
    # what changed since the previous meeting of the series (or the last quarter).
    report_since = (previous.starts_at if previous else event.starts_at - dt.timedelta(days=91)).date()
    return render_template(
        "events/agenda.html",
        event=event,
        items=agenda_items(event.id),
        reports=agenda_reports(),
        report_since=report_since,
        previous=previous,
        previous_minutes=previous_minutes if previous_minutes and previous_minutes.status == "published" else None,
    )


@bp.route("/events/<slug>/minutes")
@public
def minutes(slug: str):
    event = _visible_event(slug)
    record = find_minutes(event)
    if record is None or (record.status != "published" and not has_role(current_user, "staff")):
        abort(404)
    if event.audience == "members" and not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    event_with_actions = db.session.scalar(
        select(Event).where(Event.id == event.id).options(selectinload(Event.actions))
    )
    items = agenda_items(event.id)
    return render_template(
        "events/minutes.html",
        event=event_with_actions,
        minutes=record,
        attendance=attendance(event.id),
        items=items,
        by_item=actions_by_item(event_with_actions.actions, items),
    )


def _ics_response(body: bytes, filename: str) -> Response:
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/events/<slug>.ics")
@public
def event_ics(slug: str):
    event = _visible_event(slug)
    return _ics_response(calendar_for([event]), f"{event.slug}.ics")


@bp.route("/events.ics")
@public
def feed_ics():
    since = utcnow().replace(year=utcnow().year - 1)
    events = db.session.scalars(
        select(Event).where(Event.status == "published", Event.starts_at >= since).order_by(Event.starts_at)
    ).all()
    response = _ics_response(
        calendar_for(events, name=_("%(service)s events", service=current_app.config["SERVICE_NAME"])), "events.ics"
    )
    response.headers["Content-Disposition"] = 'inline; filename="events.ics"'
    return response
