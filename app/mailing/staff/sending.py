"""Staff: sending a bulletin (a test, now or scheduled) and following its delivery."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.audit import record
from app.db import child_or_404, utcnow
from app.extensions import db
from app.forms import ConfirmForm
from app.htmx import render
from app.i18n import _, _l, ngettext
from app.mail import OutboxMessage, enqueue
from app.mail.models import MailBounce
from app.mailing import bp, versions
from app.mailing import services as mailing
from app.mailing.delivery import list_headers, render_bulletin
from app.mailing.figures import bulletin_figures
from app.mailing.forms import SendForm
from app.mailing.models import Bulletin
from app.security import staff_required
from app.times import parse_london


@bp.route("/staff/bulletins/<int:bulletin_id>/test", methods=["POST"])
@staff_required
def staff_send_test(bulletin_id: int):
    bulletin = child_or_404(Bulletin, bulletin_id)
    if not bulletin.items:
        flash(_("Add at least one item to the bulletin before sending a test."), "important")
        return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id), code=303)
    # The version staff chose (issue 22); without a choice, theirs when there is one, else English.
    chosen = request.form.get("version")
    code = chosen if chosen in {other.code for other in versions.available(bulletin)} else None
    rendered = render_bulletin(bulletin, base_url=request.host_url, code=code)
    enqueue(
        "bulletin_test",
        to=current_user.email,
        subject=_l("[Test] %(title)s", title=rendered["subject"]),
        language_code=rendered["code"],
        kind="bulletin_test",
        headers=list_headers(rendered["unsubscribe_url"]),
        text=rendered["text"],
        html=rendered["html"],
    )
    record("bulletin.test_sent", bulletin, to=current_user.email, language=rendered["code"])
    db.session.commit()
    flash(_("A test email is on its way to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id), code=303)


@bp.route("/staff/bulletins/<int:bulletin_id>/send", methods=["GET", "POST"])
@staff_required
def staff_send(bulletin_id: int):
    bulletin = child_or_404(Bulletin, bulletin_id)
    if bulletin.status not in ("draft",):
        return redirect(url_for("mailing.staff_delivery", bulletin_id=bulletin.id), code=303)
    form = SendForm()
    problems = mailing.problems_before_sending(bulletin)
    count = mailing.recipient_count(bulletin)
    if not problems and count == 0:
        problems.append(_("Nobody is subscribed to the chosen topics yet. Choose other topics"))
    if form.validate_on_submit() and not problems:
        bulletin.link_base = mailing.link_base()
        if form.when.data == "later":
            when = parse_london(form.send_at.data or "")
            if when is None:
                form.send_at.errors.append(_("Enter the date and time like 2026-12-01 09:00"))
            elif when <= utcnow():
                form.send_at.errors.append(_("The date and time must be in the future"))
            else:
                bulletin.status, bulletin.send_at = "scheduled", when
                record("bulletin.scheduled", bulletin, send_at=when.isoformat(), recipients=count)
                db.session.commit()
                flash(_("The bulletin is scheduled. It will go to the subscribers of its topics then."), "success")
                return redirect(url_for("mailing.staff_delivery", bulletin_id=bulletin.id), code=303)
        else:
            queued = mailing.queue_bulletin(bulletin)
            if queued >= 0:
                record("bulletin.sent", bulletin, recipients=queued)
                db.session.commit()
                flash(
                    ngettext(
                        "Sending to %(num)s subscriber. You can follow progress on this page.",
                        "Sending to %(num)s subscribers. You can follow progress on this page.",
                        queued,
                    ),
                    "success",
                )
            else:
                db.session.rollback()
            return redirect(url_for("mailing.staff_delivery", bulletin_id=bulletin.id), code=303)
    return render_template(
        "mailing/staff/send.html",
        bulletin=bulletin,
        form=form,
        problems=problems,
        count=count,
        unready=[status for status in versions.statuses(bulletin) if status.needs_attention],
    )


def _delivery_context(bulletin: Bulletin) -> dict:
    failures = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.campaign == bulletin.campaign, OutboxMessage.status == "failed")
        .order_by(OutboxMessage.id)
        .limit(100)
    ).all()
    bounces = db.session.scalars(
        select(MailBounce).where(MailBounce.campaign == bulletin.campaign).order_by(MailBounce.id).limit(100)
    ).all()
    counts = bulletin_figures(bulletin.id)
    # Read only: the page never changes the bulletin (the scheduler marks it sent); it only says
    # when every message has finished.
    done = bool(counts["total"]) and not counts["queued"] and not counts["sending"]
    finished = bulletin.status == "sent" or (bulletin.status == "sending" and done)
    return {"bulletin": bulletin, "counts": counts, "failures": failures, "bounces": bounces,
            "finished": finished, "action_form": ConfirmForm()}  # fmt: skip


@bp.route("/staff/bulletins/<int:bulletin_id>/delivery")
@staff_required
def staff_delivery(bulletin_id: int):
    bulletin = child_or_404(Bulletin, bulletin_id)
    return render("mailing/staff/delivery.html", "mailing/staff/_delivery.html", **_delivery_context(bulletin))


@bp.route("/staff/bulletins/<int:bulletin_id>/pause", methods=["POST"])
@staff_required
def staff_pause(bulletin_id: int):
    bulletin = child_or_404(Bulletin, bulletin_id)
    if mailing.pause(bulletin):
        db.session.commit()
        flash(_("Sending is paused. Nobody has been skipped: resume to send the rest."), "success")
    return redirect(url_for("mailing.staff_delivery", bulletin_id=bulletin.id), code=303)


@bp.route("/staff/bulletins/<int:bulletin_id>/resume", methods=["POST"])
@staff_required
def staff_resume(bulletin_id: int):
    bulletin = child_or_404(Bulletin, bulletin_id)
    if mailing.resume(bulletin):
        db.session.commit()
        flash(_("Sending has resumed."), "success")
    return redirect(url_for("mailing.staff_delivery", bulletin_id=bulletin.id), code=303)


@bp.route("/staff/bulletins/<int:bulletin_id>/unschedule", methods=["POST"])
@staff_required
def staff_unschedule(bulletin_id: int):
    bulletin = child_or_404(Bulletin, bulletin_id)
    if bulletin.status == "scheduled":
        bulletin.status, bulletin.send_at = "draft", None
        record("bulletin.unscheduled", bulletin)
        db.session.commit()
        flash(_("The bulletin is back to draft and will not be sent until you send it."), "success")
    return redirect(url_for("mailing.staff_bulletin", bulletin_id=bulletin.id), code=303)
