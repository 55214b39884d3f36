"""Network meetings for the board report's "since the last meeting" (issue 20 §3).

The action-plan feature may not import events, so this aggregator registers the events' network
meetings with the core registry in app/agenda_reports.py, which the board report reads.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.agenda_reports import register_meeting_days
from app.events.models import Event
from app.extensions import db
from app.times import london_to_utc, to_london

LOOK_BACK_DAYS = 2 * 366  # the picker offers the meetings of the last two years


def network_meetings(today: dt.date) -> list[dt.date]:
    """Days of published, not cancelled network meetings from two years ago up to today."""
    starts = db.session.scalars(
        select(Event.starts_at).where(
            Event.kind == "network_meeting",
            Event.status == "published",
            Event.cancelled_at.is_(None),
            Event.starts_at >= london_to_utc(today - dt.timedelta(days=LOOK_BACK_DAYS)),
            Event.starts_at < london_to_utc(today + dt.timedelta(days=1)),
        )
    )
    return [to_london(value).date() for value in starts]


register_meeting_days(network_meetings)
