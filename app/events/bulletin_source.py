"""Upcoming public events as one-click bulletin items (issue 4's content sources)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from app.db import utcnow
from app.events.models import Event
from app.extensions import db
from app.i18n import _, _l
from app.mailing.sources import ContentSource, SourceItem, register_source
from app.template_helpers import datetime_format
from app.text import html_to_text


def _item(event: Event) -> SourceItem:
    when = datetime_format(event.starts_at, weekday=True)
    where = _("online") if event.attendance_mode == "online" else (event.venue or _("venue to be confirmed"))
    summary = html_to_text(event.description)
    body = _("%(when)s, %(where)s.", when=when, where=where) + (f"\n\n{summary}" if summary else "")
    return SourceItem(
        key=str(event.id),
        kind="event",
        heading=event.title,
        body=body[:4000],
        link=url_for("events.detail", slug=event.slug, _external=True),
    )


def _listed():
    # Bulletins go to the public mailing list, so only events anyone may come to.
    return select(Event).where(
        Event.cancelled_at.is_(None),
        Event.status == "published",
        Event.audience == "anyone",
        Event.starts_at > utcnow(),
    )


def candidates(limit: int) -> list[SourceItem]:
    return [_item(e) for e in db.session.scalars(_listed().order_by(Event.starts_at).limit(limit))]


def get(key: str) -> SourceItem | None:
    if not key.isdigit():
        return None
    event = db.session.scalar(_listed().where(Event.id == int(key)))
    return _item(event) if event else None


register_source(ContentSource("events", _l("Upcoming events"), candidates, get))
