"""Published "This is what you said" findings as one-click bulletin items (issue 4's sources)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from app.extensions import db
from app.i18n import _l
from app.mailing.sources import ContentSource, SourceItem, register_source
from app.text import html_to_text
from app.toolkits.models import Toolkit


def _item(toolkit: Toolkit) -> SourceItem:
    summary = html_to_text(toolkit.you_said_summary) or (
        f"We have published what member organisations told us in the {toolkit.title}."
    )
    return SourceItem(
        key=str(toolkit.id),
        kind="research",
        heading=f"This is what you said: {toolkit.title}",
        body=summary[:4000],
        link=url_for("toolkits.you_said", slug=toolkit.slug, _external=True),
    )


def _published():
    return select(Toolkit).where(Toolkit.status != "draft", Toolkit.you_said_published_at.is_not(None))


def candidates(limit: int) -> list[SourceItem]:
    return [
        _item(t) for t in db.session.scalars(_published().order_by(Toolkit.you_said_published_at.desc()).limit(limit))
    ]


def get(key: str) -> SourceItem | None:
    if not key.isdigit():
        return None
    toolkit = db.session.scalar(_published().where(Toolkit.id == int(key)))
    return _item(toolkit) if toolkit else None


register_source(ContentSource("toolkits", _l("“You said” findings from toolkits"), candidates, get))
