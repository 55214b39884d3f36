"""Staff pages: subscribers (/staff/mailing-list), topics, and bulletins (/staff/bulletins)."""

from __future__ import annotations

import datetime as dt
import json

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.audit import record
from app.db import utcnow
from app.extensions import db
from app.forms import ConfirmForm
from app.htmx import hx_redirect, is_partial, vary_on_htmx
from app.mail import OutboxMessage, enqueue
from app.mailing import bp, importer
from app.mailing import services as mailing
from app.mailing.delivery import list_headers, render_bulletin
from app.mailing.forms import (
    BulletinForm,
    ImportForm,
    ItemForm,
    SendForm,
    StaffAddForm,
    SubscriberTopicsForm,
    TopicForm,
)
from app.mailing.models import (
    ITEM_KINDS,
    LAWFUL_BASES,
    SOURCES,
    SUBSCRIBER_STATUS_LABELS,
    Bulletin,
    BulletinItem,
    Subscriber,
    Subscription,
    Topic,
)
from app.mailing.sources import SOURCES as CONTENT_SOURCES
from app.pagination import govuk_pagination, paginate
from app.security import staff_required
from app.spreadsheets import ImportRefused
from app.template_helpers import LONDON

# --- subscribers -----------------------------------------------------------------------------


def _subscriber_or_404(subscriber_id: int) -> Subscriber:
    subscriber = db.session.get(Subscriber, subscriber_id)
    if subscriber is None:
        abort(404)
    return subscriber


@bp.route("/staff/mailing-list")
@staff_required
def staff_subscribers():
    q = (request.args.get("q") or "").strip()[:200]
    status = request.args.get("status") if request.args.get("status") in SUBSCRIBER_STATUS_LABELS else ""
    topics = mailing.active_topics()
    topic = request.args.get("topic", "")
    topic_id = int(topic) if topic.isdigit() and int(topic) in {t.id for t in topics} else None
    query = select(Subscriber).order_by(Subscriber.created_at.desc(), Subscriber.id.desc())
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(
                Subscriber.email.like(like),
                func.lower(Subscriber.name).like(like),
                func.lower(Subscriber.organisation_name).like(like),
            )
        )
    if status:
        query = query.where(Subscriber.status == status)
    if topic_id:
        query = query.where(
            select(Subscription.id)
            .where(Subscription.subscriber_id == Subscriber.id, Subscription.topic_id == topic_id)
            .exists()
        )
    pager = paginate(query.options(selectinload(Subscriber.subscriptions)), per_page=current_app.config["PAGE_SIZE"])
    counts = dict(db.session.execute(select(Subscriber.status, func.count()).group_by(Subscriber.status)).all())
    context = {
        "pager": pager,
        "q": q,
        "status": status,
        "topic": str(topic_id or ""),
        "topics": topics,
        "counts": counts,
        "status_labels": SUBSCRIBER_STATUS_LABELS,
        "pagination": govuk_pagination(pager, "mailing.staff_subscribers", q=q, status=status, topic=topic_id),
    }
    template = "mailing/staff/_subscribers_table.html" if is_partial() else "mailing/staff/subscribers.html"
    return vary_on_htmx(make_response(render_template(template, **context)))


@bp.route("/staff/mailing-list/add", methods=["GET", "POST"])
@staff_required
def staff_add_subscriber():
    form = StaffAddForm()
    form.topics.choices = mailing.topic_choices()
    if form.validate_on_submit():
        if mailing.is_suppressed(form.email.data):
            form.email.errors.append(
                "This address was erased or asked not to be contacted, so it cannot be added. "
                "The person can join again themselves using the sign-up form"
            )
        elif mailing.find_subscriber(form.email.data) is not None:
            form.email.errors.append("This address is already on the mailing list. Search for it to change it")
        else:
            basis = form.lawful_basis.data
            topic_ids = [int(t) for t in form.topics.data]
            subscriber = mailing.new_subscriber(
                email=form.email.data,
                name=form.name.data,
                organisation_name=form.organisation_name.data or None,
                status="pending" if basis == "ask" else "confirmed",
                lawful_basis="consent" if basis == "ask" else basis,
                consent_evidence=form.evidence.data or None,
                source="staff",
            )
            if basis == "ask":
                mailing.send_confirmation(subscriber, topic_ids)
            else:
                subscriber.confirmed_at = subscriber.consent_at = utcnow()
                mailing.set_topics(subscriber, topic_ids)
            record("subscriber.added", subscriber, lawful_basis=basis)
            db.session.commit()
            flash(
                f"{subscriber.email} has been sent a confirmation email."
                if basis == "ask"
                else f"{subscriber.email} has been added to the mailing list.",
                "success",
            )
            return redirect(url_for("mailing.staff_subscribers"), code=303)
    return render_template("mailing/staff/add.html", form=form)


