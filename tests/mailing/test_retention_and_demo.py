"""Mailing-list retention rules and demo data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.cli import seed_demo_command
from app.db import utcnow
from app.jobs import PERIODIC_JOBS, run_due_jobs
from app.mailing import services
from app.mailing.models import Bulletin, Subscriber, SuppressedAddress
from app.retention import apply_retention
from tests.factories import mailing as mf


def test_retention_removes_old_pending_and_long_unsubscribed(db):
    old_pending = mf.subscriber(status="pending")
    old_pending.created_at = utcnow() - dt.timedelta(days=31)
    fresh_pending = mf.subscriber(status="pending")
    gone = mf.subscriber(email="gone@example.org", status="unsubscribed")
    gone.unsubscribed_at = utcnow() - dt.timedelta(days=800)
    recent = mf.subscriber(status="unsubscribed")
    recent.unsubscribed_at = utcnow() - dt.timedelta(days=10)
    keep = mf.subscriber()
    db.session.commit()
    ids = {"old": old_pending.id, "fresh": fresh_pending.id, "gone": gone.id, "recent": recent.id, "keep": keep.id}
    results = apply_retention()
    assert (results["pending_subscribers"], results["unsubscribed_erased"]) == (1, 1)
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(Subscriber, ids["old"]) is None
    assert db.session.get(Subscriber, ids["fresh"]).status == "pending"
    assert db.session.get(Subscriber, ids["gone"]).email is None
    assert services.is_suppressed("gone@example.org")
    assert db.session.get(Subscriber, ids["recent"]).status == "unsubscribed"
    assert db.session.get(Subscriber, ids["keep"]).status == "confirmed"


def test_worker_runs_the_mailing_jobs(app, db):
    run_due_jobs()
    assert {"mailing.bulletins", "retention"} <= set(PERIODIC_JOBS)  # the mailing rules run in "retention"
    ran = run_due_jobs(now=10**9)
    assert "mailing.bulletins" in ran and "retention" in ran


def test_demo_data_is_idempotent(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(seed_demo_command).exit_code == 0
    assert runner.invoke(seed_demo_command).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Subscriber)) == 16
    statuses = sorted(db.session.scalars(select(Bulletin.status)))
    assert statuses == ["draft", "sent"]
    assert db.session.scalar(select(func.count()).select_from(SuppressedAddress)) == 0
    sent = db.session.scalar(select(Bulletin).where(Bulletin.status == "sent"))
    assert len(sent.items) == 4
    assert app.test_client().get(f"/bulletins/{sent.slug}").status_code == 200
