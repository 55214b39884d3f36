"""Delivery figures per bulletin: the one source of truth (issue 19) for the bulletins list, the
delivery page and the funder report (app/reports/figures.py calls `delivery_figures`).

Every figure is counted from rows, never from a number stored when sending started:
- queued: waiting in the outbox (including those held while a send is paused);
- sending: claimed by a worker right now;
- deferred: queued again after a temporary refusal (will be retried);
- sent: accepted by the mail server (or captured where no server is set up);
- failed: given up (a refusal, or the person left before it reached them);
- bounced_hard / bounced_soft / complained: reports about this bulletin's messages;
- unsubscribed: people who left with the unsubscribe link in this bulletin;
- total: one e-mail per recipient (queued + sending + sent + failed);
- clicks: links in this bulletin's e-mails followed (app/mailing/clicks.py), and `links`: the count
  for each link (label, url, clicks), most clicked first. Per link, never per person.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, func, select

from app.extensions import db
from app.mail.models import MailBounce, OutboxMessage
from app.mailing.clicks import link_clicks
from app.mailing.models import Subscriber

FIGURES = ("queued", "sending", "deferred", "sent", "failed", "bounced_hard", "bounced_soft", "complained",
           "unsubscribed", "total", "clicks")  # fmt: skip


def _campaign(bulletin_id: int) -> str:
    return f"bulletin:{bulletin_id}"


def delivery_figures(bulletin_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Figures for each bulletin id (every id present, zeros where nothing was sent): always four queries."""
    ids = list(dict.fromkeys(bulletin_ids))
    out = {i: dict.fromkeys(FIGURES, 0) for i in ids}  # (no ids: the same queries, so pages query a constant number)
    by_campaign = {_campaign(i): i for i in ids}
    deferred = and_(OutboxMessage.status == "queued", OutboxMessage.last_error.is_not(None))
    rows = db.session.execute(
        select(OutboxMessage.campaign, OutboxMessage.status, func.count(), func.count().filter(deferred))
        .where(OutboxMessage.campaign.in_(by_campaign))
        .group_by(OutboxMessage.campaign, OutboxMessage.status)
    )
    for campaign, status, count, deferred_count in rows:
        figures = out[by_campaign[campaign]]
        if status in ("queued", "sending", "sent", "failed"):
            figures[status] += count
            figures["total"] += count
        figures["deferred"] += deferred_count
    kinds = {"hard": "bounced_hard", "soft": "bounced_soft", "complaint": "complained"}
    bounces = db.session.execute(
        select(MailBounce.campaign, MailBounce.kind, func.count(func.distinct(MailBounce.to_addr)))
        .where(MailBounce.campaign.in_(by_campaign))
        .group_by(MailBounce.campaign, MailBounce.kind)
    )
    for campaign, kind, count in bounces:
        out[by_campaign[campaign]][kinds[kind]] += count
    left = db.session.execute(
        select(Subscriber.unsubscribed_bulletin_id, func.count())
        .where(Subscriber.unsubscribed_bulletin_id.in_(ids))
        .group_by(Subscriber.unsubscribed_bulletin_id)
    )
    for bulletin_id, count in left:
        out[bulletin_id]["unsubscribed"] += count
    clicked = link_clicks(ids)
    for bulletin_id, figures in out.items():
        figures["links"] = clicked.get(bulletin_id, [])
        figures["clicks"] = sum(link.clicks for link in figures["links"])
    return out


def bulletin_figures(bulletin_id: int) -> dict[str, Any]:
    return delivery_figures([bulletin_id])[bulletin_id]