@bp.route("/staff/mailing-list/import", methods=["GET", "POST"])
@staff_required
def staff_import():
    form = ImportForm()
    results, error, counts = None, None, None
    if form.validate_on_submit():
        upload = request.files.get("file")
        text = form.csv_text.data or ""
        if upload and upload.filename:
            try:
                text = importer.read_upload(upload.read(importer.MAX_BYTES + 1))
            except ImportRefused as exc:
                error = str(exc)
        if not text and not error:
            error = "Choose a CSV file to import"
        if not error:
            try:
                results = importer.check_rows(text)
            except ValueError as exc:  # ImportRefused is a ValueError
                error = str(exc)
        if error:
            form.file.errors = [error]
        elif request.form.get("confirm") == "yes":
            counts = importer.apply_rows(results)
            record("subscribers.imported", None, **counts)
            db.session.commit()
            flash(
                f"Imported {counts['confirmed']} subscribed and {counts['pending']} waiting for confirmation. "
                f"Skipped {counts['exists']} already on the list, refused {counts['suppressed'] + counts['invalid']}.",
                "success",
            )
            return redirect(url_for("mailing.staff_subscribers"), code=303)
        else:
            form.csv_text.data = text
    summary = None
    if results is not None:
        summary = {k: sum(1 for r in results if r.outcome == k) for k in importer.OUTCOMES}
    return render_template(
        "mailing/staff/import.html",
        form=form,
        results=results,
        summary=summary,
        outcomes=importer.OUTCOMES,
        columns=importer.COLUMNS,
    )


@bp.route("/staff/mailing-list/export.csv")
@staff_required
def staff_export():
    record("subscribers.exported", None)
    db.session.commit()
    response = make_response(importer.export_csv())
    response.mimetype = "text/csv"
    stamp = utcnow().astimezone(LONDON).strftime("%Y-%m-%d")
    response.headers["Content-Disposition"] = f'attachment; filename="mailing-list-{stamp}.csv"'
    return response


# Staff may change the topics of people who are on the list. Nobody else: a pending person has
# not opted in, and an unsubscribed one has left; only they can (re)join, by confirming themselves.
TOPICS_EDITABLE = ("confirmed", "bouncing")


def _subscriber_page(subscriber: Subscriber, topics_form: SubscriberTopicsForm | None = None, status: int = 200):
    subscribed = mailing.topic_ids_of(subscriber)
    all_topics = db.session.scalars(select(Topic).order_by(Topic.archived, Topic.position, Topic.name)).all()
    topics = [t for t in all_topics if t.id in subscribed]
    if topics_form is None and subscriber.status in TOPICS_EDITABLE:
        topics_form = SubscriberTopicsForm(formdata=None, data={"topics": [str(t.id) for t in topics]})
    if topics_form is not None:
        topics_form.topics.choices = mailing.topic_choices()
    history = (
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_addr == subscriber.email)
            .order_by(OutboxMessage.id.desc())
            .limit(20)
        ).all()
        if subscriber.email
        else []
    )
    page = render_template(
        "mailing/staff/subscriber.html",
        subscriber=subscriber,
        topics=topics,
        topics_form=topics_form,
        history=history,
        bases=LAWFUL_BASES,
        sources=SOURCES,
    )
    return page, status


