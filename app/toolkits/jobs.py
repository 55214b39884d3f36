"""Periodic jobs for toolkits, run by `flask worker`."""

from __future__ import annotations

import datetime as dt

from app.jobs import periodic
from app.retention import retention_rule
from app.toolkits.coediting import forget_presence
from app.toolkits.reminders import send_due_reminders


@periodic("toolkit_reminders", every_seconds=3600)
def toolkit_reminders_job() -> None:
    """Hourly check; reminders go only on the days the rule names, once a day at most
    (app/toolkits/reminders.py), so a restarted worker never sends twice."""
    send_due_reminders()


@retention_rule("toolkit_section_presence")
def forget_section_presence(now) -> int:
    """Who had which toolkit section open is shown for minutes; it is kept for a day at most."""
    return forget_presence(now - dt.timedelta(days=1))
