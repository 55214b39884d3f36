"""Staff: a draft bulletin's items (added, from a content source, edited in place, moved, removed)."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for

from app import coedit
from app.audit import record
from app.db import child_or_404
from app.extensions import db
from app.htmx import hx_redirect, is_partial, render, vary_on_htmx
from app.i18n import _, _l
from app.mailing import bp
from app.mailing.forms import ItemForm
from app.mailing.models import ITEM_KINDS, Bulletin, BulletinItem
from app.mailing.sources import SOURCES as CONTENT_SOURCES
from app.mailing.staff.bulletins import compose_context, ensure_draft
from app.ordering import move, renumber, step
from app.security import staff_required


def _after_item_change(bulletin: Bulletin, message: str):
    """The items fragment announcing `message` for HTMX; else back to the composer with it flashed."""
    if is_partial():
        db.session.refresh(bulletin, ["items"])
        return render_template("mailing/staff/_items.html", message=message, **compose_context(bulletin))
    flash(message, "success")
    return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id, _anchor="items"), code=303)


def _in_order(bulletin: Bulletin) -> list[BulletinItem]:
    return sorted(bulletin.items, key=lambda i: (i.position, i.id))


@bp.route("/staff/bulletins/<int:bulletin_id>/items", methods=["POST"])
@staff_required
def staff_item_add(bulletin_id: int):
    bulletin = child_or_404(Bulletin, bulletin_id)
    ensure_draft(bulletin)
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
        return _after_item_change(bulletin, _("Item ‘%(heading)s’ added.", heading=item.heading))
    return render(
        "mailing/staff/compose.html", "mailing/staff/_items.html", **compose_context(bulletin, item_form=form)
    )


@bp.route("/staff/bulletins/<int:bulletin_id>/items/from-source", methods=["POST"])
@staff_required
def staff_item_from_source(bulletin_id: int):
    bulletin = child_or_404(Bulletin, bulletin_id)
    ensure_draft(bulletin)
    source = CONTENT_SOURCES.get(request.form.get("source", ""))
    found = source.get(request.form.get("key", "")[:100]) if source else None
    if found is None or found.kind not in ITEM_KINDS:
        flash(_("That content is no longer available."), "important")
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
    return _after_item_change(bulletin, _("Item ‘%(heading)s’ added.", heading=item.heading))


def _draft_item(bulletin_id: int, item_id: int) -> tuple[Bulletin, BulletinItem]:
    """A bulletin that can still be changed and one of its items (another bulletin's item is a 404)."""
    bulletin = child_or_404(Bulletin, bulletin_id)
    ensure_draft(bulletin)
    return bulletin, child_or_404(BulletinItem, item_id, parent=bulletin)


ITEM_TEXT = ("kind", "heading", "body", "link")
CLASH = _l("Someone else saved a change to this while you were editing: see their text, then save again")


class _ItemCoedit:
    """Two staff editing one item at once (app/coedit.py): each saves only what they changed, and a
    field both changed is shown with the other's text instead of being overwritten."""

    def __init__(self, item: BulletinItem, form: ItemForm):
        self.form = form
        self.stored = {name: getattr(item, name) or "" for name in ITEM_TEXT}
        self.names = {name: coedit.was_name(form[name].name) for name in ITEM_TEXT}  # prefixed per item
        self.was = {name: request.form.get(self.names[name], self.stored[name]) for name in ITEM_TEXT}
        self.conflicts: dict[str, str] = {}
        self.changes: dict[str, str] = {}

    def merge(self) -> bool:
        started = {name: request.form[key] for name, key in self.names.items() if key in request.form}
        result = coedit.merge(self.stored, {name: self.form[name].data or "" for name in ITEM_TEXT}, started)
        for name, theirs in result.conflicts.items():
            self.conflicts[name] = ITEM_KINDS.get(theirs, theirs) if name == "kind" else theirs
            self.was[name] = theirs  # the next save, having seen their text, goes through
            self.form[name].errors.append(str(CLASH))
        self.changes = result.changes
        return not result.conflicts


def _item_form(item: BulletinItem) -> ItemForm:
    """The form that edits one item; its prefix keeps its field ids apart from the add form's."""
    return ItemForm(prefix=f"item-{item.id}", obj=item)


@bp.route("/staff/bulletins/<int:bulletin_id>/items/<int:item_id>")
@staff_required
def staff_item(bulletin_id: int, item_id: int):
    """One item as shown in the composer: HTMX asks for it when an inline edit is cancelled."""
    bulletin = child_or_404(Bulletin, bulletin_id)
    item = child_or_404(BulletinItem, item_id, parent=bulletin)
    if not is_partial():
        return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id, _anchor=f"bulletin-item-{item.id}"))
    return vary_on_htmx(make_response(render_template("mailing/staff/_item.html", bulletin=bulletin, item=item)))