@bp.route("/staff/mailing-list/<int:subscriber_id>")
@staff_required
def staff_subscriber(subscriber_id: int):
    return _subscriber_page(_subscriber_or_404(subscriber_id))


@bp.route("/staff/mailing-list/<int:subscriber_id>/topics", methods=["POST"])
@staff_required
def staff_subscriber_topics(subscriber_id: int):
    """Change a subscribed person's topics (audited). Their status never changes here."""
    subscriber = _subscriber_or_404(subscriber_id)
    page = url_for("mailing.staff_subscriber", subscriber_id=subscriber.id)
    if subscriber.status not in TOPICS_EDITABLE:
        flash(
            "Only a subscribed person’s topics can be changed. Someone who is waiting for confirmation or has "
            "unsubscribed chooses their topics when they confirm their address themselves.",
            "important",
        )
        return redirect(page, code=303)
    form = SubscriberTopicsForm()
    form.topics.choices = mailing.topic_choices()
    if not form.validate_on_submit():
        return _subscriber_page(subscriber, topics_form=form)
    names = {t.id: t.name for t in db.session.scalars(select(Topic))}
    before = mailing.topic_ids_of(subscriber)
    mailing.set_topics(subscriber, [int(t) for t in form.topics.data], keep_archived=True)
    after = mailing.topic_ids_of(subscriber)
    if before == after:
        flash("Nothing was changed.", "success")
    else:
        record(
            "subscriber.topics_changed",
            subscriber,
            added=sorted(names[t] for t in after - before),
            removed=sorted(names[t] for t in before - after),
        )
        db.session.commit()
        flash(f"Topics saved for {subscriber.name or subscriber.email}.", "success")
    return redirect(page, code=303)


@bp.route("/staff/mailing-list/<int:subscriber_id>/export.json")
@staff_required
def staff_subscriber_export(subscriber_id: int):
    subscriber = _subscriber_or_404(subscriber_id)
    if subscriber.status == "erased":
        abort(404)
    data = mailing.subject_access_export(subscriber)
    record("subscriber.data_exported", subscriber)
    db.session.commit()
    response = make_response(json.dumps(data, indent=2, ensure_ascii=False))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = f'attachment; filename="subscriber-{subscriber.id}-data.json"'
    return response


@bp.route("/staff/mailing-list/<int:subscriber_id>/erase", methods=["GET", "POST"])
@staff_required
def staff_erase(subscriber_id: int):
    subscriber = _subscriber_or_404(subscriber_id)
    if subscriber.status == "erased":
        flash("This person’s data has already been erased.", "important")
        return redirect(url_for("mailing.staff_subscribers"), code=303)
    form = ConfirmForm()
    if form.validate_on_submit():
        mailing.erase(subscriber)
        db.session.commit()
        flash("The person’s data has been erased. Their address cannot be imported or added again.", "success")
        return redirect(url_for("mailing.staff_subscribers"), code=303)
    return render_template("mailing/staff/erase.html", subscriber=subscriber, form=form)


# --- topics ----------------------------------------------------------------------------------


@bp.route("/staff/mailing-list/topics", methods=["GET", "POST"])
@staff_required
def staff_topics():
    form = TopicForm()
    if form.validate_on_submit():
        exists = db.session.scalar(select(Topic.id).where(func.lower(Topic.name) == form.name.data.lower()))
        if exists:
            form.name.errors.append("There is already a topic with this name")
        else:
            position = (db.session.scalar(select(func.max(Topic.position))) or 0) + 1
            topic = Topic(name=form.name.data, description=form.description.data or "", position=position)
            db.session.add(topic)
            record("topic.added", topic, name=topic.name)
            db.session.commit()
            flash(f"Topic ‘{topic.name}’ added.", "success")
            return redirect(url_for("mailing.staff_topics"), code=303)
    topics = db.session.scalars(select(Topic).order_by(Topic.archived, Topic.position, Topic.name)).all()
    counts = dict(
        db.session.execute(
            select(Subscription.topic_id, func.count())
            .join(Subscriber, Subscriber.id == Subscription.subscriber_id)
            .where(Subscriber.status == "confirmed")
            .group_by(Subscription.topic_id)
        ).all()
    )
    return render_template(
        "mailing/staff/topics.html", form=form, topics=topics, counts=counts, action_form=ConfirmForm()
    )


