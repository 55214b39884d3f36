"""Outbox delivery: claim a batch, send it over the drain's one SMTP connection, mark each message.

Claims are leases (`claimed_until`). A worker that dies leaves its claim to expire and the
messages are claimed again, so at most the one message in flight can be sent twice and
none is lost. PostgreSQL uses FOR UPDATE SKIP LOCKED so several workers can run; SQLite
serialises writers, so run one worker there. Bulk messages arrive already built as bytes
(`Rendered.raw`, app/mail/bulk.py) and are sent as they are; see docs/performance.md for where a
bulk send's time goes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import smtplib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask import current_app
from flask_mail import BadHeaderError, Message, sanitize_address
from sqlalchemy import Connection, bindparam, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

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
    return OutboxMessage.held.is_(False) & or_(
        (OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now),
        (OutboxMessage.status == "sending") & (OutboxMessage.claimed_until < now),
    )


# --- bulk mail: campaigns ----------------------------------------------------------------


@dataclass
class Rendered:
    """A bulk message's per-recipient body, built at send time: text (+ HTML) and extra headers
    for the `email` package to build, or `raw`, the whole message already built as bytes (see
    app/mail/bulk.py), which is sent as it is."""

    text: str = ""
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None


class CampaignBatch(Protocol):
    def render(self, row: OutboxMessage) -> Rendered | str:
        """The message, or a reason (str) not to send it (the recipient has left)."""

    def after(self, row: OutboxMessage, error: str | None, permanent: bool) -> None:
        """Called before each row's outcome is committed (e.g. to track bounces)."""


# "bulletin" -> factory(rows) -> CampaignBatch. Features register theirs at import time.
CAMPAIGNS: dict[str, Callable[[list[OutboxMessage]], CampaignBatch]] = {}


def register_campaign(prefix: str, factory: Callable[[list[OutboxMessage]], CampaignBatch]) -> None:
    CAMPAIGNS[prefix] = factory


class _Pacer:
    """Keeps delivery under OUTBOX_RATE_PER_SECOND (0 means as fast as the server accepts)."""

    def __init__(self) -> None:
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self, rate: float) -> None:
        if rate <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + 1.0 / rate
        if slot > now:
            time.sleep(slot - now)


pacer = _Pacer()


