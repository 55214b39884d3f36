"""Retention: uploaded directory CSVs (they hold contact names and e-mails) are deleted after 30 days,
colleague invitations after a year."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete

from app.db import utcnow
from app.extensions import db
from app.groups.freshness import run_listing_checks
from app.groups.models import GroupImportBatch, GroupInvitation, Organisation
from app.jobs import periodic
from app.retention import retention_rule

IMPORT_RETENTION_DAYS = 30  # docs/data-protection.md
INVITATION_RETENTION_DAYS = 365
REJECTED_APPLICATION_DAYS = 365


@retention_rule("rejected_applications")
def delete_rejected_applications(now: dt.datetime) -> int:
    """A group application that was not accepted, with its contact details (issue 3)."""
    cutoff = now - dt.timedelta(days=REJECTED_APPLICATION_DAYS)
    return db.session.execute(
        delete(Organisation).where(Organisation.status == "rejected", Organisation.reviewed_at < cutoff)
    ).rowcount


@retention_rule("group_invitations")
def delete_old_invitations(now: dt.datetime | None = None) -> int:
    """Colleague invitations (an e-mail address, who invited whom) a year after they were sent."""
    cutoff = (now or utcnow()) - dt.timedelta(days=INVITATION_RETENTION_DAYS)
    return db.session.execute(delete(GroupInvitation).where(GroupInvitation.created_at < cutoff)).rowcount


@retention_rule("group_imports")
def delete_old_imports(now: dt.datetime | None = None) -> int:
    cutoff = (now or utcnow()) - dt.timedelta(days=IMPORT_RETENTION_DAYS)
    return db.session.execute(delete(GroupImportBatch).where(GroupImportBatch.created_at < cutoff)).rowcount


@periodic("listing_checks", every_seconds=3600)
def ask_for_listing_checks() -> None:
    """Every hour: ask owners whose listing is due a check, and remind those who have not answered
    (issue 18 §2, app/groups/freshness.py)."""
    run_listing_checks()