@bp.route("/staff/mailing-list/topics/<int:topic_id>/archive", methods=["POST"])
@staff_required
def staff_topic_archive(topic_id: int):
    topic = db.session.get(Topic, topic_id)
    if topic is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    topic.archived = not topic.archived
    record("topic.archived" if topic.archived else "topic.restored", topic, name=topic.name)
    db.session.commit()
    flash(f"Topic ‘{topic.name}’ {'archived' if topic.archived else 'restored'}.", "success")
    return redirect(url_for("mailing.staff_topics"), code=303)


# --- bulletins -------------------------------------------------------------------------------


def _bulletin_or_404(bulletin_id: int) -> Bulletin:
    bulletin = db.session.get(Bulletin, bulletin_id)
    if bulletin is None:
        abort(404)
    return bulletin


def _draft_or_redirect(bulletin: Bulletin):
    if not bulletin.editable:
        flash("This bulletin has been sent or scheduled, so it can no longer be changed.", "important")
        return hx_redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id))
    return None


@bp.route("/staff/bulletins")
@staff_required
def staff_bulletins():
    query = select(Bulletin).order_by(Bulletin.created_at.desc(), Bulletin.id.desc())
    pager = paginate(query, per_page=25)
    return render_template(
        "mailing/staff/bulletins.html", pager=pager, pagination=govuk_pagination(pager, "mailing.staff_bulletins")
    )


def _apply_details(bulletin: Bulletin, form: BulletinForm) -> None:
    bulletin.title = form.title.data
    bulletin.intro = form.intro.data or ""
    ids = {int(t) for t in form.topics.data}
    bulletin.topics = list(db.session.scalars(select(Topic).where(Topic.id.in_(ids))))


@bp.route("/staff/bulletins/new", methods=["GET", "POST"])
@staff_required
def staff_bulletin_new():
    form = BulletinForm()
    form.topics.choices = mailing.topic_choices()
    if form.validate_on_submit():
        bulletin = Bulletin(created_by_id=current_user.id, slug=mailing.unique_slug(form.title.data))
        _apply_details(bulletin, form)
        db.session.add(bulletin)
        record("bulletin.created", bulletin, title=bulletin.title)
        db.session.commit()
        flash("Bulletin created. Now add its items.", "success")
        return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id), code=303)
    return render_template("mailing/staff/bulletin_new.html", form=form)


def _compose_context(bulletin: Bulletin, item_form: ItemForm | None = None, details: BulletinForm | None = None):
    if details is None:
        details = BulletinForm(
            formdata=None,
            data={"title": bulletin.title, "intro": bulletin.intro, "topics": [str(t.id) for t in bulletin.topics]},
        )
        details.topics.choices = mailing.topic_choices()
    sources = []
    if bulletin.editable:
        for source in CONTENT_SOURCES.values():
            try:
                candidates = source.candidates(5)
            except Exception:  # a broken source must not break the composer
                current_app.logger.exception("content source %s failed", source.name)
                candidates = []
            sources.append((source, candidates))
    return {
        "bulletin": bulletin,
        "details": details,
        "item_form": item_form or ItemForm(formdata=None),
        "action_form": ConfirmForm(),
        "sources": sources,
        "kinds": ITEM_KINDS,
        "recipients": mailing.recipient_count(bulletin),
    }


@bp.route("/staff/bulletins/<int:bulletin_id>", methods=["GET", "POST"])
@staff_required
def staff_bulletin(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    details = None
    if request.method == "POST":
        blocked = _draft_or_redirect(bulletin)
        if blocked:
            return blocked
        details = BulletinForm()
        details.topics.choices = mailing.topic_choices()
        if details.validate_on_submit():
            _apply_details(bulletin, details)
            record("bulletin.edited", bulletin)
            db.session.commit()
            flash("Bulletin details saved.", "success")
            return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id), code=303)
    return render_template("mailing/staff/compose.html", **_compose_context(bulletin, details=details))


