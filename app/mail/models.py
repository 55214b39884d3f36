"""OutboxMessage: one row per e-mail, written in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db

STATUSES = ("queued", "sending", "sent", "failed")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name="status"),
        # The worker's claim query: due queued messages in the order they fell due, and expired
        # claims. With `id` last, a bulletin's rows (all due at the same moment) are walked in
        # claim order and the walk stops at the batch size instead of sorting every queued row.
        # It also serves every query by status alone, so status has no index of its own: a
        # status change is the commonest write of a bulk send and each index costs it.
        Index("ix_outbox_messages_due", "status", "next_attempt_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))  # not indexed: nothing looks rows up by kind
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Small text attachments, e.g. an event's .ics: [{"filename", "content_type", "data"}].
    attachments: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    # Sensitive messages carry sign-in links (password reset, confirmation, invitation);
    # staff can read their bodies only where mail is captured rather than sent.
    sensitive: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delivery: Mapped[str | None] = mapped_column(String(20))  # "smtp" or "captured"
    # Guards against sending the same thing twice, e.g. "bulletin:3:subscriber:9".
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Bulk mail (issue 4): rows of one campaign (e.g. "bulletin:3") share a body that a
    # registered renderer builds at send time, so Send writes small rows in one INSERT.
    campaign: Mapped[str | None] = mapped_column(String(60), index=True)
    # What the message is for, in its campaign's terms (a bulletin's row: the subscriber's id), so
    # the renderer need not parse it out of dedupe_key. Not indexed: nothing looks rows up by it,
    # and every index costs each status change of a bulk send a write (migration 0014).
    ref_id: Mapped[int | None] = mapped_column(Integer)
    # Held rows are not claimed (a paused bulletin); releasing them resumes where it stopped.
    held: Mapped[bool] = mapped_column(default=False, server_default=false())

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


BOUNCE_KINDS = ("hard", "soft", "complaint")


class MailBounce(db.Model):
    """A bounce or complaint about one message (issue 19): from the SMTP reply at send time, a
    delivery status notification (RFC 3464) or a feedback report (RFC 5965) in the bounce mailbox,
    or an ESP webhook. `campaign`/`ref_id` copy the outbox row's, so a feature finds its own."""

    __tablename__ = "mail_bounces"
    __table_args__ = (CheckConstraint("kind IN ('hard', 'soft', 'complaint')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    to_addr: Mapped[str] = mapped_column(String(254), index=True)
    outbox_id: Mapped[int | None] = mapped_column(Integer)  # the message, if it is known (VERP)
    campaign: Mapped[str | None] = mapped_column(String(60), index=True)
    ref_id: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))  # "smtp", "dsn", "arf", "webhook"
    detail: Mapped[str | None] = mapped_column(Text)  # status code and diagnostic, as received
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<MailBounce {self.id} {self.kind} {self.to_addr}>"
