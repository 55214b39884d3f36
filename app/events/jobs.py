"""Periodic jobs for events, run by `flask worker`."""

from __future__ import annotations

from app.events.services import send_reminders
from app.jobs import periodic


@periodic("event_reminders", every_seconds=900)
def event_reminders_job() -> None:
    """Reminders EVENT_REMINDER_DAYS before each event; the outbox dedupe_key makes each one go once."""
    send_reminders()