def _items_response(bulletin: Bulletin, item_form: ItemForm | None = None, message: str = "", status: int = 200):
    db.session.refresh(bulletin, ["items"])
    context = _compose_context(bulletin, item_form=item_form)
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
    bulletin = _bulletin_or_404(bulletin_id)
    blocked = _draft_or_redirect(bulletin)
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
    return render_template("mailing/staff/compose.html", **_compose_context(bulletin, item_form=form))


@bp.route("/staff/bulletins/<int:bulletin_id>/items/from-source", methods=["POST"])
@staff_required
def staff_item_from_source(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    blocked = _draft_or_redirect(bulletin)
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
    bulletin = _bulletin_or_404(bulletin_id)
    item = _item_or_404(bulletin, item_id)
    if not is_partial():
        return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id, _anchor=f"bulletin-item-{item.id}"))
    return vary_on_htmx(make_response(render_template("mailing/staff/_item.html", bulletin=bulletin, item=item)))


@bp.route("/staff/bulletins/<int:bulletin_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_item_edit(bulletin_id: int, item_id: int):
    """Edit an item in place (HTMX swaps the form into the item) or on its own page without JavaScript."""
    bulletin = _bulletin_or_404(bulletin_id)
    blocked = _draft_or_redirect(bulletin)
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
    bulletin = _bulletin_or_404(bulletin_id)
    blocked = _draft_or_redirect(bulletin)
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
    bulletin = _bulletin_or_404(bulletin_id)
    blocked = _draft_or_redirect(bulletin)
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


@bp.route("/staff/bulletins/<int:bulletin_id>/preview")
@staff_required
def staff_preview(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    rendered = render_bulletin(bulletin, base_url=request.host_url)
    return render_template("mailing/staff/preview.html", bulletin=bulletin, text=rendered["text"])


@bp.route("/staff/bulletins/<int:bulletin_id>/preview/web")
@staff_required
def staff_preview_web(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    return render_template("mailing/bulletin.html", bulletin=bulletin, preview=True)


@bp.route("/staff/bulletins/<int:bulletin_id>/preview/email.html")
@staff_required
def staff_preview_email(bulletin_id: int):
    """The e-mail's HTML exactly as sent, shown in a frame on the preview page."""
    bulletin = _bulletin_or_404(bulletin_id)
    response = make_response(render_bulletin(bulletin, base_url=request.host_url)["html"])
    # E-mail HTML needs inline styles; this document has no script and only staff see it.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'"
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.route("/staff/bulletins/<int:bulletin_id>/test", methods=["POST"])
@staff_required
def staff_send_test(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    problems = mailing.problems_before_sending(bulletin)[:1] if not bulletin.items else []
    if problems:
        flash(problems[0] + " before sending a test.", "important")
        return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id), code=303)
    rendered = render_bulletin(bulletin, base_url=request.host_url)
    enqueue(
        "bulletin_test",
        to=current_user.email,
        subject=f"[Test] {bulletin.title}",
        kind="bulletin_test",
        headers=list_headers(rendered["unsubscribe_url"]),
        text=rendered["text"],
        html=rendered["html"],
    )
    record("bulletin.test_sent", bulletin, to=current_user.email)
    db.session.commit()
    flash(f"A test email is on its way to {current_user.email}.", "success")
    return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id), code=303)


def _parse_london(value: str) -> dt.datetime | None:
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"):
        try:
            return dt.datetime.strptime(value, fmt).replace(tzinfo=LONDON).astimezone(dt.UTC)
        except ValueError:
            continue
    return None


