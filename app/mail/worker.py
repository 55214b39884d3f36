"""Outbox delivery: claim a batch (app/mail/claims.py), render its campaign messages
(campaigns.py), hand each to the transport chosen once per drain (smtp.py, or capture.py when
MAIL_SERVER is unset) and write each outcome in its own commit (marks.py)."""

from __future__ import annotations

import smtplib
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Protocol

from flask import current_app

from app.extensions import db
from app.mail.bounces import record_bounce
from app.mail.campaigns import BatchRenderer, CampaignBatch, Rendered
from app.mail.capture import CaptureTransport
from app.mail.claims import claim_rows, release, renew
from app.mail.marks import DrainResult, Outcomes, SentMarks
from app.mail.models import OutboxMessage
from app.mail.smtp import Failure, SmtpTransport

_clock = time.monotonic  # the drain's clock (tests replace it)
_lease_clock = time.monotonic  # the clock that renews a batch's lease


class Transport(Protocol):
    delivery: str  # the rows' `delivery` once sent

    def open(self) -> None: ...
    def sent_marks(self) -> SentMarks | None: ...
    def send(
        self, row: OutboxMessage, rendered: Rendered | None, outcomes: Outcomes, prepare_next: Callable[[], None]
    ) -> Failure | None: ...
    def close(self) -> None: ...


def transport() -> Transport:
    return SmtpTransport() if current_app.config.get("MAIL_SERVER") else CaptureTransport()


def drain_outbox(max_batches: int | None = None, stop: threading.Event | None = None) -> DrainResult:
    """Send everything due now; returns counts. Used by the worker loop and by tests. Once `stop`
    is set (SIGTERM) the message in hand is finished and the rest of the claim is given back at once.

    Expired claims (a worker that died) are looked for in the first batch and then every quarter
    lease, not in every batch: a claim cannot expire sooner than a lease after it was made, and
    during a large send the index holds an entry for every row that has passed through "sending",
    which that search would walk each time."""
    total = DrainResult()
    batches = 0
    sender = transport()  # one connection for the whole drain, not one per batch
    look_for_expired_at = None
    try:
        while (max_batches is None or batches < max_batches) and not (stop is not None and stop.is_set()):
            now = _clock()
            expired = look_for_expired_at is None or now >= look_for_expired_at
            if expired:
                look_for_expired_at = now + current_app.config["OUTBOX_LEASE_SECONDS"] / 4
            rows = claim_rows(expired=expired)
            if not rows:
                break
            total.add(_send_rows(rows, sender, stop))
            del rows  # freed now, the session has no objects of this batch to expire at the next claim
            batches += 1
    finally:
        sender.close()
    return total


def _send_rows(rows: list[OutboxMessage], sender: Transport, stop: threading.Event | None = None) -> DrainResult:
    # This worker holds the claim on these rows, so reloading each one after every
    # per-message commit would only cost a SELECT per message.
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        return _send_claimed(rows, sender, stop)
    finally:
        session.expire_on_commit = expire


class _Lease:
    """The batch's claim, renewed every quarter lease while it is being sent, so the lease can be
    short and a killed worker's batch is taken over soon (issue 19)."""

    def __init__(self) -> None:
        self.every = current_app.config["OUTBOX_LEASE_SECONDS"] / 4
        self.renew_at = _lease_clock() + self.every

    def keep(self, rows: list[OutboxMessage], index: int, outcomes: Outcomes) -> None:
        """Renew the claim on rows[index:] when a quarter lease has passed (no work otherwise)."""
        if _lease_clock() >= self.renew_at:
            outcomes.flush()
            renew(rows[index:])
            self.renew_at = _lease_clock() + self.every


def _send_claimed(rows: list[OutboxMessage], sender: Transport, stop: threading.Event | None = None) -> DrainResult:
    renderer = BatchRenderer(rows)
    try:
        sender.open()
    except (OSError, smtplib.SMTPException) as exc:
        outcomes = Outcomes()
        for row in rows:
            outcomes.failed(row, f"Could not connect to the mail server: {exc}")
        return outcomes.result
    outcomes = Outcomes(sender.sent_marks())
    lease = _Lease()
    try:
        for index, row in enumerate(rows):
            if stop is not None and stop.is_set():  # stopped: the rest of the claim is given back now
                outcomes.flush()
                release(rows[index:])
                break
            lease.keep(rows, index, outcomes)
            rendered = renderer.render(index)
            if isinstance(rendered, str):
                outcomes.failed(row, rendered, permanent=True)
                continue
            handler = renderer.handler(row)
            failure = sender.send(row, rendered, outcomes, partial(renderer.prepare, index + 1))
            if failure is None:
                outcomes.sent(row, handler, sender.delivery)
                continue
            if _failed(rows, index, failure, handler, outcomes, sender):
                break
    finally:
        outcomes.close()
    return outcomes.result


def _failed(
    rows: list[OutboxMessage],
    index: int,
    failure: Failure,
    handler: CampaignBatch | None,
    outcomes: Outcomes,
    sender: Transport,
) -> bool:
    """Record row `index`'s failure; True when the rest of the batch must wait (given back)."""
    row = rows[index]
    told = handler if failure.refused else None  # the campaign hears of refusals (bounces)
    if failure.refused and failure.permanent:  # a 5xx reply: a hard bounce, recorded with the failure
        outcomes.flush()
        record_bounce("hard", row.to_addr, row=row, source="smtp", detail=failure.error)
    outcomes.failed(row, failure.error, permanent=failure.permanent, handler=told)
    if failure.lost:  # the rest of the batch is released for the next pass rather than failed
        release(rows[index + 1 :])
        sender.close()
        return True
    if getattr(told, "halted", False):  # the campaign paused itself: the rest waits for it to resume
        release(rows[index + 1 :])
        return True
    return False
