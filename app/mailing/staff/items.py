"""Staff: a draft bulletin's items (added, from a content source, edited in place, moved, removed)."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for

from app.audit import record
from app.extensions import db
from app.forms import ConfirmForm
from app.htmx import hx_redirect, is_partial, vary_on_htmx
from app.mailing import bp
from app.mailing.forms import ItemForm
from app.mailing.models import ITEM_KINDS, Bulletin, BulletinItem
from app.mailing.sources import SOURCES as CONTENT_SOURCES
from app.mailing.staff.bulletins import bulletin_or_404, compose_context, draft_or_redirect
from app.security import staff_required


def _items_response(bulletin: Bulletin, item_form: ItemForm | None = None, message: str = "", status: int = 200):
    db.session.refresh(bulletin, ["items"])
    context = compose_context(bulletin, item_form=item_form)
    context["message"] = message
    return render_template("mailing/staff/_items.html", **context), status


def _after_item_change(bulletin: Bulletin, message: str, item_form: ItemForm | None = None):
    if is_partial():
        return _items_response(bulletin, item_form=item_form, message=message)
    flash(message, "success")
    return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id, _anchor="items"), code=303)


def _renumber(bulletin: Bulletin) -> None:
    for position, item in enumerate(sorted(bulletin.items, key=lambda i: (i.position, i.id))):
        item.position = position


@bp.route("/staff/bulletins/<int:bulletin_id>/items", methods=["POST"])
@staff_required
def staff_item_add(bulletin_id: int):
    bulletin = bulletin_or_404(bulletin_id)
    blocked = draft_or_redirect(bulletin)
    if blocked:
        return blocked
    form = ItemForm()
    if form.validate_on_submit():
        item = BulletinItem(
            kind=form.kind.data,
            heading=form.heading.data,
            body=form.body.data,
            link=form.link.data or None,
            position=len(bulletin.items),
        )
        bulletin.items.append(item)
        record("bulletin.item_added", bulletin, heading=item.heading)
        db.session.commit()
        return _after_item_change(bulletin, f"Item ‘{item.heading}’ added.")
    if is_partial():
        return _items_response(bulletin, item_form=form, status=422)
    return render_template("mailing/staff/compose.html", **compose_context(bulletin, item_form=form))


@bp.route("/staff/bulletins/<int:bulletin_id>/items/from-source", methods=["POST"])
@staff_required
def staff_item_from_source(bulletin_id: int):
    bulletin = bulletin_or_404(bulletin_id)
    blocked = draft_or_redirect(bulletin)
    if blocked:
        return blocked
    if not ConfirmForm().validate_on_submit():
        abort(400)
    source = CONTENT_SOURCES.get(request.form.get("source", ""))
    found = source.get(request.form.get("key", "")[:100]) if source else None
    if found is None or found.kind not in ITEM_KINDS:
        flash("That content is no longer available.", "important")
        return hx_redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id))
    link = found.link if found.link and found.link.startswith(("https://", "http://")) else None
    item = BulletinItem(
        kind=found.kind,
        heading=found.heading[:200],
        body=found.body[:2000] or found.heading,
        link=link,
        position=len(bulletin.items),
        source=f"{source.name}:{found.key}"[:100],
    )
    bulletin.items.append(item)
    record("bulletin.item_added", bulletin, heading=item.heading, source=item.source)
    db.session.commit()
    return _after_item_change(bulletin, f"Item ‘{item.heading}’ added.")


def _item_or_404(bulletin: Bulletin, item_id: int) -> BulletinItem:
    item = next((i for i in bulletin.items if i.id == item_id), None)
    if item is None:  # an item of another bulletin is not found here either (no IDOR)
        abort(404)
    return item


def _item_form(item: BulletinItem) -> ItemForm:
    """The form that edits one item; its prefix keeps its field ids apart from the add form's."""
    return ItemForm(prefix=f"item-{item.id}", obj=item)


@bp.route("/staff/bulletins/<int:bulletin_id>/items/<int:item_id>")
@staff_required
def staff_item(bulletin_id: int, item_id: int):
    """One item as shown in the composer: HTMX asks for it when an inline edit is cancelled."""
    bulletin = bulletin_or_404(bulletin_id)
    item = _item_or_404(bulletin, item_id)
    if not is_partial():
        return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id, _anchor=f"bulletin-item-{item.id}"))
    return vary_on_htmx(make_response(render_template("mailing/staff/_item.html", bulletin=bulletin, item=item)))


@bp.route("/staff/bulletins/<int:bulletin_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_item_edit(bulletin_id: int, item_id: int):
    """Edit an item in place (HTMX swaps the form into the item) or on its own page without JavaScript."""
    bulletin = bulletin_or_404(bulletin_id)
    blocked = draft_or_redirect(bulletin)
    if blocked:
        return blocked
    item = _item_or_404(bulletin, item_id)
    form = _item_form(item)
    if form.validate_on_submit():
        before = {name: getattr(item, name) for name in ("kind", "heading", "body", "link")}
        item.kind, item.heading, item.body = form.kind.data, form.heading.data, form.body.data
        item.link = form.link.data or None
        changed = [name for name, value in before.items() if getattr(item, name) != value]
        if changed:
            record("bulletin.item_edited", bulletin, item_id=item.id, heading=item.heading, changed=changed)
        db.session.commit()
        message = f"Item ‘{item.heading}’ saved." if changed else f"Item ‘{item.heading}’ not changed."
        if is_partial():
            return render_template("mailing/staff/_item.html", bulletin=bulletin, item=item, message=message)
        flash(message, "success")
        return redirect(
            url_for("mailing.staff_bulletin", bulletin_id=bulletin.id, _anchor=f"bulletin-item-{item.id}"), code=303
        )
    status = 422 if form.errors and is_partial() else 200
    template = "mailing/staff/_item_edit.html" if is_partial() else "mailing/staff/item_edit.html"
    response = make_response(render_template(template, bulletin=bulletin, item=item, form=form), status)
    return vary_on_htmx(response)


@bp.route("/staff/bulletins/<int:bulletin_id>/items/<int:item_id>/move", methods=["POST"])
@staff_required
def staff_item_move(bulletin_id: int, item_id: int):
    bulletin = bulletin_or_404(bulletin_id)
    blocked = draft_or_redirect(bulletin)
    if blocked:
        return blocked
    item = _item_or_404(bulletin, item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _renumber(bulletin)
    items = sorted(bulletin.items, key=lambda i: i.position)
    index = items.index(item)
    direction = request.form.get("direction")
    other = index - 1 if direction == "up" else index + 1 if direction == "down" else None
    if other is None or not 0 <= other < len(items):
        return _after_item_change(bulletin, f"‘{item.heading}’ did not move.")
    items[index].position, items[other].position = items[other].position, items[index].position
    db.session.commit()
    where = "up" if direction == "up" else "down"
    return _after_item_change(bulletin, f"‘{item.heading}’ moved {where} to position {other + 1} of {len(items)}.")


@bp.route("/staff/bulletins/<int:bulletin_id>/items/<int:item_id>/delete", methods=["POST"])
@staff_required
def staff_item_delete(bulletin_id: int, item_id: int):
    bulletin = bulletin_or_404(bulletin_id)
    blocked = draft_or_redirect(bulletin)
    if blocked:
        return blocked
    item = _item_or_404(bulletin, item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    bulletin.items.remove(item)
    _renumber(bulletin)
    record("bulletin.item_removed", bulletin, heading=item.heading)
    db.session.commit()
    return _after_item_change(bulletin, f"Item ‘{item.heading}’ removed.")
