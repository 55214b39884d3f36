"""Action plans: ActionPlan → Theme → Action → ProgressUpdate, with status history."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, one_of, utcnow
from app.extensions import db
from app.i18n import _l
from app.text import html_to_text

PLAN_VISIBILITY = {"public": "Anyone", "members": "Signed-in members only"}
PLAN_STATUSES = {"draft": "Draft", "published": "Published", "archived": "Archived"}
STATUSES = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "completed": "Completed",
    "ongoing": "Ongoing",
    "on_hold": "On hold",
}
STATUS_TAG_CLASSES = {
    "not_started": "govuk-tag--grey",
    "in_progress": "govuk-tag--blue",
    "completed": "govuk-tag--green",
    "ongoing": "govuk-tag--turquoise",
    "on_hold": "govuk-tag--orange",
}
RAG = {"red": "Red", "amber": "Amber", "green": "Green"}
RAG_TAG_CLASSES = {"red": "govuk-tag--red", "amber": "govuk-tag--yellow", "green": "govuk-tag--green"}
QUICK_WIN = {"yes": "Yes", "no": "No", "unknown": "Not stated"}
# The dictionaries above are the English names the spreadsheet export writes and the import reads
# back (a round trip); pages and forms show these, in the reader's language.
PLAN_VISIBILITY_LABELS = {"public": _l("Anyone"), "members": _l("Signed-in members only")}
PLAN_STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "archived": _l("Archived")}
STATUS_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "ongoing": _l("Ongoing"),
    "on_hold": _l("On hold"),
}
RAG_LABELS = {"red": _l("Red"), "amber": _l("Amber"), "green": _l("Green")}
QUICK_WIN_LABELS = {"yes": _l("Yes"), "no": _l("No"), "unknown": _l("Not stated")}


def number_sort_key(number: str) -> str:
    """'4.10' → '000004.000010': string order is natural order on every database."""
    parts = re.findall(r"\d+|[A-Za-z]+", number or "")
    return ".".join(p.zfill(6) if p.isdigit() else p.lower() for p in parts)[:80]


action_lead_users = Table(
    "action_lead_users",
    db.Model.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ActionPlan(db.Model):
    __tablename__ = "action_plans"
    __table_args__ = (
        CheckConstraint(one_of("visibility", PLAN_VISIBILITY), name="visibility"),
        CheckConstraint(one_of("status", PLAN_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[str] = mapped_column(String(20), default="public")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Board (partnership) meeting dates as ISO strings, oldest first: the board report offers
    # "since the last board meeting" from them.
    board_dates: Mapped[list[str]] = mapped_column(JSON, default=list)

    themes: Mapped[list[Theme]] = relationship(
        back_populates="plan", order_by="Theme.position", cascade="all, delete-orphan", lazy="raise"
    )

    def __repr__(self) -> str:
        return f"<ActionPlan {self.slug}>"

    @property
    def meeting_dates(self) -> list[dt.date]:
        """The board meeting dates entered on the plan, oldest first."""
        dates = []
        for value in self.board_dates or []:
            try:
                dates.append(dt.date.fromisoformat(value))
            except (TypeError, ValueError):
                continue
        return sorted(set(dates))


class Theme(db.Model):
    __tablename__ = "action_themes"
    __table_args__ = (UniqueConstraint("plan_id", "name", name="uq_action_themes_plan_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    secondary: Mapped[str] = mapped_column(Text, default="")  # "also relates to …" as written

    plan: Mapped[ActionPlan] = relationship(back_populates="themes", lazy="raise")
    actions: Mapped[list[Action]] = relationship(back_populates="theme", order_by="Action.sort_key", lazy="raise")


class Action(db.Model):
    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("plan_id", "number", name="uq_actions_plan_number"),
        Index("ix_actions_plan_sort", "plan_id", "sort_key"),
        CheckConstraint(one_of("status", STATUSES), name="status"),
        CheckConstraint(one_of("quick_win", QUICK_WIN), name="quick_win"),
        CheckConstraint("rag IS NULL OR " + one_of("rag", RAG), name="rag"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("action_themes.id", ondelete="RESTRICT"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    sort_key: Mapped[str] = mapped_column(String(80))
    headline: Mapped[str] = mapped_column(Text)
    # A lead-in label from the spreadsheet ("Hate crime action plan"), shown before the headline.
    label: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    deliverables: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    wider_benefits: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    timescale: Mapped[str] = mapped_column(Text, default="")
    target_date: Mapped[dt.date | None] = mapped_column(Date)
    quick_win: Mapped[str] = mapped_column(String(10), default="unknown")
    quick_win_note: Mapped[str] = mapped_column(Text, default="")
    lead_services: Mapped[list[str]] = mapped_column(JSON, default=list)
    lead_officers: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What a lead cell said when it named nobody ("N/A", "TBC", "Various").
    lead_service_note: Mapped[str] = mapped_column(String(200), default="")
    lead_officer_note: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="not_started", index=True)
    rag: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_update_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # newest progress update entered

    theme: Mapped[Theme] = relationship(back_populates="actions", lazy="raise")
    plan: Mapped[ActionPlan] = relationship(lazy="raise")
    lead_users = relationship("User", secondary=action_lead_users, lazy="raise", order_by="User.name")
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="action", cascade="all, delete-orphan", lazy="raise"
    )

    def __repr__(self) -> str:
        return f"<Action {self.number}>"

    def set_number(self, number: str) -> None:
        self.number = number
        self.sort_key = number_sort_key(number)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status, self.status))

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        return bool(self.target_date and self.target_date < today and self.status != "completed")


class ProgressUpdate(db.Model):
    __tablename__ = "action_progress_updates"
    __table_args__ = (
        CheckConstraint("status IS NULL OR " + one_of("status", STATUSES), name="status"),
        CheckConstraint("source IN ('import', 'manual')", name="source"),
        Index("ix_action_progress_updates_action_fp", "action_id", "fingerprint"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    dated: Mapped[dt.date | None] = mapped_column(Date, index=True)
    status: Mapped[str | None] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)  # sanitised HTML
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(10), default="manual")
    # Identifies the same entry in a re-imported file: hash of date, status and text.
    fingerprint: Mapped[str] = mapped_column(String(64))

    action: Mapped[Action] = relationship(back_populates="updates", lazy="raise")
    author = relationship("User", lazy="raise")

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS.get(self.status or "", ""))


def update_fingerprint(dated: dt.date | None, status: str | None, body: str) -> str:
    """ProgressUpdate.fingerprint: the same entry in a re-imported file has the same one."""
    text = " ".join(html_to_text(body).lower().split())
    key = f"{dated.isoformat() if dated else ''}|{status or ''}|{text}"
    return hashlib.sha256(key.encode()).hexdigest()


class StatusChange(db.Model):
    """Every change of an action's status, kept for the timeline and the board report."""

    __tablename__ = "action_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20), default="manual")  # manual | import | update

    action: Mapped[Action] = relationship(lazy="raise")
    changed_by = relationship("User", lazy="raise")


class ImportBatch(db.Model):
    """An uploaded spreadsheet waiting for confirmation after its dry-run preview."""

    __tablename__ = "action_import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"))
    new_plan_title: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    committed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    plan = relationship("ActionPlan", lazy="raise")
