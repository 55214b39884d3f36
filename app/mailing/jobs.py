"""Periodic work for the mailing list: start scheduled bulletins, mark finished sends, and
apply the mailing list's retention rules (docs/data-protection.md)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from app.db import utcnow
from app.extensions import db
from app.jobs import periodic
from app.mailing.models import Subscriber
from app.mailing.services import erase, send_due_bulletins

PENDING_DAYS = 30  # never confirmed: they never gave consent
UNSUBSCRIBED_DAYS = 2 * 365  # then only a salted hash remains, so imports cannot re-add them


@periodic("mailing.bulletins", every_seconds=15)
def bulletin_job() -> None:
    send_due_bulletins()


def apply_mailing_retention(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or utcnow()
    pending = db.session.execute(
        delete(Subscriber).where(
            Subscriber.status == "pending", Subscriber.created_at < now - dt.timedelta(days=PENDING_DAYS)
        )
    ).rowcount
    stale = db.session.scalars(
        select(Subscriber).where(
            Subscriber.status == "unsubscribed",
            Subscriber.unsubscribed_at < now - dt.timedelta(days=UNSUBSCRIBED_DAYS),
        )
    ).all()
    for subscriber in stale:
        erase(subscriber, actor=None)
    return {"pending_subscribers": pending, "unsubscribed_erased": len(stale)}


@periodic("mailing.retention", every_seconds=3600)
def mailing_retention_job() -> None:
    apply_mailing_retention()
