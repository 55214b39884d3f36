"""The real `flask worker` process: killed mid-send and restarted, and two at once on PostgreSQL.

Every recipient must get exactly one copy, except at most the message in flight when the
worker died (sent by the SMTP server but not yet marked), and nobody may be skipped.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.mail import OutboxMessage
from app.mailing import services
from tests.conftest import POSTGRES
from tests.factories import mailing as mf

ROOT = Path(__file__).resolve().parents[2]
RECIPIENTS = 1000


def _start_worker(database_url: str, smtp_server, log: Path, lease: int = 3, **extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "MAIL_SERVER": smtp_server.host,
        "MAIL_PORT": str(smtp_server.port),
        "OUTBOX_BATCH_SIZE": "50",
        "OUTBOX_LEASE_SECONDS": str(lease),
        "WORKER_POLL_SECONDS": "0.2",
        "PORTAL_ENV": "development",
        **extra,
    }
    env.pop("TEST_DATABASE_URL", None)
    with open(log, "ab") as output:  # the child keeps its own handle
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )


def _queue_bulletin(app, db) -> set[str]:
    topic = mf.topics()[0]
    mf.confirmed_subscribers(RECIPIENTS, topic.id)
    bulletin = mf.bulletin(topic_list=[topic])
    db.session.commit()
    with app.test_request_context():
        bulletin.link_base = services.link_base()
        assert services.queue_bulletin(bulletin) == RECIPIENTS
    db.session.commit()
    return set(db.session.scalars(select(OutboxMessage.to_addr)))


def _wait_all_sent(db, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # see other processes' commits
        done = db.session.scalar(select(func.count()).where(OutboxMessage.status == "sent"))
        if done == RECIPIENTS:
            return
        time.sleep(0.2)
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    raise AssertionError(f"not all sent in time: {counts}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def test_worker_killed_mid_send_then_restarted(app, db, database_url, smtp_server, tmp_path):
    expected = _queue_bulletin(app, db)
    first = _start_worker(database_url, smtp_server, tmp_path / "worker.log")
    try:
        deadline = time.monotonic() + 60
        while len(smtp_server.messages) < 300 and time.monotonic() < deadline:
            assert first.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        _stop(first)
    delivered_before = len(smtp_server.messages)
    assert 300 <= delivered_before < RECIPIENTS, "the worker must die part-way through"

    second = _start_worker(database_url, smtp_server, tmp_path / "worker.log")
    try:
        _wait_all_sent(db)
    finally:
        _stop(second)
    time.sleep(0.2)
    copies = collections.Counter(str(m["To"]) for m in smtp_server.messages)
    assert set(copies) == expected  # nobody skipped
    repeated = {address: n for address, n in copies.items() if n > 1}
    assert len(repeated) <= 1 and all(n == 2 for n in repeated.values()), repeated  # at most the one in flight
    assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in smtp_server.messages)


@pytest.mark.postgres_only
@pytest.mark.skipif(not POSTGRES, reason="two workers at once need PostgreSQL (runs when TEST_DATABASE_URL is set)")
def test_two_workers_on_postgresql_send_each_message_once(app, db, database_url, smtp_server, tmp_path):
    assert db.engine.dialect.name == "postgresql"
    expected = _queue_bulletin(app, db)
    workers = [_start_worker(database_url, smtp_server, tmp_path / f"worker{n}.log", lease=300) for n in range(2)]
    try:
        _wait_all_sent(db)
    finally:
        for worker in workers:
            _stop(worker)
    time.sleep(0.2)
    copies = collections.Counter(str(m["To"]) for m in smtp_server.messages)
    assert set(copies) == expected
    assert max(copies.values()) == 1
    assert smtp_server.connections >= 2  # both workers really took part


def test_a_stopped_worker_gives_its_claim_back_at_once(app, db, database_url, smtp_server, tmp_path):
    """SIGTERM (issue 19): the message in hand is finished and marked, the rest of the batch is
    queued again at once rather than after the lease, and nobody gets two copies."""
    expected = _queue_bulletin(app, db)
    smtp_server.on_data = lambda envelope: time.sleep(0.002)
    first = _start_worker(database_url, smtp_server, tmp_path / "worker.log", lease=600, OUTBOX_BATCH_SIZE="500")
    try:
        deadline = time.monotonic() + 60
        while len(smtp_server.messages) < 100 and time.monotonic() < deadline:
            assert first.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.01)
        first.send_signal(signal.SIGTERM)
        first.wait(10)
    finally:
        _stop(first)
    db.session.rollback()
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    assert "sending" not in counts, counts  # nothing left claimed (the lease is 10 minutes)
    assert counts["sent"] == len(smtp_server.messages) < RECIPIENTS
    second = _start_worker(database_url, smtp_server, tmp_path / "worker.log", lease=600)
    try:
        _wait_all_sent(db, timeout=60)  # at once: a claim left behind would wait 10 minutes
    finally:
        _stop(second)
    copies = collections.Counter(str(m["To"]) for m in smtp_server.messages)
    assert set(copies) == expected and max(copies.values()) == 1


def test_the_lease_is_renewed_while_a_batch_is_sent(app, db, smtp_server):
    """A short lease stays alive during a batch that takes longer than the lease: another worker
    cannot take the rows over while this one is still sending them."""
    from app.db import utcnow
    from app.mail.worker import drain_outbox

    topic = mf.topics()[0]
    mf.confirmed_subscribers(12, topic.id)
    bulletin = mf.bulletin(topic_list=[topic])
    db.session.commit()
    with app.test_request_context():
        bulletin.link_base = services.link_base()
        services.queue_bulletin(bulletin)
    db.session.commit()
    app.config.update(OUTBOX_LEASE_SECONDS=1, OUTBOX_BATCH_SIZE=12)
    expired_seen = []

    def check(_envelope):
        time.sleep(0.25)  # 12 messages: 3 seconds, three leases
        with app.app_context():
            expired_seen.append(
                db.session.scalar(
                    select(func.count()).where(
                        OutboxMessage.status == "sending", OutboxMessage.claimed_until < utcnow()
                    )
                )
            )

    smtp_server.on_data = check
    try:
        assert drain_outbox().sent == 12
    finally:
        app.config.update(OUTBOX_LEASE_SECONDS=40)
    assert len(expired_seen) == 12 and set(expired_seen) == {0}, expired_seen
