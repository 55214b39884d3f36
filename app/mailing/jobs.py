"""Periodic work for the mailing list: start scheduled bulletins, mark finished sends, and
apply the mailing list's retention rules (docs/data-protection.md)."""

from __future__ import annotations

import datetime as dt
import time

from flask import current_app
from sqlalchemy import delete, select

from app.db import utcnow
from app.extensions import db
from app.jobs import periodic
from app.mail.mailbox import poll_mailbox
from app.mail.models import MailBounce
from app.mailing.models import Subscriber
from app.mailing.services import erase, send_due_bulletins
from app.retention import retention_rule

PENDING_DAYS = 30  # never confirmed: they never gave consent
UNSUBSCRIBED_DAYS = 2 * 365  # then only a salted hash remains, so imports cannot re-add them


@periodic("mailing.bulletins", every_seconds=15)
def bulletin_job() -> None:
    send_due_bulletins()


@periodic("mail.bounce_mailbox", every_seconds=60)
def bounce_mailbox_job() -> None:
    """Read the bounce mailbox (BOUNCE_MAILBOX_URL) every BOUNCE_POLL_SECONDS, if one is set."""
    now = time.monotonic()
    if current_app.config.get("BOUNCE_MAILBOX_URL") and now >= _next_poll[0]:
        _next_poll[0] = now + current_app.config["BOUNCE_POLL_SECONDS"]
        poll_mailbox()


_next_poll = [0.0]


@retention_rule("pending_subscribers")
def delete_pending_subscribers(now: dt.datetime | None = None) -> int:
    """Never confirmed: they never gave consent."""
    cutoff = (now or utcnow()) - dt.timedelta(days=PENDING_DAYS)
    return db.session.execute(
        delete(Subscriber).where(Subscriber.status == "pending", Subscriber.created_at < cutoff)
    ).rowcount


@retention_rule("unsubscribed_erased")
def erase_long_unsubscribed(now: dt.datetime | None = None) -> int:
    cutoff = (now or utcnow()) - dt.timedelta(days=UNSUBSCRIBED_DAYS)
    stale = db.session.scalars(
        select(Subscriber).where(Subscriber.status == "unsubscribed", Subscriber.unsubscribed_at < cutoff)
    ).all()
    for subscriber in stale:
        erase(subscriber, actor=None)
    return len(stale)


BOUNCE_DAYS = 365  # a year of bounce and complaint history per address, for staff and the soft-bounce count


@retention_rule("mail_bounces")
def delete_old_bounces(now: dt.datetime | None = None) -> int:
    """Bounce and complaint records name an address: kept a year (the soft-bounce window is far shorter)."""
    cutoff = (now or utcnow()) - dt.timedelta(days=BOUNCE_DAYS)
    return db.session.execute(delete(MailBounce).where(MailBounce.created_at < cutoff)).rowcount
