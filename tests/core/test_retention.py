"""The retention job deletes what is past its period and nothing else."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.audit import AuditEvent, record
from app.auth.models import User
from app.db import utcnow
from app.jobs import PERIODIC_JOBS, run_due_jobs
from app.mail.models import OutboxMessage
from app.retention import apply_retention
from tests import factories


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_retention_deletes_only_expired_rows(app, db):
    old = utcnow() - dt.timedelta(days=800)
    keep_user = factories.user(email="keep@example.org")
    stale = factories.user(email="stale@example.org", confirmed=False)
    stale.created_at = utcnow() - dt.timedelta(days=31)
    factories.user(email="new@example.org", confirmed=False)  # still has time to confirm
    for created, status in ((old, "sent"), (old, "queued"), (utcnow(), "sent")):
        db.session.add(OutboxMessage(kind="k", to_addr="a@example.org", subject="s", body_text="b",
                                     status=status, created_at=created))  # fmt: skip
    record("old.thing", keep_user).at = old
    record("new.thing", keep_user)
    db.session.commit()

    results = apply_retention()
    db.session.commit()
    assert results == {
        "outbox": 1, "invitations": 0, "audit": 1, "unconfirmed_users": 1, "rejected_applications": 0,
        # every feature's rule runs in the same job, and had nothing to do here
        "event_needs": 0, "actionplan_imports": 0, "group_imports": 0, "pending_subscribers": 0,
        "unsubscribed_erased": 0, "user_sessions": 0, "group_invitations": 0, "toolkit_section_presence": 0,
        "mail_bounces": 0,
    }  # fmt: skip
    assert _count(db, OutboxMessage) == 2  # the queued one is never deleted, however old
    assert [e.verb for e in db.session.scalars(select(AuditEvent))] == ["new.thing"]
    emails = set(db.session.scalars(select(User.email)))
    assert emails == {"keep@example.org", "new@example.org"}


def test_retention_runs_as_a_periodic_job(app, db):
    db.session.add(OutboxMessage(kind="k", to_addr="a@example.org", subject="s", body_text="b", status="sent",
                                 created_at=utcnow() - dt.timedelta(days=91)))  # fmt: skip
    db.session.commit()
    PERIODIC_JOBS["retention"].last_run = 0.0  # due now, as on a worker's first pass
    assert "retention" in run_due_jobs()
    assert _count(db, OutboxMessage) == 0
    assert "retention" not in run_due_jobs()  # and not again within the hour


def test_every_feature_rule_runs_in_the_one_retention_job(app, db):
    """Features register rules with @retention_rule; no feature keeps a retention job of its own."""
    from app.retention import RETENTION_RULES

    assert {"event_needs", "actionplan_imports", "group_imports", "pending_subscribers", "unsubscribed_erased"} <= set(
        RETENTION_RULES
    )
    assert not [name for name in PERIODIC_JOBS if "retention" in name and name != "retention"]


def test_expired_sessions_and_old_group_invitations_are_deleted(app, db):
    import datetime as dt

    from app.auth.models import UserSession
    from app.groups.models import GroupInvitation
    from app.retention import apply_retention
    from tests.factories.groups import organisation

    user = factories.user()
    org = organisation("Retention Group", owner=user)
    now = dt.datetime.now(dt.UTC)
    old, fresh = now - dt.timedelta(hours=app.config["SESSION_MAX_HOURS"] + 1), now - dt.timedelta(hours=1)
    db.session.add_all([
        UserSession(user_id=user.id, key_hash="a" * 64, created_at=old),
        UserSession(user_id=user.id, key_hash="b" * 64, created_at=fresh),
        GroupInvitation(organisation_id=org.id, email="x@example.org", created_at=now - dt.timedelta(days=400),
                        expires_at=now - dt.timedelta(days=393)),
        GroupInvitation(organisation_id=org.id, email="y@example.org", created_at=fresh, expires_at=now),
    ])  # fmt: skip
    db.session.commit()
    results = apply_retention(now)
    assert results["user_sessions"] == 1 and results["group_invitations"] == 1
    assert db.session.scalars(db.select(UserSession.key_hash)).all() == ["b" * 64]
    assert db.session.scalars(db.select(GroupInvitation.email)).all() == ["y@example.org"]
