"""Staff: writing to an event's registrants (preview, a test to yourself, send through the outbox)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.db import child_or_404
from app.events import bp
from app.events import messages as messaging
from app.events.forms import EventMessageForm
from app.events.models import MESSAGE_AUDIENCES, Event
from app.extensions import db
from app.i18n import _, ngettext
from app.security import staff_required


@bp.route("/staff/events/<int:event_id>/message", methods=["GET", "POST"])
@staff_required
def staff_message(event_id: int):
    event = child_or_404(Event, event_id)
    form = EventMessageForm()
    draft = None
    if form.validate_on_submit():
        if form.send.data:
            message = messaging.send(event, form.audience.data, form.subject.data, form.body.data, current_user.id)
            db.session.commit()
            flash(
                ngettext(
                    "Your message has been sent to %(num)s person.",
                    "Your message has been sent to %(num)s people.",
                    message.recipients,
                ),
                "success",
            )
            return redirect(url_for("events.staff_message", event_id=event.id), code=303)
        if form.test.data:
            messaging.send_test(event, form.subject.data, form.body.data, current_user.email, current_user.name)
            db.session.commit()
            flash(
                _("A test has been sent to %(email)s. Nothing has been sent to registrants.", email=current_user.email),
                "success",
            )
        draft = messaging.preview(event, form.subject.data, form.body.data)
    counts = {key: len(messaging.recipients(event.id, key)) for key in MESSAGE_AUDIENCES}
    form.audience.choices = [
        (key, _("%(audience)s (%(people)s)", audience=label, people=_people(counts[key])))
        for key, label in MESSAGE_AUDIENCES.items()
    ]
    return render_template(
        "events/staff/message.html",
        event=event,
        form=form,
        preview=draft,
        count=counts.get(form.audience.data or "all", 0),
        sent=messaging.sent_messages(event.id),
    )


def _people(n: int) -> str:
    return ngettext("%(num)s person", "%(num)s people", n)
