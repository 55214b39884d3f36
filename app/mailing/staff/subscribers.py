"""Staff: the mailing list (/staff/mailing-list): finding, adding, changing and erasing subscribers."""

from __future__ import annotations

import json

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.audit import record
from app.db import child_or_404, utcnow
from app.extensions import db
from app.forms import ConfirmForm
from app.htmx import render
from app.i18n import _
from app.mail import OutboxMessage
from app.mail.models import MailBounce
from app.mailing import bp
from app.mailing import services as mailing
from app.mailing.forms import ReactivateForm, StaffAddForm, SubscriberTopicsForm
from app.mailing.models import LAWFUL_BASES, SOURCES, SUBSCRIBER_STATUS_LABELS, Subscriber, Subscription, Topic
from app.pagination import govuk_pagination, paginate
from app.security import staff_required


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
    return render("mailing/staff/subscribers.html", "mailing/staff/_subscribers_table.html", **context)


@bp.route("/staff/mailing-list/add", methods=["GET", "POST"])
@staff_required
def staff_add_subscriber():
    form = StaffAddForm()
    form.topics.choices = mailing.topic_choices()
    if form.validate_on_submit():
        if mailing.is_suppressed(form.email.data):
            form.email.errors.append(
                _(
                    "This address was erased or asked not to be contacted, so it cannot be added. "
                    "The person can join again themselves using the sign-up form"
                )
            )
        elif mailing.find_subscriber(form.email.data) is not None:
            form.email.errors.append(_("This address is already on the mailing list. Search for it to change it"))
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
                _("%(email)s has been sent a confirmation email.", email=subscriber.email)
                if basis == "ask"
                else _("%(email)s has been added to the mailing list.", email=subscriber.email),
                "success",
            )
            return redirect(url_for("mailing.staff_subscribers"), code=303)
    return render_template("mailing/staff/add.html", form=form)


# Staff may change the topics of people who are on the list. Nobody else: a pending person has
# not opted in, and an unsubscribed one has left; only they can (re)join, by confirming themselves.
TOPICS_EDITABLE = ("confirmed", "bouncing")


def _subscriber_page(
    subscriber: Subscriber,
    topics_form: SubscriberTopicsForm | None = None,
    status: int = 200,
    reactivate_form: ReactivateForm | None = None,
):
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
    bounces = (
        db.session.scalars(
            select(MailBounce)
            .where(func.lower(MailBounce.to_addr) == subscriber.email.lower())
            .order_by(MailBounce.id.desc())
            .limit(20)
        ).all()
        if subscriber.email
        else []
    )
    if reactivate_form is None and subscriber.status == "bouncing":
        reactivate_form = ReactivateForm(formdata=None)
    page = render_template(
        "mailing/staff/subscriber.html",
        subscriber=subscriber,
        bounces=bounces,
        reactivate_form=reactivate_form,
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
    return _subscriber_page(child_or_404(Subscriber, subscriber_id))


@bp.route("/staff/mailing-list/<int:subscriber_id>/topics", methods=["POST"])
@staff_required
def staff_subscriber_topics(subscriber_id: int):
    """Change a subscribed person's topics (audited). Their status never changes here."""
    subscriber = child_or_404(Subscriber, subscriber_id)
    page = url_for("mailing.staff_subscriber", subscriber_id=subscriber.id)
    if subscriber.status not in TOPICS_EDITABLE:
        flash(
            _(
                "Only a subscribed person’s topics can be changed. Someone who is waiting for confirmation or has "
                "unsubscribed chooses their topics when they confirm their address themselves."
            ),
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
        flash(_("Nothing was changed."), "success")
    else:
        record(
            "subscriber.topics_changed",
            subscriber,
            added=sorted(names[t] for t in after - before),
            removed=sorted(names[t] for t in before - after),
        )
        db.session.commit()
        flash(_("Topics saved for %(name)s.", name=subscriber.name or subscriber.email), "success")
    return redirect(page, code=303)


@bp.route("/staff/mailing-list/<int:subscriber_id>/reactivate", methods=["POST"])
@staff_required
def staff_subscriber_reactivate(subscriber_id: int):
    """A bouncing address back on the list, with the reason recorded. Not for complaints: someone
    who marked a bulletin as spam gets bulk mail again only by signing up and confirming themselves."""
    subscriber = child_or_404(Subscriber, subscriber_id)
    if subscriber.status != "bouncing":
        flash(_("Only an address that bounced can be used again from here."), "important")
        return redirect(url_for("mailing.staff_subscriber", subscriber_id=subscriber.id), code=303)
    form = ReactivateForm()
    if not form.validate_on_submit():
        return _subscriber_page(subscriber, reactivate_form=form)
    subscriber.status, subscriber.bounce_count = "confirmed", 0
    record("subscriber.reactivated", subscriber, reason=form.reason.data)
    db.session.commit()
    flash(_("%(email)s will get bulletins again.", email=subscriber.email), "success")
    return redirect(url_for("mailing.staff_subscriber", subscriber_id=subscriber.id), code=303)


@bp.route("/staff/mailing-list/<int:subscriber_id>/export.json")
@staff_required
def staff_subscriber_export(subscriber_id: int):
    subscriber = child_or_404(Subscriber, subscriber_id)
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
    subscriber = child_or_404(Subscriber, subscriber_id)
    if subscriber.status == "erased":
        flash(_("This person’s data has already been erased."), "important")
        return redirect(url_for("mailing.staff_subscribers"), code=303)
    form = ConfirmForm()
    if form.validate_on_submit():
        mailing.erase(subscriber)
        db.session.commit()
        flash(_("The person’s data has been erased. Their address cannot be imported or added again."), "success")
        return redirect(url_for("mailing.staff_subscribers"), code=303)
    return render_template("mailing/staff/erase.html", subscriber=subscriber, form=form)
