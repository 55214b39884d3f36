"""Claiming outbox rows: leases (`claimed_until`) committed before anything is sent.

A worker that dies leaves its claim to expire and the messages are claimed again, so at most the
one message in flight can be sent twice and none is lost. PostgreSQL uses FOR UPDATE SKIP LOCKED
so several workers can run; SQLite serialises writers, so run one worker there.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import or_, select, text, update
from sqlalchemy.orm.attributes import set_committed_value

from app.db import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage


def _due_filter(now: dt.datetime):
    return OutboxMessage.held.is_(False) & or_(
        (OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == "sending") & (OutboxMessage.claimed_until < now),
    )


def claim_batch(limit: int | None = None, *, expired: bool = True) -> list[int]:
    """Claim up to `limit` due messages for this worker and commit the claim; their ids."""
    return [row.id for row in claim_rows(limit, expired=expired)]


def _batch_size(limit: int | None) -> int:
    config = current_app.config
    limit = limit or config["OUTBOX_BATCH_SIZE"]
    rate = float(config.get("OUTBOX_RATE_PER_SECOND") or 0)
    if rate > 0:  # the batch must end well inside the lease, or another worker would take it again
        limit = max(1, min(limit, int(rate * config["OUTBOX_LEASE_SECONDS"] / 2)))
    return limit


def _walks(now: dt.datetime, expired: bool) -> list:
    """The index walks a claim takes rows from: expired claims first (if asked), then queued
    messages in the order they fell due."""
    not_held = OutboxMessage.held.is_(False)
    walks = [
        select(OutboxMessage.id)
        .where(not_held, OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    ]
    if expired:
        walks.insert(
            0,
            select(OutboxMessage.id)
            .where(not_held, OutboxMessage.status == "sending", OutboxMessage.claimed_until < now)
            .order_by(OutboxMessage.id),
        )
    return walks


def claim_rows(limit: int | None = None, *, expired: bool = True) -> list[OutboxMessage]:
    """Claim and return up to `limit` due rows, loaded: expired claims first (unless `expired` is
    false), then queued messages in the order they fell due. Each is one UPDATE … RETURNING whose
    subquery is an ordered walk of ix_outbox_messages_due stopping at `limit` (FOR UPDATE SKIP
    LOCKED on PostgreSQL, so several workers share the work); the UPDATE re-checks the due filter
    so two SQLite workers cannot both claim a row."""
    limit = _batch_size(limit)
    now = utcnow()
    lease = now + dt.timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    postgres = db.engine.dialect.name == "postgresql"
    session = db.session()
    session.flush()  # anything pending is committed with the claim, as before
    session.expire_all()  # rows of earlier batches are not used again; these are loaded fresh
    # The claimed rows are this worker's until the lease ends: keep them loaded past the commit.
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        if postgres:
            # A send's rows arrive in one INSERT, and until autovacuum analyses the table the
            # planner believes few are queued, picks a bitmap scan and sorts all of them for
            # every batch. The index walk is right whatever the statistics say.
            session.execute(text("SET LOCAL enable_bitmapscan = off"))
        rows: list[OutboxMessage] = []
        for walk in _walks(now, expired):
            walk = walk.limit(limit - len(rows))
            if postgres:
                walk = walk.with_for_update(skip_locked=True)
            # A CTE, evaluated once: PostgreSQL may rescan an IN (subquery) for each row it
            # updates, and each rescan skips the rows already claimed and locks the next ones.
            walk = walk.cte("claimable")
            claim = (
                update(OutboxMessage)
                .where(OutboxMessage.id == walk.c.id, _due_filter(now))
                .values(status="sending", claimed_until=lease, attempts=OutboxMessage.attempts + 1)
                .returning(OutboxMessage)
                .execution_options(synchronize_session=False)
            )
            rows += session.scalars(claim)
            if len(rows) >= limit:
                break
        session.commit()
    finally:
        session.expire_on_commit = expire
    return sorted(rows, key=lambda row: row.id)


def release(rows: list[OutboxMessage]) -> None:
    """Give claimed rows back for the next pass (the connection was lost), not counting the attempt."""
    for row in rows:
        row.status, row.claimed_until = "queued", None
        row.attempts = max(row.attempts - 1, 0)
    db.session.commit()


def renew(rows: list[OutboxMessage]) -> None:
    """Extend the lease on rows this worker still holds (those not yet sent), in its own commit."""
    until = utcnow() + dt.timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    ids = [row.id for row in rows]
    if ids:
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == "sending")
            .values(claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        for row in rows:
            if row.status == "sending":
                set_committed_value(row, "claimed_until", until)
    db.session.commit()
