"""Bulk mail campaigns: features register a renderer per campaign prefix (e.g. "bulletin"), and the
worker asks it for each row's message at send time (docs/decisions.md, "Bulk mail")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from app.mail.models import OutboxMessage


@dataclass
class Rendered:
    """A bulk message's per-recipient body, built at send time: text (+ HTML) and extra headers
    for the `email` package to build, or `raw`, the whole message already built as bytes (see
    app/mail/bulk.py), which is sent as it is."""

    text: str = ""
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    subject: str | None = None  # instead of the row's (a bulletin's version in the reader's language)


class CampaignBatch(Protocol):
    def render(self, row: OutboxMessage) -> Rendered | str:
        """The message, or a reason (str) not to send it (the recipient has left)."""

    def after(self, row: OutboxMessage, error: str | None, permanent: bool) -> None:
        """Called before each row's outcome is committed (e.g. to track bounces). Setting an
        attribute `halted` to True (a send that paused itself) makes the worker give the rest of
        its batch back unsent."""


# "bulletin" -> factory(rows) -> CampaignBatch. Features register theirs at import time.
CAMPAIGNS: dict[str, Callable[[list[OutboxMessage]], CampaignBatch]] = {}


def register_campaign(prefix: str, factory: Callable[[list[OutboxMessage]], CampaignBatch]) -> None:
    CAMPAIGNS[prefix] = factory


class BatchRenderer:
    """The messages of one claimed batch: one handler per campaign in it, each prepared with the
    batch's rows. A message can be rendered ahead (`prepare`), while the server reads the one
    before it; it is then taken from there in its turn."""

    def __init__(self, rows: list[OutboxMessage]) -> None:
        self.rows = rows
        self.handlers = _handlers(rows)
        self.prepared: dict[int, Rendered | str] = {}

    def handler(self, row: OutboxMessage) -> CampaignBatch | None:
        return self.handlers.get(row.campaign) if row.campaign else None

    def render(self, index: int) -> Rendered | str | None:
        """Row `index`'s campaign message, or None for a message stored whole on its row."""
        if index in self.prepared:
            return self.prepared.pop(index)
        handler = self.handler(self.rows[index])
        return handler.render(self.rows[index]) if handler else None

    def prepare(self, index: int) -> None:
        if index < len(self.rows) and (handler := self.handler(self.rows[index])):
            try:
                self.prepared[index] = handler.render(self.rows[index])
            except Exception:  # rendered again in its turn, where a failure is handled
                self.prepared.pop(index, None)


def _handlers(rows: list[OutboxMessage]) -> dict[str, CampaignBatch]:
    by_campaign: dict[str, list[OutboxMessage]] = {}
    for row in rows:
        if row.campaign:
            by_campaign.setdefault(row.campaign, []).append(row)
    handlers = {}
    for campaign, members in by_campaign.items():
        factory = CAMPAIGNS.get(campaign.split(":", 1)[0])
        if factory is None:
            raise RuntimeError(f"no renderer registered for campaign {campaign!r}")
        handlers[campaign] = factory(members)
    return handlers
