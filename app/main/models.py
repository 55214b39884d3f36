"""Site-wide text that staff edit (issue 9): the home page's welcome text."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db

WELCOME = "welcome"


class SiteContent(db.Model):
    """One block of staff-edited text per key, stored as sanitised HTML."""

    __tablename__ = "site_content"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    body: Mapped[str] = mapped_column(Text, default="", server_default="")  # sanitised HTML
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


def site_content(key: str) -> SiteContent | None:
    return db.session.scalar(select(SiteContent).where(SiteContent.key == key))
