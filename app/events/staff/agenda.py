"""Staff: building a meeting agenda (add, edit, reorder, remove items; publish it to members)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from app import ordering
from app.audit import record
from app.db import child_or_404
from app.events import bp
from app.events.forms import AgendaItemForm, parse_time
from app.events.minutes import agenda
from app.events.models import AgendaItem, Event
from app.events.series import make_standing
from app.extensions import db
from app.htmx import is_partial, render
from app.i18n import _
from app.security import staff_required
from app.text import join_words


def _agenda_response(
    event: Event,
    form: AgendaItemForm | None = None,
    editing: int | None = None,
    edit_form: AgendaItemForm | None = None,
    message: str | None = None,
):
    """The agenda page, or the editor fragment; a form with errors makes the fragment a 422."""
    return render(
        "events/staff/agenda.html",
        "events/staff/_agenda.html",
        event=event,
        items=agenda(event.id),
        form=form or AgendaItemForm(formdata=None),
        editing=editing,
        edit_form=edit_form,
        message=message,
    )


def _done(event: Event, message: str, anchor: str = ""):
    """After a change: the refreshed editor for HTMX, else back to the agenda page with the message."""
    if is_partial():
        return _agenda_response(event, message=message)
    flash(message, "success")
    return redirect(url_for("events.staff_agenda", event_id=event.id) + anchor, code=303)


def _edit_response(event: Event, item: AgendaItem, edit_form: AgendaItemForm):
    """Editing happens in place in the editor for HTMX, on a page of its own otherwise."""
    if is_partial():
        return _agenda_response(event, editing=item.id, edit_form=edit_form)
    return render_template("events/staff/agenda_item.html", event=event, item=item, form=edit_form)


def _fill_item(item: AgendaItem, form: AgendaItemForm) -> None:
    item.title = form.title.data
    item.presenter = form.presenter.data or ""
    item.start_time = parse_time(form.start_time.data) if form.start_time.data else None
    item.minutes_allotted = form.minutes_allotted.data
    item.notes = form.notes.data or ""
    item.paper_links = form.paper_links.data or ""
    item.standing = bool(form.standing.data)


def _form_from_item(item: AgendaItem) -> AgendaItemForm:
    data = {
        "title": item.title,
        "presenter": item.presenter,
        "minutes_allotted": item.minutes_allotted,
        "start_time": item.start_time.strftime("%H:%M") if item.start_time else "",
        "notes": item.notes,
        "paper_links": item.paper_links,
        "standing": item.standing,
    }
    return AgendaItemForm(data=data, prefix=f"item{item.id}")


@bp.route("/staff/events/<int:event_id>/agenda", methods=["GET", "POST"])
@staff_required
def staff_agenda(event_id: int):
    event = child_or_404(Event, event_id)
    if request.method == "GET":
        return _agenda_response(event)
    form = AgendaItemForm()
    if not form.validate_on_submit():
        return _agenda_response(event, form=form)
    position = db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.event_id == event.id)) or 0
    item = AgendaItem(event_id=event.id, position=position + 1)
    _fill_item(item, form)
    db.session.add(item)
    record("event.agenda_item_added", event, title=item.title)
    spread = _spread_if_standing(event, item, was_standing=False)
    db.session.commit()
    return _done(event, _("Added “%(title)s” to the agenda.", title=item.title) + spread)


def _spread_if_standing(event: Event, item: AgendaItem, *, was_standing: bool) -> str:
    """An item newly ticked as standing goes on every later meeting of the series not yet held; the
    message names them."""
    if not item.standing or was_standing or not event.series_id:
        return ""
    meetings = make_standing(event, item.title, item.minutes_allotted)
    record("event.standing_item_spread", event, title=item.title, meetings=[m.id for m in meetings])
    if not meetings:
        return " " + _("It is now a standing item of the series.")
    names = join_words([m.title for m in meetings], _("and"))
    return " " + _("As a standing item it was also added to %(meetings)s.", meetings=names)


@bp.route("/staff/events/<int:event_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_agenda_edit(event_id: int, item_id: int):
    event = child_or_404(Event, event_id)
    item = child_or_404(AgendaItem, item_id, parent=event)
    if request.method == "GET":
        return _edit_response(event, item, _form_from_item(item))
    edit_form = AgendaItemForm(prefix=f"item{item.id}")
    if not edit_form.validate_on_submit():
        return _edit_response(event, item, edit_form)
    was_standing = item.standing
    _fill_item(item, edit_form)
    record("event.agenda_item_changed", event, item_id=item.id, title=item.title)
    spread = _spread_if_standing(event, item, was_standing=was_standing)
    db.session.commit()
    return _done(event, _("Saved “%(title)s”.", title=item.title) + spread)


@bp.route("/staff/events/<int:event_id>/agenda/<int:item_id>/move/<direction>", methods=["POST"])
@staff_required
def staff_agenda_move(event_id: int, item_id: int, direction: str):
    event = child_or_404(Event, event_id)
    item = child_or_404(AgendaItem, item_id, parent=event)
    items = agenda(event.id)
    moved = ordering.move(items, item, ordering.step(direction))
    position = items.index(item) + 1
    db.session.commit()
    message = _move_message(item.title, direction, position, moved=moved)
    return _done(event, message, anchor=f"#item-{item.id}")


def _move_message(title: str, direction: str, position: int, *, moved: bool) -> str:
    if direction == "up":
        if moved:
            return _("Moved “%(title)s” up to number %(number)s.", title=title, number=position)
        return _("“%(title)s” cannot move up.", title=title)
    if moved:
        return _("Moved “%(title)s” down to number %(number)s.", title=title, number=position)
    return _("“%(title)s” cannot move down.", title=title)


@bp.route("/staff/events/<int:event_id>/agenda/<int:item_id>/delete", methods=["POST"])
@staff_required
def staff_agenda_delete(event_id: int, item_id: int):
    event = child_or_404(Event, event_id)
    item = child_or_404(AgendaItem, item_id, parent=event)
    title = item.title
    db.session.delete(item)
    db.session.flush()
    ordering.renumber(agenda(event.id))
    record("event.agenda_item_removed", event, title=title)
    db.session.commit()
    return _done(event, _("Removed “%(title)s” from the agenda.", title=title))


@bp.route("/staff/events/<int:event_id>/agenda/publish", methods=["POST"])
@staff_required
def staff_agenda_publish(event_id: int):
    event = child_or_404(Event, event_id)
    event.agenda_published = not event.agenda_published
    record("event.agenda_published" if event.agenda_published else "event.agenda_withdrawn", event)
    db.session.commit()
    flash(
        _("The agenda is published to members.") if event.agenda_published else _("The agenda is no longer published."),
        "success",
    )
    return redirect(url_for("events.staff_agenda", event_id=event.id), code=303)
