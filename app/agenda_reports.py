"""Reports a feature offers to a meeting's agenda: "what changed since the last meeting".

The events agenda lists them under its standing "Action plan progress update" item without
importing the feature that owns them. A feature registers once, at import (actionplan does so in
app/actionplan/__init__.py), as bulletin content sources do in app/mailing/sources.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select

from app.extensions import db


@dataclass(frozen=True)
class AgendaReport:
    endpoint: str  # the report page; takes slug= and since= (an ISO date)
    query: Callable[[], Select]  # what the current user may see, each row with .title and .slug


_REPORTS: list[AgendaReport] = []


def register_agenda_report(endpoint: str, query: Callable[[], Select]) -> None:
    _REPORTS.append(AgendaReport(endpoint, query))


def agenda_reports() -> list[tuple[str, object]]:
    """(endpoint, row) for every report the current user may see, in registration order."""
    return [(report.endpoint, row) for report in _REPORTS for row in db.session.scalars(report.query())]


# The other direction: a report's page offers "since the last meeting" from the network's meetings.
# A provider returns the days (London) of meetings held on or before `today`.
_MEETING_DAYS: list[Callable[[dt.date], list[dt.date]]] = []


def register_meeting_days(provider: Callable[[dt.date], list[dt.date]]) -> None:
    _MEETING_DAYS.append(provider)


def network_meeting_days(today: dt.date) -> list[dt.date]:
    """Days of network meetings held up to `today`, oldest first (from every registered provider)."""
    return sorted({day for provider in _MEETING_DAYS for day in provider(today) if day <= today})
