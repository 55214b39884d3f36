"""The outbox and its worker, against a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app.db import utcnow
from app.jobs import run_worker
from app.mail import OutboxMessage, enqueue
from app.mail.claims import claim_batch
from app.mail.worker import drain_outbox
from tests.conftest import body_of, free_port


def _queue(app, db, n=1, **kwargs):
    with app.test_request_context():
        rows = [
            enqueue(
                "password_changed",
                to=kwargs.pop("to", None) or f"person{i}@example.org",
                subject=kwargs.get("subject", f"Message {i}"),
                user=type("U", (), {"name": f"Person {i}"})(),
                reset_link="http://localhost/reset-password",
                headers=kwargs.get("headers"),
                dedupe_key=kwargs.get("dedupe_key"),
            )
            for i in range(n)
        ]
        db.session.commit()
    return rows


def _statuses(db):
    return dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())


def test_enqueued_mail_is_a_row_sent_by_the_worker(app, db, smtp_server):
    _queue(app, db, n=3)
    assert _statuses(db) == {"queued": 3}
    assert smtp_server.messages == []  # nothing leaves before the worker runs

    result = drain_outbox()
    assert (result.sent, result.failed, result.retried) == (3, 0, 0)
    assert _statuses(db) == {"sent": 3}
    messages = smtp_server.wait_for(3)
    assert sorted(str(m["To"]) for m in messages) == [f"person{i}@example.org" for i in range(3)]
    first = messages[0]
    assert "Your password has been changed" in body_of(first, "plain") or "password" in body_of(first, "plain")
    assert "<h1" in body_of(first, "html")  # HTML part with a real heading
    row = db.session.scalars(select(OutboxMessage)).first()
    assert row.delivery == "smtp" and row.sent_at is not None and row.attempts == 1


def test_mail_is_only_sent_if_the_transaction_commits(app, db, smtp_server):
    with app.test_request_context():
        enqueue(
            "password_changed",
            to="x@example.org",
            subject="s",
            user=type("U", (), {"name": "X"})(),
            reset_link="http://l/",
        )
        db.session.rollback()
    assert drain_outbox().handled == 0
    assert smtp_server.messages == []


def test_one_smtp_connection_per_batch(app, db, smtp_server):
    app.config["OUTBOX_BATCH_SIZE"] = 10
    _queue(app, db, n=10)
    drain_outbox()
    smtp_server.wait_for(10)
    assert len(smtp_server.messages) == 10
    assert smtp_server.connections == 1


def test_permanent_failure_is_marked_with_the_reply(app, db, smtp_server):
    smtp_server.reject["bad@example.org"] = (550, "5.1.1 No such mailbox")
    _queue(app, db, n=1, to="bad@example.org")
    _queue(app, db, n=1, to="good@example.org")
    result = drain_outbox()
    assert (result.sent, result.failed) == (1, 1)
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == "bad@example.org"))
    assert failed.status == "failed"
    assert failed.last_error.startswith("550")
    assert "No such mailbox" in failed.last_error


def test_temporary_failure_is_retried_later(app, db, smtp_server):
    smtp_server.reject["busy@example.org"] = (451, "4.3.0 Try again later")
    _queue(app, db, n=1, to="busy@example.org")
    result = drain_outbox()
    assert result.retried == 1
    row = db.session.scalars(select(OutboxMessage)).one()
    assert row.status == "queued" and row.last_error.startswith("451")
    assert row.next_attempt_at > utcnow()
    assert drain_outbox().handled == 0  # not due yet

    del smtp_server.reject["busy@example.org"]
    row.next_attempt_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert drain_outbox().sent == 1
    assert smtp_server.to("busy@example.org")


def test_gives_up_after_max_attempts(app, db, smtp_server):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    smtp_server.reject["busy@example.org"] = (451, "busy")
    _queue(app, db, n=1, to="busy@example.org")
    drain_outbox()
    row = db.session.scalars(select(OutboxMessage)).one()
    row.next_attempt_at = utcnow()
    db.session.commit()
    drain_outbox()
    db.session.refresh(row)
    assert row.status == "failed" and row.attempts == 2


def test_unreachable_server_keeps_messages_queued(app, db):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    from app.extensions import mail

    mail.init_app(app)
    try:
        _queue(app, db, n=2)
        result = drain_outbox()
    finally:
        app.config.update(MAIL_SERVER=None)
        mail.init_app(app)
    assert result.retried == 2
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert all(r.status == "queued" and "Could not connect" in r.last_error for r in rows)


def test_expired_claim_is_taken_again(app, db, smtp_server):
    """A worker that died leaves its claim; once the lease ends another worker sends it."""
    _queue(app, db, n=1)
    assert claim_batch() != []  # claimed by a worker that then "dies"
    assert drain_outbox().handled == 0  # still leased
    row = db.session.scalars(select(OutboxMessage)).one()
    row.claimed_until = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert drain_outbox().sent == 1
    assert len(smtp_server.wait_for(1)) == 1


def test_capture_mode_without_mail_server(app, db):
    _queue(app, db, n=1)
    assert drain_outbox().sent == 1
    row = db.session.scalars(select(OutboxMessage)).one()
    assert row.status == "sent" and row.delivery == "captured"


def test_dedupe_key_prevents_a_second_row(app, db):
    _queue(app, db, n=1, dedupe_key="bulletin:1:subscriber:1")
    with pytest.raises(IntegrityError):
        _queue(app, db, n=1, dedupe_key="bulletin:1:subscriber:1")
    db.session.rollback()


def test_header_injection_is_impossible(app, db, smtp_server):
    _queue(
        app,
        db,
        n=1,
        to="victim@example.org\r\nBcc: everyone@example.org",
        subject="Hello\r\nBcc: everyone@example.org",
        headers={"X-Note\r\nBcc": "a\r\nBcc: everyone@example.org"},
    )
    drain_outbox()
    messages = smtp_server.wait_for(1, timeout=3)
    for message in messages:
        assert message["Bcc"] is None
        assert "\n" not in str(message["Subject"])
    for envelope in smtp_server.envelopes:
        assert envelope.rcpt_tos == [envelope.rcpt_tos[0]]
        assert "everyone@example.org" not in envelope.rcpt_tos


def test_worker_loop_sends_and_stops(app, db, smtp_server):
    stop = threading.Event()
    thread = threading.Thread(target=run_worker, args=(app, stop, 0.05), daemon=True)
    thread.start()
    try:
        _queue(app, db, n=2)
        assert len(smtp_server.wait_for(2)) == 2
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()


def test_worker_once_command(app, db, smtp_server):
    _queue(app, db, n=2)
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output


def test_a_rate_limited_worker_claims_no_more_than_it_can_send_within_its_lease(app, db):
    _queue(app, db, n=40)
    app.config.update(OUTBOX_BATCH_SIZE=200, OUTBOX_LEASE_SECONDS=60, OUTBOX_RATE_PER_SECOND=0.5)
    assert len(claim_batch()) == 15  # 15 messages at 0.5 a second take 30 s: half the lease
    app.config["OUTBOX_RATE_PER_SECOND"] = 0
    assert len(claim_batch()) == 25  # unlimited: the batch size (here the 25 left)


def test_one_connection_serves_every_batch_of_a_drain(app, db, smtp_server):
    _queue(app, db, n=7)
    app.config["OUTBOX_BATCH_SIZE"] = 2
    assert drain_outbox().sent == 7
    assert len(smtp_server.wait_for(7)) == 7 and smtp_server.connections == 1


def test_a_drain_looks_for_expired_claims_first_and_then_every_quarter_lease(app, db, smtp_server, monkeypatch):
    """The search for expired claims walks every row that has been "sending" during a large send,
    so a drain makes it in its first batch and then once a quarter lease has passed."""
    from app.mail import worker

    _queue(app, db, n=6)
    app.config.update(OUTBOX_BATCH_SIZE=1, OUTBOX_LEASE_SECONDS=40)
    seconds = iter([100.0, 105.0, 109.9, 110.0, 111.0, 125.0, 126.0])
    monkeypatch.setattr(worker, "_clock", lambda: next(seconds))
    looked: list[bool] = []
    claim = worker.claim_rows

    def recording_claim(limit=None, *, expired=True):
        looked.append(expired)
        return claim(limit, expired=expired)

    monkeypatch.setattr(worker, "claim_rows", recording_claim)
    assert drain_outbox().sent == 6
    # Claims at 100 (first), 105, 109.9 (not yet 10 s on), 110, 111, 125 (10 s after 110), and
    # the empty claim that ends the drain at 126.
    assert looked == [True, False, False, True, False, True, False]


def test_the_marks_connection_goes_back_to_the_pool_as_it_was_lent(app, db, smtp_server):
    """The worker marks sent mail on a pooled connection of its own (autocommit, and a prepared
    statement on PostgreSQL): afterwards that connection must behave like any other."""
    _queue(app, db, n=3)
    assert drain_outbox().sent == 3
    engine = db.engine
    for _ in range(engine.pool.size() if hasattr(engine.pool, "size") else 1):
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                # (psycopg prepares statements of its own on a connection that repeats them)
                ours = text("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'outbox_mark_sent_%'")
                assert conn.execute(ours).scalar() == 0
            conn.execute(text("UPDATE outbox_messages SET subject = 'changed'"))
            conn.rollback()  # not in autocommit: the change is undone
    assert set(db.session.scalars(select(OutboxMessage.subject))) == {"Message 0", "Message 1", "Message 2"}
