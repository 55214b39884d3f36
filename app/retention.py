"""Retention: delete personal data when its period ends (docs/data-protection.md).

Every rule, the core ones here and each feature's (registered with @retention_rule in the feature's
jobs module, which create_app() loads from FEATURES), runs in the one hourly `retention` job. Each
rule is one or a few set-based statements, cheap and safe to repeat, and returns how many rows it
deleted or cleared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import delete

from app.audit import AuditEvent
from app.db import utcnow
from app.extensions import db
from app.jobs import periodic
from app.mail.models import OutboxMessage

OUTBOX_DAYS = 90
AUDIT_DAYS = 2 * 365

RetentionRule = Callable[[dt.datetime], int]
RETENTION_RULES: dict[str, RetentionRule] = {}


def retention_rule(name: str) -> Callable[[RetentionRule], RetentionRule]:
    """Register `func(now) -> rows affected` to run in the hourly retention job under `name`."""

    def decorator(func: RetentionRule) -> RetentionRule:
        RETENTION_RULES[name] = func
        return func

    return decorator


def apply_retention(now: dt.datetime | None = None) -> dict[str, int]:
    """Run every rule; returns rows affected per rule name."""
    now = now or utcnow()
    results = apply_core_retention(now)
    for name, rule in RETENTION_RULES.items():
        results[name] = rule(now)
    return results


def apply_core_retention(now: dt.datetime) -> dict[str, int]:
    days = dt.timedelta(days=1)
    results = {
        "outbox": db.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.status.in_(("sent", "failed")),
                OutboxMessage.created_at < now - OUTBOX_DAYS * days,
            )
        ).rowcount,
        "audit": db.session.execute(delete(AuditEvent).where(AuditEvent.at < now - AUDIT_DAYS * days)).rowcount,
    }
    return results


@periodic("retention", every_seconds=3600)
def retention_job() -> None:
    apply_retention()
