"""Staff: a meeting's minutes and its actions arising."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from app.audit import record
from app.auth.models import User
from app.db import child_or_404, utcnow
from app.events import bp
from app.events.forms import ActionForm, ActionStatusForm, MinutesForm
from app.events.minutes import (
    agenda,
    attendance,
    find_minutes,
    mark_action_done,
    minutes_for,
    save_item_minutes,
    tell_action_owners,
)
from app.events.models import ActionArising, Event
from app.events.series import carry_actions_forward, open_actions_before, previous_in_series
from app.extensions import db
from app.i18n import _, ngettext
from app.security import sanitize_html, staff_required


@bp.route("/staff/events/<int:event_id>/minutes", methods=["GET", "POST"])
@staff_required
def staff_minutes(event_id: int):
    event = child_or_404(Event, event_id)
    minutes = find_minutes(event)
    form = MinutesForm(data={"body": minutes.body if minutes else ""}) if request.method == "GET" else MinutesForm()
    if request.method == "POST" and form.validate_on_submit():
        if form.publish.data and event.starts_at > utcnow():
            form.publish.errors = [
                _("Minutes cannot be published before the meeting starts. Save them as a draft for now")
            ]
        elif save_item_minutes(agenda(event.id), request.form):
            db.session.rollback()
            form.body.errors = [_("Notes and decisions for each agenda item must be 20,000 characters or fewer")]
        else:
            return _save_minutes(event, minutes, form)
    return _minutes_page(event, minutes, form)


def _save_minutes(event: Event, minutes, form: MinutesForm):
    minutes = minutes or minutes_for(event)
    minutes.body = sanitize_html(form.body.data)
    if form.publish.data:
        minutes.status, minutes.published_at = "published", minutes.published_at or utcnow()
        carry_actions_forward(event)
        told = tell_action_owners(event)
        record("event.minutes_published", event, owners_told=told)
        flash(
            _("The minutes are published.")
            + (
                " "
                + ngettext(
                    "%(num)s action owner has been emailed a link.",
                    "%(num)s action owners have been emailed a link.",
                    told,
                )
                if told
                else ""
            ),
            "success",
        )
    else:
        record("event.minutes_saved", event)
        flash(_("The draft minutes are saved."), "success")
    db.session.commit()
    return redirect(url_for("events.staff_minutes", event_id=event.id), code=303)


def _minutes_page(event: Event, minutes, form: MinutesForm):
    actions = db.session.scalars(
        select(ActionArising).where(ActionArising.event_id == event.id).order_by(ActionArising.id)
    ).all()
    previous = previous_in_series(event)
    items = agenda(event.id)
    return render_template(
        "events/staff/minutes.html",
        event=event,
        minutes=minutes,
        form=form,
        items=items,
        action_form=_action_choices(ActionForm(formdata=None), items),
        actions=actions,
        status_forms={a.id: ActionStatusForm(data={"status": a.status}, prefix=f"a{a.id}") for a in actions},
        attendance=attendance(event.id),
        carried=open_actions_before(event) if event.series_id else [],
        previous=previous,
        previous_minutes=find_minutes(previous) if previous else None,
        too_early=event.starts_at > utcnow(),
    )


@bp.route("/staff/events/<int:event_id>/actions", methods=["POST"])
@staff_required
def staff_action_add(event_id: int):
    event = child_or_404(Event, event_id)
    form = _action_choices(ActionForm(), agenda(event.id))
    if form.validate_on_submit():
        owner = db.session.get(User, int(form.owner_user_id.data)) if form.owner_user_id.data else None
        action = ActionArising(
            event_id=event.id,
            description=form.description.data,
            owner=form.owner.data or (owner.name if owner else ""),
            owner_user_id=owner.id if owner else None,
            agenda_item_id=int(form.agenda_item_id.data) if form.agenda_item_id.data else None,
            due_on=form.due_on.data,
            status=form.status.data,
        )
        db.session.add(action)
        record("event.action_added", event, description=action.description[:200])
        db.session.flush()
        minutes = find_minutes(event)
        if minutes is not None and minutes.status == "published":
            carry_actions_forward(event)
            tell_action_owners(event)
        db.session.commit()
        flash(_("Action added."), "success")
        return redirect(url_for("events.staff_minutes", event_id=event.id) + "#actions", code=303)
    for field in form:
        for error in field.errors:
            flash(error, "important")
    return redirect(url_for("events.staff_minutes", event_id=event.id) + "#actions", code=303)


def _action_choices(form: ActionForm, items: list) -> ActionForm:
    form.agenda_item_id.choices = [("", _("Other business"))] + [(str(i.id), i.title) for i in items]
    users = db.session.execute(
        select(User.id, User.name, User.email).where(User.active.is_(True)).order_by(User.name, User.id)
    ).all()
    form.owner_user_id.choices = [("", _("Nobody from the list"))] + [
        (str(u.id), f"{u.name} ({u.email})") for u in users
    ]
    return form


@bp.route("/staff/events/<int:event_id>/actions/<int:action_id>", methods=["POST"])
@staff_required
def staff_action_status(event_id: int, action_id: int):
    event = child_or_404(Event, event_id)
    # An action raised at an earlier meeting can be updated from a later one in the same series.
    action = child_or_404(ActionArising, action_id)
    raised_at = db.session.get(Event, action.event_id)
    if action.event_id != event.id and (event.series_id is None or raised_at.series_id != event.series_id):
        abort(404)
    form = ActionStatusForm(prefix=f"a{action.id}")
    if not form.validate_on_submit():
        abort(400)
    mark_action_done(action, form.status.data)
    record("event.action_status", event, action_id=action.id, status=action.status)
    db.session.commit()
    flash(_("Action marked “%(status)s”.", status=action.status_label.lower()), "success")
    return redirect(url_for("events.staff_minutes", event_id=event.id) + "#actions", code=303)
