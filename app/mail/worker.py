"""Outbox delivery: claim a batch, send it over one SMTP connection, mark each message.

Claims are leases (`claimed_until`). A worker that dies leaves its claim to expire and the
messages are claimed again, so at most the one message in flight can be sent twice and
none is lost. PostgreSQL uses FOR UPDATE SKIP LOCKED so several workers can run; SQLite
serialises writers, so run one worker there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from flask import current_app
from flask_mail import Message
from sqlalchemy import or_, select, update

from app.db import utcnow
from app.extensions import db, mail
from app.mail.models import OutboxMessage

log = logging.getLogger(__name__)


@dataclass
class DrainResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


def _due_filter(now: dt.datetime):
    return or_(
        (OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == "sending") & (OutboxMessage.claimed_until < now),
    )


def claim_batch(limit: int | None = None) -> list[int]:
    """Claim up to `limit` due messages for this worker and commit the claim."""
    config = current_app.config
    limit = limit or config["OUTBOX_BATCH_SIZE"]
    now = utcnow()
    query = select(OutboxMessage.id).where(_due_filter(now)).order_by(OutboxMessage.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    if ids:
        lease = now + dt.timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
        # Re-check the due filter in the UPDATE so two SQLite workers cannot both claim.
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), _due_filter(now))
            .values(status="sending", claimed_until=lease, attempts=OutboxMessage.attempts + 1)
        )
    db.session.commit()
    return ids


def _to_mail_message(row: OutboxMessage) -> Message:
    message = Message(
        subject=row.subject,
        recipients=[row.to_addr],
        body=row.body_text,
        html=row.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers=dict(row.headers or {}),
    )
    for item in row.attachments or []:
        message.attach(item["filename"], item["content_type"], item["data"].encode("utf-8"))
    return message


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def _mark(row: OutboxMessage, result: DrainResult, *, error: str | None, permanent: bool = False) -> None:
    if error is None:
        row.status, row.sent_at, row.claimed_until, row.last_error = "sent", utcnow(), None, None
        result.sent += 1
    elif permanent or row.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        row.status, row.claimed_until, row.last_error = "failed", None, error
        result.failed += 1
    else:
        row.status, row.claimed_until, row.last_error = "queued", None, error
        row.next_attempt_at = utcnow() + _backoff(row.attempts)
        result.retried += 1
    db.session.commit()  # progress is durable per message


def send_batch(ids: list[int]) -> DrainResult:
    result = DrainResult()
    if not ids:
        return result
    rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)))
    if not current_app.config.get("MAIL_SERVER"):
        for row in rows:  # capture mode: readable on the staff Sent mail page
            row.delivery = "captured"
            _mark(row, result, error=None)
        return result
    try:
        connection = mail.connect()
        connection.__enter__()
    except (OSError, smtplib.SMTPException) as exc:
        for row in rows:
            _mark(row, result, error=f"Could not connect to the mail server: {exc}")
        return result
    try:
        for row in rows:
            try:
                connection.send(_to_mail_message(row))
            except smtplib.SMTPRecipientsRefused as exc:
                code, reply = next(iter(exc.recipients.values()))
                _mark(row, result, error=f"{code} {reply.decode(errors='replace')}", permanent=500 <= code < 600)
            except smtplib.SMTPResponseException as exc:
                reply = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
                _mark(row, result, error=f"{exc.smtp_code} {reply}", permanent=500 <= exc.smtp_code < 600)
            except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
                _mark(row, result, error=f"Connection lost: {exc}")
                # The rest of the batch is released for the next pass rather than failed.
                for rest in rows[rows.index(row) + 1 :]:
                    rest.status, rest.claimed_until = "queued", None
                    rest.attempts = max(rest.attempts - 1, 0)
                db.session.commit()
                break
            else:
                row.delivery = "smtp"
                _mark(row, result, error=None)
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.__exit__(None, None, None)
    return result


def drain_outbox(max_batches: int | None = None) -> DrainResult:
    """Send everything due now; returns counts. Used by the worker loop and by tests."""
    total = DrainResult()
    batches = 0
    while max_batches is None or batches < max_batches:
        ids = claim_batch()
        if not ids:
            break
        batch = send_batch(ids)
        total.sent += batch.sent
        total.retried += batch.retried
        total.failed += batch.failed
        batches += 1
    return total