@bp.route("/staff/bulletins/<int:bulletin_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_item_edit(bulletin_id: int, item_id: int):
    """Edit an item in place (HTMX swaps the form into the item) or on its own page without JavaScript."""
    bulletin, item = _draft_item(bulletin_id, item_id)
    form = _item_form(item)
    shared = _ItemCoedit(item, form)
    if form.validate_on_submit() and shared.merge():
        before = {name: getattr(item, name) for name in ITEM_TEXT}
        for name, value in shared.changes.items():
            setattr(item, name, (value or None) if name == "link" else value)
        changed = [name for name, value in before.items() if getattr(item, name) != value]
        if changed:
            record("bulletin.item_edited", bulletin, item_id=item.id, heading=item.heading, changed=changed)
        db.session.commit()
        message = (
            _("Item ‘%(heading)s’ saved.", heading=item.heading)
            if changed
            else _("Item ‘%(heading)s’ not changed.", heading=item.heading)
        )
        if is_partial():
            return render_template("mailing/staff/_item.html", bulletin=bulletin, item=item, message=message)
        flash(message, "success")
        return redirect(
            url_for("mailing.staff_bulletin", bulletin_id=bulletin.id, _anchor=f"bulletin-item-{item.id}"), code=303
        )
    return render(
        "mailing/staff/item_edit.html",
        "mailing/staff/_item_edit.html",
        bulletin=bulletin,
        item=item,
        form=form,
        coedit=shared,
    )


@bp.route("/staff/bulletins/<int:bulletin_id>/items/<int:item_id>/move", methods=["POST"])
@staff_required
def staff_item_move(bulletin_id: int, item_id: int):
    bulletin, item = _draft_item(bulletin_id, item_id)
    direction = request.form.get("direction")
    items = _in_order(bulletin)
    # An unknown direction is a no-op here, not the 404 that step() gives for a URL segment.
    if direction not in ("up", "down") or not move(items, item, step(direction), start=0):
        return _after_item_change(bulletin, _("‘%(heading)s’ did not move.", heading=item.heading))
    db.session.commit()
    where = {"heading": item.heading, "position": items.index(item) + 1, "total": len(items)}
    if direction == "up":
        return _after_item_change(bulletin, _("‘%(heading)s’ moved up to position %(position)s of %(total)s.", **where))
    return _after_item_change(bulletin, _("‘%(heading)s’ moved down to position %(position)s of %(total)s.", **where))


@bp.route("/staff/bulletins/<int:bulletin_id>/items/<int:item_id>/delete", methods=["POST"])
@staff_required
def staff_item_delete(bulletin_id: int, item_id: int):
    bulletin, item = _draft_item(bulletin_id, item_id)
    bulletin.items.remove(item)
    renumber(_in_order(bulletin), start=0)
    record("bulletin.item_removed", bulletin, heading=item.heading)
    db.session.commit()
    return _after_item_change(bulletin, _("Item ‘%(heading)s’ removed.", heading=item.heading))
