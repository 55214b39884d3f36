"""Periodic jobs: reminders to lead officers, and deleting old uploaded spreadsheets."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete

from app.actionplan.models import ImportBatch
from app.actionplan.services import send_reminders
from app.db import utcnow
from app.extensions import db
from app.jobs import periodic
from app.retention import retention_rule

IMPORT_RETENTION_DAYS = 30  # uploaded spreadsheets (they name lead officers): docs/data-protection.md


@periodic("actionplan-reminders", every_seconds=6 * 3600)
def actionplan_reminders_job() -> None:
    send_reminders()


@retention_rule("actionplan_imports")
def delete_old_imports(now: dt.datetime | None = None) -> int:
    cutoff = (now or utcnow()) - dt.timedelta(days=IMPORT_RETENTION_DAYS)
    return db.session.execute(delete(ImportBatch).where(ImportBatch.created_at < cutoff)).rowcount
