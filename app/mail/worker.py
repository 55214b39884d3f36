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
import itertools
import logging
import re
import smtplib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from select import select as ready_for_io
from typing import Any, Protocol

import psycopg
from flask import current_app
from flask_mail import BadHeaderError, Message, sanitize_address
from psycopg import pq
from sqlalchemy import Connection, bindparam, or_, select, text, update
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
_clock = time.monotonic  # the drain's clock (tests replace it)


def claim_batch(limit: int | None = None, *, expired: bool = True) -> list[int]:
    """Claim up to `limit` due messages for this worker and commit the claim; their ids."""
    return [row.id for row in _claim(limit, expired=expired)]


def _claim(limit: int | None = None, *, expired: bool = True) -> list[OutboxMessage]:
    """Claim and return up to `limit` due rows, loaded: expired claims first (unless `expired` is
    false), then queued messages in the order they fell due. Each is one UPDATE … RETURNING whose
    subquery is an ordered walk of ix_outbox_messages_due stopping at `limit` (FOR UPDATE SKIP
    LOCKED on PostgreSQL, so several workers share the work); the UPDATE re-checks the due filter
    so two SQLite workers cannot both claim a row."""
    config = current_app.config
    limit = limit or config["OUTBOX_BATCH_SIZE"]
    rate = float(config.get("OUTBOX_RATE_PER_SECOND") or 0)
    if rate > 0:  # the batch must end well inside the lease, or another worker would take it again
        limit = max(1, min(limit, int(rate * config["OUTBOX_LEASE_SECONDS"] / 2)))
    now = utcnow()
    lease = now + dt.timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
    postgres = db.engine.dialect.name == "postgresql"
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
        for walk in walks:
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
# An address smtplib.quoteaddr() would return unchanged inside <>; anything else goes through it.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+\Z")


def _quoted(address: str) -> str:
    return f"<{address}>" if _PLAIN_ADDRESS.match(address) else smtplib.quoteaddr(address)