def claim_batch(limit: int | None = None) -> list[int]:
    """Claim up to `limit` due messages for this worker and commit the claim."""
    config = current_app.config
    limit = limit or config["OUTBOX_BATCH_SIZE"]
    rate = float(config.get("OUTBOX_RATE_PER_SECOND") or 0)
    if rate > 0:  # the batch must end well inside the lease, or another worker would take it again
        limit = max(1, min(limit, int(rate * config["OUTBOX_LEASE_SECONDS"] / 2)))
    now = utcnow()
    # Two queries, each an ordered walk of an index that stops at `limit`: expired claims first,
    # then queued messages in the order they fell due (ix_outbox_messages_due). One query with
    # OR would fetch and sort every due row for each batch of a large send.
    not_held = OutboxMessage.held.is_(False)
    expired = (
        select(OutboxMessage.id)
        .where(not_held, OutboxMessage.status == "sending", OutboxMessage.claimed_until < now)
        .order_by(OutboxMessage.id)
    )
    queued = (
        select(OutboxMessage.id)
        .where(not_held, OutboxMessage.status == "queued", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    )
    ids: list[int] = []
    for query in (expired, queued):
        query = query.limit(limit - len(ids))
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids += db.session.scalars(query)
        if len(ids) >= limit:
            break
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


def _to_mail_message(row: OutboxMessage, rendered: Rendered | None = None) -> Message:
    from app.mail.service import clean_header

    headers = dict(row.headers or {})
    if rendered is not None:
        headers.update({clean_header(k): clean_header(v) for k, v in rendered.headers.items()})
    message = Message(
        subject=row.subject,
        recipients=[row.to_addr],
        body=rendered.text if rendered is not None else row.body_text,
        html=rendered.html if rendered is not None else row.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers=headers,
    )
    for item in row.attachments or []:
        message.attach(item["filename"], item["content_type"], item["data"].encode("utf-8"))
    return message


_LEADING_DOT = re.compile(rb"(?m)^\.")


def _send_raw(
    smtp: smtplib.SMTP,
    sender: str,
    recipient: str,
    data: bytes,
    meanwhile: Callable[[], None],
    while_data_is_read: Callable[[], None] = lambda: None,
) -> None:
    """smtplib's sendmail() for one recipient and a message already built, with two differences:
    `meanwhile` runs after MAIL FROM is written and before its reply is read, so the previous
    message is marked while the server works, and `while_data_is_read` runs after the message
    is written and before the server's verdict is read (the next message is prepared then). This
    message cannot be delivered before its DATA is accepted, so at most one delivered message is
    ever unmarked, as with sendmail()."""
    smtp.ehlo_or_helo_if_needed()
    options = f" SIZE={len(data)}" if smtp.does_esmtp and smtp.has_extn("size") else ""
    try:
        smtp.putcmd("mail", f"FROM:{smtplib.quoteaddr(sender)}{options}")
    finally:
        meanwhile()
    code, reply = smtp.getreply()
    if code != 250:
        smtp.close() if code == 421 else smtp._rset()
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = smtp.rcpt(recipient)
    if code not in (250, 251):
        smtp.close() if code == 421 else smtp._rset()
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        smtp.close() if code == 421 else smtp._rset()
        raise smtplib.SMTPDataError(code, reply)
    body = _LEADING_DOT.sub(b"..", data)  # dot-stuffing, as smtplib.SMTP.data() does
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    smtp.send(body + b".\r\n")
    try:
        while_data_is_read()
    finally:
        code, reply = smtp.getreply()
    if code != 250:
        smtp.close() if code == 421 else smtp._rset()
        raise smtplib.SMTPDataError(code, reply)


_outbox = OutboxMessage.__table__
_SENT = (
    _outbox.update()
    .where(_outbox.c.id == bindparam("row_id"))
    .values(
        status="sent", sent_at=bindparam("sent_at"), claimed_until=None, last_error=None, delivery=bindparam("delivery")
    )
)


class _SentMarks:
    """`_SENT` for one row, then COMMIT, on a connection held for the batch: the statement is
    compiled once and run on the driver's own connection, because on the commonest write of a
    bulk send SQLAlchemy's per-statement machinery costs about as much as the database does.
    Values go through the column types' own bind processors, as SQLAlchemy would send them."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.compiled = _SENT.compile(dialect=connection.dialect)
        self.sql = str(self.compiled)
        names = self.compiled.construct_params({"row_id": 0, "sent_at": None, "delivery": None})
        self.processors = {name: self.compiled.binds[name].type.bind_processor(connection.dialect) for name in names}
        self.order = self.compiled.positiontup if self.compiled.positional else None
        self.driver = connection.connection.driver_connection

    def mark(self, params: dict[str, Any]) -> None:
        values = self.compiled.construct_params(params)
        for name, process in self.processors.items():
            if process is not None:
                values[name] = process(values[name])
        cursor = self.driver.cursor()
        try:
            cursor.execute(self.sql, tuple(values[n] for n in self.order) if self.order is not None else values)
            if cursor.rowcount != 1:
                raise RuntimeError(f"outbox row {params['row_id']} was not marked sent")
        finally:
            cursor.close()
        self.driver.commit()

    def close(self) -> None:
        self.connection.close()


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def _mark(
    row: OutboxMessage,
    result: DrainResult,
    *,
    error: str | None,
    permanent: bool = False,
    handler: CampaignBatch | None = None,
    delivery: str | None = None,
    marks: _SentMarks | None = None,
) -> None:
    if handler is not None and (error is None or permanent):
        handler.after(row, error, permanent)
    if error is None:
        # The commonest write, so a plain UPDATE rather than an ORM flush; the row object is told
        # the new values, as a flush would have. With `marks` (a connection held for the batch)
        # it is also its own commit there, unless after() changed something the session must
        # commit with it: no pool check-out (and pre-ping) per message.
        values = {"status": "sent", "sent_at": utcnow(), "claimed_until": None, "last_error": None}
        values["delivery"] = delivery or row.delivery
        params = {"row_id": row.id, "sent_at": values["sent_at"], "delivery": values["delivery"]}
        own_commit = marks is not None and not db.session.new and not db.session.dirty
        if own_commit:
            marks.mark(params)
        else:
            db.session.connection().execute(_SENT, params)
        for key, value in values.items():
            set_committed_value(row, key, value)
        result.sent += 1
        if own_commit:
            return
    elif permanent or row.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        row.status, row.claimed_until, row.last_error = "failed", None, error
        result.failed += 1
    else:
        row.status, row.claimed_until, row.last_error = "queued", None, error
        row.next_attempt_at = utcnow() + _backoff(row.attempts)
        result.retried += 1
    db.session.commit()  # progress is durable per message


class SmtpLink:
    """The SMTP connection of one drain: opened when first needed, kept for its later batches
    (checked with NOOP first, reopened if the server has closed it), closed at the end or as soon
    as it fails."""

    def __init__(self) -> None:
        self.connection: Any = None

    def open(self) -> Any:
        if self.connection is not None:
            try:
                if self.connection.host.noop()[0] == 250:
                    return self.connection
            except (OSError, smtplib.SMTPException):
                pass
            self.close()
        connection = mail.connect()
        connection.__enter__()
        self.connection = connection
        return connection

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.__exit__(None, None, None)
            self.connection = None


def send_batch(ids: list[int], link: SmtpLink | None = None) -> DrainResult:
    if not ids:
        return DrainResult()
    # This worker holds the claim on these rows, so reloading each one after every
    # per-message commit would only cost a SELECT per message.
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    own_link = link is None
    link = link or SmtpLink()
    try:
        return _send_claimed(ids, link)
    finally:
        session.expire_on_commit = expire
        if own_link:
            link.close()


def _send_claimed(ids: list[int], link: SmtpLink) -> DrainResult:
    result = DrainResult()
    rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)))
    handlers = _campaign_handlers(rows)
    if not current_app.config.get("MAIL_SERVER"):
        for row in rows:  # capture mode: readable on the staff Sent mail page
            handler = handlers.get(row.campaign)
            rendered = handler.render(row) if handler else None
            if isinstance(rendered, str):
                _mark(row, result, error=rendered, permanent=True)
                continue
            if rendered is not None:  # keep the body so staff can read what was "sent"
                row.body_text, row.body_html = rendered.text, rendered.html
                row.headers = {**(row.headers or {}), **rendered.headers}
            row.delivery = "captured"
            _mark(row, result, error=None, handler=handler)
        return result
    try:
        connection = link.open()
    except (OSError, smtplib.SMTPException) as exc:
        for row in rows:
            _mark(row, result, error=f"Could not connect to the mail server: {exc}")
        return result
    sender = sanitize_address(current_app.config["MAIL_DEFAULT_SENDER"])
    # A sent message is marked while the next one's MAIL FROM is answered (see _send_raw);
    # every other path marks what is pending first, so marks stay in order, one commit each.
    pending: list[tuple[OutboxMessage, CampaignBatch | None]] = []

    def mark_pending() -> None:
        while pending:
            sent_row, sent_handler = pending.pop()
            _mark(sent_row, result, error=None, handler=sent_handler, delivery="smtp", marks=marks)

    marks = _SentMarks(db.engine.connect())
    try:
        rate = float(current_app.config.get("OUTBOX_RATE_PER_SECOND") or 0)
        # The next message is rendered while the server reads this one (see _send_raw).
        prepared: dict[int, Any] = {}

        def prepare_next(index: int) -> Callable[[], None]:
            def prepare() -> None:
                if index < len(rows) and (next_handler := handlers.get(rows[index].campaign)):
                    try:
                        prepared[index] = next_handler.render(rows[index])
                    except Exception:  # rendered again in its turn, where a failure is handled
                        prepared.pop(index, None)

            return prepare

        for index, row in enumerate(rows):
            handler = handlers.get(row.campaign)
            rendered = prepared.pop(index) if index in prepared else handler.render(row) if handler else None
            if isinstance(rendered, str):
                mark_pending()
                _mark(row, result, error=rendered, permanent=True)
                continue
            if rate > 0:
                mark_pending()
                pacer.wait(rate)
            try:
                if rendered is not None and rendered.raw is not None:
                    _send_raw(connection.host, sender, row.to_addr, rendered.raw, mark_pending, prepare_next(index + 1))
                else:
                    mark_pending()
                    connection.send(_to_mail_message(row, rendered))
            except BadHeaderError:
                mark_pending()
                _mark(row, result, error="Not sent: a header contained a line break", permanent=True)
            except smtplib.SMTPRecipientsRefused as exc:
                mark_pending()
                code, reply = next(iter(exc.recipients.values()))
                error = f"{code} {reply.decode(errors='replace')}"
                _mark(row, result, error=error, permanent=500 <= code < 600, handler=handler)
            except smtplib.SMTPResponseException as exc:
                mark_pending()
                reply = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
                error = f"{exc.smtp_code} {reply}"
                _mark(row, result, error=error, permanent=500 <= exc.smtp_code < 600, handler=handler)
            except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
                mark_pending()
                _mark(row, result, error=f"Connection lost: {exc}")
                # The rest of the batch is released for the next pass rather than failed.
                for rest in rows[rows.index(row) + 1 :]:
                    rest.status, rest.claimed_until = "queued", None
                    rest.attempts = max(rest.attempts - 1, 0)
                db.session.commit()
                link.close()
                break
            else:
                pending.append((row, handler))
    finally:
        try:
            mark_pending()
        finally:
            marks.close()
    return result


def _campaign_handlers(rows: list[OutboxMessage]) -> dict[str, Any]:
    """One handler per campaign in the batch, each prepared with the batch's rows."""
    by_campaign: dict[str, list[OutboxMessage]] = {}
    for row in rows:
        if row.campaign:
            by_campaign.setdefault(row.campaign, []).append(row)
    handlers = {}
    for campaign, members in by_campaign.items():
        factory = CAMPAIGNS.get(campaign.split(":", 1)[0])
        if factory is None:
            raise RuntimeError(f"no renderer registered for campaign {campaign!r}")
        handlers[campaign] = factory(members)
    return handlers


def drain_outbox(max_batches: int | None = None) -> DrainResult:
    """Send everything due now; returns counts. Used by the worker loop and by tests."""
    total = DrainResult()
    batches = 0
    link = SmtpLink()  # one connection for the whole drain, not one per batch
    try:
        while max_batches is None or batches < max_batches:
            ids = claim_batch()
            if not ids:
                break
            batch = send_batch(ids, link)
            total.sent += batch.sent
            total.retried += batch.retried
            total.failed += batch.failed
            batches += 1
    finally:
        link.close()
    return total
