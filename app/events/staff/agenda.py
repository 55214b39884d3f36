"""Staff: building a meeting agenda (add, edit, reorder, remove items; publish it to members)."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import func, select

from app.audit import record
from app.events import bp
from app.events.forms import AgendaItemForm, parse_time
from app.events.minutes import agenda, move_item, renumber
from app.events.models import AgendaItem, Event
from app.events.staff.lookups import csrf_or_400, event_or_404
from app.extensions import db
from app.forms import ConfirmForm
from app.htmx import is_partial, vary_on_htmx
from app.security import staff_required


def _agenda_context(
    event: Event,
    form: AgendaItemForm | None = None,
    editing: int | None = None,
    edit_form: AgendaItemForm | None = None,
    message: str | None = None,
) -> dict:
    return {
        "event": event,
        "items": agenda(event.id),
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
    event = event_or_404(event_id)
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
def staff_agenda_edit(event_id: int, item_id: int):
    event = event_or_404(event_id)
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
def staff_agenda_move(event_id: int, item_id: int, direction: str):
    event = event_or_404(event_id)
    item = _item_or_404(event, item_id)
    if direction not in ("up", "down"):
        abort(404)
    csrf_or_400()
    moved = move_item(item, -1 if direction == "up" else 1)
    db.session.commit()
    position = next(i for i, other in enumerate(agenda(event.id), start=1) if other.id == item.id)
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
def staff_agenda_delete(event_id: int, item_id: int):
    event = event_or_404(event_id)
    item = _item_or_404(event, item_id)
    csrf_or_400()
    title = item.title
    db.session.delete(item)
    db.session.flush()
    renumber(event.id)
    record("event.agenda_item_removed", event, title=title)
    db.session.commit()
    message = f"Removed “{title}” from the agenda."
    if is_partial():
        return _agenda_response(event, message=message)
    flash(message, "success")
    return redirect(url_for("events.staff_agenda", event_id=event.id), code=303)


@bp.route("/staff/events/<int:event_id>/agenda/publish", methods=["POST"])
@staff_required
def staff_agenda_publish(event_id: int):
    event = event_or_404(event_id)
    csrf_or_400()
    event.agenda_published = not event.agenda_published
    record("event.agenda_published" if event.agenda_published else "event.agenda_withdrawn", event)
    db.session.commit()
    flash(
        "The agenda is published to members." if event.agenda_published else "The agenda is no longer published.",
        "success",
    )
    return redirect(url_for("events.staff_agenda", event_id=event.id), code=303)
