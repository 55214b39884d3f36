"""Each message's outcome, in its own commit: sent, retried later or failed.

The "sent" mark is the commonest write of a bulk send, so it is a compiled UPDATE run on the
driver's own connection, held for the batch: synchronous on SQLite, an asynchronous prepared
statement on PostgreSQL that travels while the next message is sent. Either way a message's mark
is durable before the next message's last line is written (see app/mail/smtp.py: send_raw), so at
most the one message in flight can be delivered but unmarked (docs/performance.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from dataclasses import dataclass
from select import select as ready_for_io
from typing import Any

import psycopg
from flask import current_app
from psycopg import pq
from sqlalchemy import Connection, bindparam
from sqlalchemy.orm.attributes import set_committed_value

from app.db import utcnow
from app.extensions import db
from app.mail.campaigns import CampaignBatch
from app.mail.models import OutboxMessage


@dataclass
class DrainResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed

    def add(self, other: DrainResult) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed


_outbox = OutboxMessage.__table__
_SENT = (
    _outbox.update()
    .where(_outbox.c.id == bindparam("row_id"))
    .values(
        status="sent", sent_at=bindparam("sent_at"), claimed_until=None, last_error=None, delivery=bindparam("delivery")
    )
)


class SentMarks:
    """`_SENT` for one row as its own transaction, on a connection held for the batch: the
    statement is compiled once and run on the driver's own connection, because on the commonest
    write of a bulk send SQLAlchemy's per-statement machinery costs about as much as the database
    does. Values go through the column types' own bind processors, as SQLAlchemy would send them.

    `start()` begins a mark and `finish()` waits until it is durable; here (SQLite, in process)
    `start()` does both. `PgSentMarks` lets the mark travel while the next message is sent."""

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


class PgSentMarks(SentMarks):
    """PostgreSQL: the mark is sent without waiting for it, with libpq's asynchronous calls on
    psycopg's connection, which is in autocommit so the UPDATE is its own transaction (one round
    trip); `finish()` waits for the server's answer, which it gives after the commit is flushed.
    The worker starts a message's mark as it begins the next message and finishes it just before
    that next message can be delivered (see send_raw), so the round trip and the WAL flush, which
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
        results = self._results()
        if not results or results[0].status != pq.ExecStatus.COMMAND_OK:
            message = results[0].error_message.decode(errors="replace") if results else "no result"
            raise psycopg.OperationalError(f"outbox row {row_id} was not marked sent: {message}")
        if results[0].command_tuples != 1:
            raise RuntimeError(f"outbox row {row_id} was not marked sent")
        return True

    def _results(self) -> list[Any]:
        pg = self.pgconn
        results = []
        while True:
            while pg.is_busy():
                self._wait()
                pg.consume_input()
            result = pg.get_result()
            if result is None:
                return results
            results.append(result)

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


def open_sent_marks() -> SentMarks:
    connection = db.engine.connect()
    if connection.dialect.name == "postgresql" and hasattr(connection.connection.driver_connection, "pgconn"):
        return PgSentMarks(connection.execution_options(isolation_level="AUTOCOMMIT"))
    return SentMarks(connection)


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 6 * 3600))


def record(
    row: OutboxMessage,
    result: DrainResult,
    *,
    error: str | None,
    permanent: bool = False,
    handler: CampaignBatch | None = None,
    delivery: str | None = None,
    marks: SentMarks | None = None,
) -> None:
    """Write `row`'s outcome (sent if `error` is None) and count it in `result`."""
    if handler is not None and (error is None or permanent):
        handler.after(row, error, permanent)
    if error is None:
        _record_sent(row, result, delivery, marks)
        return
    if permanent or row.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        row.status, row.claimed_until, row.last_error = "failed", None, error
        result.failed += 1
    else:
        row.status, row.claimed_until, row.last_error = "queued", None, error
        row.next_attempt_at = utcnow() + _backoff(row.attempts)
        result.retried += 1
    db.session.commit()  # progress is durable per message


def _record_sent(row: OutboxMessage, result: DrainResult, delivery: str | None, marks: SentMarks | None) -> None:
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
    if not own_commit:
        db.session.commit()  # progress is durable per message


class Outcomes:
    """The outcomes of one batch, written in order, one transaction each. A message handed over
    for delivery is marked sent later: its mark is started while the next message's MAIL FROM is
    answered and is durable before that next message can be delivered (see send_raw); every
    other outcome first finishes the marks pending. Without `marks` (captured mail, whose rows
    change) each mark is a session commit, written at once."""

    def __init__(self, marks: SentMarks | None = None) -> None:
        self.result = DrainResult()
        self.marks = marks
        self.pending: list[tuple[OutboxMessage, CampaignBatch | None, str]] = []

    def sent(self, row: OutboxMessage, handler: CampaignBatch | None, delivery: str) -> None:
        self.pending.append((row, handler, delivery))
        if self.marks is None:
            self.start_pending()

    def start_pending(self) -> None:
        while self.pending:
            row, handler, delivery = self.pending.pop()
            record(row, self.result, error=None, handler=handler, delivery=delivery, marks=self.marks)

    def finish(self, block: bool = True) -> bool:
        """Whether the marks started are durable, waiting for them if `block`."""
        return self.marks.finish(block) if self.marks is not None else True

    def flush(self) -> None:
        self.start_pending()
        self.finish()

    def failed(
        self, row: OutboxMessage, error: str, *, permanent: bool = False, handler: CampaignBatch | None = None
    ) -> None:
        self.flush()
        record(row, self.result, error=error, permanent=permanent, handler=handler)

    def close(self) -> None:
        try:
            self.flush()
        finally:
            if self.marks is not None:
                self.marks.close()
