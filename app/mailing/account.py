"""The mailing list on a signed-in person's account page (issue 19): what they are subscribed to,
a link to change it, and the subscriber record in "download my data"."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from app.extensions import db
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
        return [AccountRow("Mailing list", "You are not on the mailing list", url_for("mailing.signup"),
                           "Join the mailing list")]  # fmt: skip
    if subscriber.status == "pending":
        return [AccountRow("Mailing list", "Waiting for you to confirm: open the link we emailed you",
                           url_for("mailing.signup"), "Send the link again")]  # fmt: skip
    ids = services.topic_ids_of(subscriber)
    names = [t.name for t in db.session.scalars(select(Topic).order_by(Topic.position)) if t.id in ids]
    what = "Subscribed to " + ", ".join(names) if names else "Subscribed, with no topics chosen"
    if subscriber.status == "bouncing":
        what += " (paused: emails to your address bounced; contact us to start them again)"
    link = url_for("mailing.preferences", token=services.manage_token(subscriber))
    return [AccountRow("Mailing list", what, link, "Change your mailing-list choices")]


register_personal_data("mailing_list", _export, account_rows=_rows)
