"""Periodic jobs for toolkits, run by `flask worker`."""

from __future__ import annotations

from app.jobs import periodic
from app.toolkits.reminders import send_due_reminders


@periodic("toolkit_reminders", every_seconds=3600)
def toolkit_reminders_job() -> None:
    """Hourly check; reminders go only on the days the rule names, once a day at most
    (app/toolkits/reminders.py), so a restarted worker never sends twice."""
    send_due_reminders()
