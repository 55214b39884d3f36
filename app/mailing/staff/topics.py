"""Staff: the mailing list's topics."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy import func, select

from app.audit import record
from app.db import child_or_404
from app.extensions import db
from app.forms import ConfirmForm
from app.i18n import _
from app.mailing import bp
from app.mailing.forms import TopicForm
from app.mailing.models import Subscriber, Subscription, Topic
from app.security import staff_required


@bp.route("/staff/mailing-list/topics", methods=["GET", "POST"])
@staff_required
def staff_topics():
    form = TopicForm()
    if form.validate_on_submit():
        exists = db.session.scalar(select(Topic.id).where(func.lower(Topic.name) == form.name.data.lower()))
        if exists:
            form.name.errors.append(_("There is already a topic with this name"))
        else:
            position = (db.session.scalar(select(func.max(Topic.position))) or 0) + 1
            topic = Topic(name=form.name.data, description=form.description.data or "", position=position)
            db.session.add(topic)
            record("topic.added", topic, name=topic.name)
            db.session.commit()
            flash(_("Topic ‘%(name)s’ added.", name=topic.name), "success")
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
    topic = child_or_404(Topic, topic_id)
    topic.archived = not topic.archived
    record("topic.archived" if topic.archived else "topic.restored", topic, name=topic.name)
    db.session.commit()
    flash(
        _("Topic ‘%(name)s’ archived.", name=topic.name)
        if topic.archived
        else _("Topic ‘%(name)s’ restored.", name=topic.name),
        "success",
    )
    return redirect(url_for("mailing.staff_topics"), code=303)
