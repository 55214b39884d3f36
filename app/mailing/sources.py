"""Content sources: other features offer their content as one-click bulletin items.

A feature registers a source once, at import time (e.g. in its routes module):

    from app.mailing.sources import ContentSource, SourceItem, register_source

    def upcoming_events(limit):
        return [SourceItem(key=str(e.id), kind="event", heading=e.title, body=e.summary,
                           link=url_for("events.detail", slug=e.slug, _external=True)) for e in ...]

    def event_item(key):        # one item by key, or None if it no longer exists
        ...

    register_source(ContentSource("events", "Upcoming events", upcoming_events, event_item))

The composer lists each source's candidates; "Add" copies one into the bulletin as an
ordinary item (staff can then edit the text). Candidates are fetched only when the
composer is opened, so a source costs nothing elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceItem:
    key: str
    kind: str  # one of app.mailing.models.ITEM_KINDS
    heading: str
    body: str
    link: str | None = None


@dataclass(frozen=True)
class ContentSource:
    name: str  # short id, e.g. "events"
    label: str  # shown to staff, e.g. "Upcoming events"
    candidates: Callable[[int], list[SourceItem]]
    get: Callable[[str], SourceItem | None]


SOURCES: dict[str, ContentSource] = {}


def register_source(source: ContentSource) -> None:
    SOURCES[source.name] = source


def unregister_source(name: str) -> None:
    SOURCES.pop(name, None)