@bp.route("/staff/bulletins/<int:bulletin_id>/send", methods=["GET", "POST"])
@staff_required
def staff_send(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    if bulletin.status not in ("draft",):
        return redirect(url_for("mailing.staff_delivery", bulletin_id=bulletin.id), code=303)
    form = SendForm()
    problems = mailing.problems_before_sending(bulletin)
    count = mailing.recipient_count(bulletin)
    if not problems and count == 0:
        problems.append("Nobody is subscribed to the chosen topics yet. Choose other topics")
    if form.validate_on_submit() and not problems:
        bulletin.link_base = mailing.link_base()
        if form.when.data == "later":
            when = _parse_london(form.send_at.data or "")
            if when is None:
                form.send_at.errors.append("Enter the date and time like 2026-12-01 09:00")
            elif when <= utcnow():
                form.send_at.errors.append("The date and time must be in the future")
            else:
                bulletin.status, bulletin.send_at = "scheduled", when
                record("bulletin.scheduled", bulletin, send_at=when.isoformat(), recipients=count)
                db.session.commit()
                flash("The bulletin is scheduled. It will go to the subscribers of its topics then.", "success")
                return redirect(url_for("mailing.staff_delivery", bulletin_id=bulletin.id), code=303)
        else:
            queued = mailing.queue_bulletin(bulletin)
            if queued >= 0:
                record("bulletin.sent", bulletin, recipients=queued)
                db.session.commit()
                flash(f"Sending to {queued} subscribers. You can follow progress on this page.", "success")
            else:
                db.session.rollback()
            return redirect(url_for("mailing.staff_delivery", bulletin_id=bulletin.id), code=303)
    return render_template("mailing/staff/send.html", bulletin=bulletin, form=form, problems=problems, count=count)


def _delivery_context(bulletin: Bulletin) -> dict:
    failures = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.campaign == bulletin.campaign, OutboxMessage.status == "failed")
        .order_by(OutboxMessage.id)
        .limit(100)
    ).all()
    return {"bulletin": bulletin, "counts": mailing.delivery_counts(bulletin), "failures": failures,
            "action_form": ConfirmForm()}  # fmt: skip


@bp.route("/staff/bulletins/<int:bulletin_id>/delivery")
@staff_required
def staff_delivery(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    context = _delivery_context(bulletin)
    counts = context["counts"]
    if bulletin.status == "sending" and counts["total"] and not counts["queued"] and not counts["sending"]:
        bulletin.status, bulletin.finished_at = "sent", utcnow()
        db.session.commit()
    template = "mailing/staff/_delivery.html" if is_partial() else "mailing/staff/delivery.html"
    return vary_on_htmx(make_response(render_template(template, **context)))


@bp.route("/staff/bulletins/<int:bulletin_id>/pause", methods=["POST"])
@staff_required
def staff_pause(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if mailing.pause(bulletin):
        db.session.commit()
        flash("Sending is paused. Nobody has been skipped: resume to send the rest.", "success")
    return redirect(url_for("mailing.staff_delivery", bulletin_id=bulletin.id), code=303)


@bp.route("/staff/bulletins/<int:bulletin_id>/resume", methods=["POST"])
@staff_required
def staff_resume(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if mailing.resume(bulletin):
        db.session.commit()
        flash("Sending has resumed.", "success")
    return redirect(url_for("mailing.staff_delivery", bulletin_id=bulletin.id), code=303)


@bp.route("/staff/bulletins/<int:bulletin_id>/unschedule", methods=["POST"])
@staff_required
def staff_unschedule(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if bulletin.status == "scheduled":
        bulletin.status, bulletin.send_at = "draft", None
        record("bulletin.unscheduled", bulletin)
        db.session.commit()
        flash("The bulletin is back to draft and will not be sent until you send it.", "success")
    return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id), code=303)


@bp.route("/staff/bulletins/<int:bulletin_id>/delete", methods=["POST"])
@staff_required
def staff_bulletin_delete(bulletin_id: int):
    bulletin = _bulletin_or_404(bulletin_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if bulletin.status != "draft":
        flash("Only a draft can be deleted.", "important")
        return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id), code=303)
    record("bulletin.deleted", bulletin, title=bulletin.title)
    db.session.delete(bulletin)
    db.session.commit()
    flash("Draft deleted.", "success")
    return redirect(url_for("mailing.staff_bulletins"), code=303)
