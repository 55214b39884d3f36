"""The mailing list on a signed-in person's account page (issue 19): what they are subscribed to,
a link to change it, and the subscriber record in "download my data"."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.i18n import _
from app.mailing import services
from app.mailing.models import Topic
from app.personal_data import AccountRow, register_personal_data


def _subscriber(user):
    return services.find_subscriber(user.email) if user.email else None


def _export(user):
    subscriber = _subscriber(user)
    return services.subject_access_export(subscriber) if subscriber is not None else None


def _rows(user) -> list[AccountRow]:
    subscriber = _subscriber(user)
    if subscriber is None or subscriber.status in ("erased", "unsubscribed"):
        return [AccountRow(_("Mailing list"), _("You are not on the mailing list"), url_for("mailing.signup"),
                           _("Join the mailing list"))]  # fmt: skip
    if subscriber.status == "pending":
        return [AccountRow(_("Mailing list"), _("Waiting for you to confirm: open the link we emailed you"),
                           url_for("mailing.signup"), _("Send the link again"))]  # fmt: skip
    ids = services.topic_ids_of(subscriber)
    names = [t.name for t in db.session.scalars(select(Topic).order_by(Topic.position)) if t.id in ids]
    topics = ", ".join(names)
    if subscriber.status == "bouncing":
        what = (
            _("Subscribed to %(topics)s (paused: emails to your address bounced; contact us to start them again)",
              topics=topics)
            if names
            else _("Subscribed, with no topics chosen (paused: emails to your address bounced; contact us to start "
                   "them again)")
        )  # fmt: skip
    else:
        what = _("Subscribed to %(topics)s", topics=topics) if names else _("Subscribed, with no topics chosen")
    link = url_for("mailing.preferences", token=services.manage_token(subscriber))
    return [AccountRow(_("Mailing list"), what, link, _("Change your mailing-list choices"))]


register_personal_data("mailing_list", _export, account_rows=_rows)