def _send_raw(
    smtp: smtplib.SMTP,
    mail_from: str,
    recipient: str,
    data: bytes,
    meanwhile: Callable[[], None],
    while_data_is_read: Callable[[], None] = lambda: None,
    before_end: Callable[[bool], bool] = lambda block: True,
) -> None:
    """smtplib's sendmail() for one recipient and a message already built (`mail_from` is the
    MAIL command's argument, "FROM:<address>"), with three hooks:

    - `meanwhile` runs after MAIL FROM is written and before its reply is read: the previous
      message's mark is started then, while the server works;
    - `before_end(block)` says whether the previous message's mark is durable, waiting for it
      if `block`; it is asked before the line that ends this message is written. This message
      cannot be delivered before the server has that last line, so at most one delivered
      message is ever unmarked, as with sendmail(). If the mark is still on its way, the
      message's other lines are written first, so the server reads them meanwhile;
    - `while_data_is_read` runs after the message is ended and before the server's verdict is
      read: the next message is prepared then."""
    smtp.ehlo_or_helo_if_needed()
    options = f" SIZE={len(data)}" if smtp.does_esmtp and smtp.has_extn("size") else ""
    try:
        smtp.putcmd("mail", mail_from + options)
    finally:
        meanwhile()
    code, reply = smtp.getreply()
    if code != 250:
        smtp.close() if code == 421 else smtp._rset()
        raise smtplib.SMTPSenderRefused(code, reply, mail_from)
    smtp.putcmd("rcpt", f"TO:{_quoted(recipient)}")
    code, reply = smtp.getreply()
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
    try:
        if before_end(False):  # nothing to wait for: the message and its end in one write
            smtp.send(body + b".\r\n")
        else:
            smtp.send(body)
            before_end(True)
            smtp.send(b".\r\n")
    except BaseException:
        smtp.close()  # a message left unended is dropped by the server
        raise
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
    """`_SENT` for one row as its own transaction, on a connection held for the batch: the
    statement is compiled once and run on the driver's own connection, because on the commonest
    write of a bulk send SQLAlchemy's per-statement machinery costs about as much as the database
    does. Values go through the column types' own bind processors, as SQLAlchemy would send them.

    `start()` begins a mark and `finish()` waits until it is durable; here (SQLite, in process)
    `start()` does both. `_PgSentMarks` lets the mark travel while the next message is sent."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.compiled = _SENT.compile(dialect=connection.dialect)
        self.sql = str(self.compiled)
        self.names = list(self.compiled.construct_params({"row_id": 0, "sent_at": None, "delivery": None}))
        self.processors = {
            name: self.compiled.binds[name].type.bind_processor(connection.dialect) for name in self.names
        }
        self.order = self.compiled.positiontup if self.compiled.positional else None
        self.driver = connection.connection.driver_connection

    def values(self, params: dict[str, Any]) -> dict[str, Any]:
        values = self.compiled.construct_params(params)
        for name, process in self.processors.items():
            if process is not None:
                values[name] = process(values[name])
        return values

    def start(self, params: dict[str, Any]) -> None:
        values = self.values(params)
        cursor = self.driver.cursor()
        try:
            cursor.execute(self.sql, tuple(values[n] for n in self.order) if self.order is not None else values)
            if cursor.rowcount != 1:
                raise RuntimeError(f"outbox row {params['row_id']} was not marked sent")
        finally:
            cursor.close()
        self.driver.commit()

    def finish(self, block: bool = True) -> bool:
        """Whether the mark started last is durable, waiting for it if `block` (raises if it failed)."""
        return True

    def close(self) -> None:
        try:
            self.finish()
        finally:
            self.connection.close()


class _PgSentMarks(_SentMarks):
    """PostgreSQL: the mark is sent without waiting for it, with libpq's asynchronous calls on
    psycopg's connection, which is in autocommit so the UPDATE is its own transaction (one round
    trip); `finish()` waits for the server's answer, which it gives after the commit is flushed.
    The worker starts a message's mark as it begins the next message and finishes it just before
    that next message can be delivered (see _send_raw), so the round trip and the WAL flush, which
    take longer than a whole SMTP exchange with a local server, no longer hold up the sending."""

    TIMEOUT = 60.0  # seconds without an answer before the connection counts as lost

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.pgconn = self.driver.pgconn
        sql = self.sql
        for number, name in enumerate(self.names, start=1):
            sql = sql.replace(f"%({name})s", f"${number}")
        # Prepared once per connection: the server then skips parsing and planning each mark.
        self.name = f"outbox_mark_sent_{next(_statement_numbers)}".encode()
        self._check(self.pgconn.prepare(self.name, sql.encode()), "preparing the outbox mark")
        self.waiting: int | None = None

    @staticmethod
    def _check(result: Any, doing: str) -> None:
        if result.status != pq.ExecStatus.COMMAND_OK:
            raise psycopg.OperationalError(f"{doing}: {result.error_message.decode(errors='replace')}")

    @staticmethod
    def _text(value: Any) -> bytes | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return b"t" if value else b"f"
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise ValueError("naive datetime in an outbox mark")
            return value.isoformat().encode()
        if isinstance(value, int | str):
            return str(value).encode()
        raise TypeError(f"no text form for {type(value).__name__} in an outbox mark")

    def _wait(self, writing: bool = False) -> None:
        sockets = [self.pgconn.socket]
        if not any(ready_for_io([] if writing else sockets, sockets if writing else [], [], self.TIMEOUT)):
            raise psycopg.OperationalError(f"no answer from PostgreSQL in {self.TIMEOUT:.0f} s while marking mail sent")

    def start(self, params: dict[str, Any]) -> None:
        self.finish()
        values = self.values(params)
        pg = self.pgconn
        pg.send_query_prepared(self.name, [self._text(values[name]) for name in self.names])
        while pg.flush():  # a non-blocking connection may not take it all at once
            self._wait(writing=True)
        self.waiting = params["row_id"]

    def finish(self, block: bool = True) -> bool:
        if self.waiting is None:
            return True
        pg = self.pgconn
        pg.consume_input()
        if pg.is_busy() and not block:
            return False
        row_id, self.waiting = self.waiting, None
        results = []
        while True:
            while pg.is_busy():
                self._wait()
                pg.consume_input()
            result = pg.get_result()
            if result is None:
                break
            results.append(result)
        if not results or results[0].status != pq.ExecStatus.COMMAND_OK:
            message = results[0].error_message.decode(errors="replace") if results else "no result"
            raise psycopg.OperationalError(f"outbox row {row_id} was not marked sent: {message}")
        if results[0].command_tuples != 1:
            raise RuntimeError(f"outbox row {row_id} was not marked sent")
        return True

    def close(self) -> None:
        try:
            self.finish()
        finally:
            # A connection that has failed is discarded by the pool anyway; on a sound one the
            # statement goes, so the pooled connection is handed back as it was lent.
            with contextlib.suppress(psycopg.Error):
                self._check(self.pgconn.exec_(b"DEALLOCATE " + self.name), "releasing the outbox mark")
            self.connection.close()


_statement_numbers = itertools.count(1)


def _sent_marks() -> _SentMarks:
    connection = db.engine.connect()
    if connection.dialect.name == "postgresql" and hasattr(connection.connection.driver_connection, "pgconn"):
        return _PgSentMarks(connection.execution_options(isolation_level="AUTOCOMMIT"))
    return _SentMarks(connection)


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
            marks.start(params)  # finished before the next message can be delivered
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
        sock = getattr(connection.host, "sock", None)
        if sock is not None:  # _send_raw writes a message's last line on its own: send it at once
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.connection = connection
        return connection

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.__exit__(None, None, None)
            self.connection = None


def send_batch(ids: list[int], link: SmtpLink | None = None) -> DrainResult:
    """Send the claimed messages `ids` (over `link`, or a connection of their own)."""
    if not ids:
        return DrainResult()
    rows = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)))
    return _send_rows(rows, link)


def _send_rows(rows: list[OutboxMessage], link: SmtpLink | None = None) -> DrainResult:
    # This worker holds the claim on these rows, so reloading each one after every
    # per-message commit would only cost a SELECT per message.
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    own_link = link is None
    link = link or SmtpLink()
    try:
        return _send_claimed(rows, link)
    finally:
        session.expire_on_commit = expire
        if own_link:
            link.close()


def _send_claimed(rows: list[OutboxMessage], link: SmtpLink) -> DrainResult:
    result = DrainResult()
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
    mail_from = f"FROM:{smtplib.quoteaddr(sender)}"
    # A sent message's mark is started while the next one's MAIL FROM is answered and is durable
    # before that next one can be delivered (see _send_raw); every other path finishes marking
    # what is pending first, so marks stay in order, one transaction each.
    pending: list[tuple[OutboxMessage, CampaignBatch | None]] = []

    def start_pending() -> None:
        while pending:
            sent_row, sent_handler = pending.pop()
            _mark(sent_row, result, error=None, handler=sent_handler, delivery="smtp", marks=marks)

    def mark_pending() -> None:
        start_pending()
        marks.finish()

    marks = _sent_marks()
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
                    _send_raw(
                        connection.host,
                        mail_from,
                        row.to_addr,
                        rendered.raw,
                        start_pending,
                        prepare_next(index + 1),
                        marks.finish,
                    )
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
    """Send everything due now; returns counts. Used by the worker loop and by tests.

    Expired claims (a worker that died) are looked for in the first batch and then every quarter
    lease, not in every batch: a claim cannot expire sooner than a lease after it was made, and
    during a large send the index holds an entry for every row that has passed through "sending",
    which that search would walk each time."""
    total = DrainResult()
    batches = 0
    link = SmtpLink()  # one connection for the whole drain, not one per batch
    look_for_expired_at = None
    try:
        while max_batches is None or batches < max_batches:
            now = _clock()
            expired = look_for_expired_at is None or now >= look_for_expired_at
            if expired:
                look_for_expired_at = now + current_app.config["OUTBOX_LEASE_SECONDS"] / 4
            rows = _claim(expired=expired)
            if not rows:
                break
            batch = _send_rows(rows, link)
            del rows  # freed now, the session has no objects of this batch to expire at the next claim
            total.sent += batch.sent
            total.retried += batch.retried
            total.failed += batch.failed
            batches += 1
    finally:
        link.close()
    return total
