"""The review queue's count, written once: the staff dashboard's "Applications to review" and the
groups page's "Waiting for a decision" both call it, so the two numbers always agree (issue 20 §3).

An application waits for a decision while it is pending or while the applicant has been asked for
changes: both are in the queue staff work through, and both still need a decision.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.groups.models import Organisation

QUEUE_STATUSES = ("pending", "changes_requested")


def waiting_for_decision() -> int:
    """How many group applications wait for a staff decision."""
    query = select(func.count()).select_from(Organisation).where(Organisation.status.in_(QUEUE_STATUSES))
    return int(db.session.scalar(query) or 0)
