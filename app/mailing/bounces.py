"""What a bounce or complaint does to the mailing list (issue 19).

- hard bounce: the subscriber is suppressed at once (status "bouncing"), until staff reactivate
  the address with a recorded reason;
- soft bounces: suppressed after SOFT_BOUNCE_LIMIT within SOFT_BOUNCE_DAYS days;
- complaint: unsubscribed with reason "complaint" at once and the address put on the suppression
  list, so no import or staff entry mails it again (only the person's own new, confirmed sign-up);
- the safety valve: a bulletin whose hard bounces pass BOUNCE_PAUSE_PERCENT of
  max(messages finished, BOUNCE_PAUSE_SAMPLE) pauses itself and staff are e-mailed.
"""

from __future__ import annotations

import datetime as dt
import math

from flask import current_app
from sqlalchemy import func, select

from app.audit import AuditEvent, record
from app.auth.models import User
from app.db import utcnow
from app.extensions import db
from app.i18n import _l
from app.mail import enqueue
from app.mail.bounces import on_bounce
from app.mail.models import MailBounce, OutboxMessage
from app.mailing import services
from app.mailing.models import Bulletin, Subscriber
from app.urls import external_url


def _subscriber_for(bounce: MailBounce) -> Subscriber | None:
    if bounce.campaign and bounce.campaign.startswith("bulletin:") and bounce.ref_id:
        subscriber = db.session.get(Subscriber, bounce.ref_id)
        if subscriber is not None and (subscriber.email or "").lower() == bounce.to_addr.lower():
            return subscriber
    return db.session.scalar(select(Subscriber).where(func.lower(Subscriber.email) == bounce.to_addr.lower()))


def _soft_limit_reached(address: str) -> bool:
    config = current_app.config
    since = utcnow() - dt.timedelta(days=config["SOFT_BOUNCE_DAYS"])
    count = db.session.scalar(
        select(func.count())
        .select_from(MailBounce)
        .where(func.lower(MailBounce.to_addr) == address.lower(), MailBounce.kind == "soft")
        .where(MailBounce.created_at >= since)
    )
    return (count or 0) >= config["SOFT_BOUNCE_LIMIT"]


def mark_bouncing(subscriber: Subscriber, why: str) -> None:
    if subscriber.status != "confirmed":
        return
    subscriber.status = "bouncing"
    services.drop_queued_bulk_mail(subscriber)
    record("subscriber.bouncing", subscriber, actor=None, why=why)


def complaint(subscriber: Subscriber) -> None:
    """Unsubscribed at once with reason "complaint"; the address is suppressed for bulk mail."""
    if subscriber.email:
        services.suppress(subscriber.email, "complaint")
    if subscriber.status in ("unsubscribed", "erased") and subscriber.unsubscribe_reason == "complaint":
        return
    services.unsubscribe(subscriber, how="complaint", force=True)


@on_bounce
def suppress_subscriber(bounce: MailBounce) -> None:
    subscriber = _subscriber_for(bounce)
    if subscriber is None:
        return
    if bounce.kind == "complaint":
        complaint(subscriber)
    elif bounce.kind == "hard":
        subscriber.bounce_count += 1
        mark_bouncing(subscriber, f"hard bounce: {bounce.detail or 'refused'}")
    elif _soft_limit_reached(bounce.to_addr):
        mark_bouncing(subscriber, "soft bounces: {limit} in {days} days".format(
            limit=current_app.config["SOFT_BOUNCE_LIMIT"], days=current_app.config["SOFT_BOUNCE_DAYS"]))  # fmt: skip


# --- the safety valve -------------------------------------------------------------------------


def over_threshold(bulletin: Bulletin) -> tuple[bool, int, int]:
    """(pause?, hard bounces, messages finished) for a bulletin being sent."""
    campaign = bulletin.campaign
    hard = db.session.scalar(
        select(func.count()).select_from(MailBounce).where(MailBounce.campaign == campaign, MailBounce.kind == "hard")
    )
    finished = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.campaign == campaign, OutboxMessage.status.in_(("sent", "failed")))
    )
    config = current_app.config
    finished = (finished or 0) + 1  # the message whose bounce is being recorded is not marked yet
    limit = math.floor(config["BOUNCE_PAUSE_PERCENT"] / 100 * max(finished, config["BOUNCE_PAUSE_SAMPLE"]))
    return (hard or 0) > limit, hard or 0, finished


def _valve_tripped_before(bulletin: Bulletin) -> bool:
    """Once staff have resumed a send the valve stopped, it does not stop that send again."""
    return bool(
        db.session.scalar(
            select(AuditEvent.id).where(
                AuditEvent.verb == "bulletin.bounce_valve", AuditEvent.object_type == "Bulletin",
                AuditEvent.object_id == str(bulletin.id),
            ).limit(1)
        )
    )  # fmt: skip


def pause_for_bounces(bulletin: Bulletin, hard: int, finished: int) -> bool:
    if _valve_tripped_before(bulletin) or not services.pause(bulletin, actor=None, why="hard bounces"):
        return False
    record("bulletin.bounce_valve", bulletin, actor=None, hard_bounces=hard, finished=finished)
    bulletin.pause_reason = (
        f"Sending paused itself: {hard} of the first {finished} emails bounced (the address does not exist). "
        "Check the list is up to date, then resume."
    )
    url = external_url("mailing.staff_delivery", bulletin_id=bulletin.id)
    for user in db.session.scalars(select(User).where(User.role.in_(("staff", "admin")), User.active.is_(True))):
        enqueue(
            "bulletin_paused",
            to=user.email,
            subject=_l("Sending paused: %(title)s", title=bulletin.title),
            name=user.name,
            bulletin=bulletin,
            reason=bulletin.pause_reason,
            url=url,
        )
    return True
