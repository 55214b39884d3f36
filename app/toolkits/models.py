"""Mapping toolkits: definitions (toolkit, sections, questions), responses and answers.

Answers are stored for SQL aggregation: one row per selected option (multiple choice), one row per
ranked option with its rank, numbers and scale points in `number_value`, dates in `date_value`,
text in `text_value`. Scalar questions use `option_id = ""` so the unique key
(response, question, option) holds on SQLite and PostgreSQL alike (NULLs are never equal).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, one_of, utcnow
from app.extensions import db
from app.i18n import _, _l

# Each stored type name's class, filled in by app/toolkits/question_types as it loads (the toolkits
# package imports it): the types read this module's constants, so this module names none of them.
QUESTION_TYPE_CLASSES: dict[str, type] = {}

AUDIENCES = {
    "organisation": _l("One response per member organisation"),
    "individual": _l("One response per person"),
}
TOOLKIT_STATUSES = {"draft": _l("Draft"), "published": _l("Published"), "closed": _l("Closed")}
# The stored question types and their labels (the CHECK constraint, the staff form's choices); each
# name is a class in app/toolkits/question_types, which knows how that type is answered and counted.
QUESTION_TYPES = {
    "short_text": _l("Short text"),
    "long_text": _l("Long text"),
    "number": _l("Number"),
    "single_choice": _l("Single choice"),
    "multiple_choice": _l("Multiple choice"),
    "ranking": _l("Ranking (order the top choices)"),
    "scale": _l("Scale (1 to 5)"),
    "yes_no": _l("Yes or no"),
    "date": _l("Date"),
    "email": _l("Email address"),
}
YES_NO_OPTIONS = [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]
OTHER_ID = "other"
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 5000
RESPONSE_STATUSES = {"draft": _l("Draft"), "submitted": _l("Submitted")}


class Toolkit(db.Model):
    __tablename__ = "toolkits"
    __table_args__ = (
        CheckConstraint(one_of("audience", AUDIENCES), name="audience"),
        CheckConstraint(one_of("status", TOOLKIT_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    opens_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    audience: Mapped[str] = mapped_column(String(20), default="organisation", server_default="organisation")
    status: Mapped[str] = mapped_column(String(20), default="draft", server_default="draft", index=True)
    you_said_summary: Mapped[str] = mapped_column(Text, default="", server_default="")  # sanitised HTML
    you_said_question_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    you_said_published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The protected figures as published (app/toolkits/disclosure.py): "You said" reads only this, so new
    # answers do not move it until staff publish again. Kept when the page is taken down (the next
    # publication is compared with it).
    you_said_snapshot: Mapped[dict | None] = mapped_column(JSON)
    suppression_threshold: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    cloned_from_id: Mapped[int | None] = mapped_column(ForeignKey("toolkits.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    sections: Mapped[list[Section]] = relationship(
        back_populates="toolkit", lazy="raise", order_by="Section.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Toolkit {self.slug}>"

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or utcnow()
        return (
            self.status == "published"
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )

    def not_yet_open(self, now: dt.datetime | None = None) -> bool:
        now = now or utcnow()
        return self.status == "published" and self.opens_at is not None and now < self.opens_at

    @property
    def window_state(self) -> str:
        if self.status == "draft":
            return "draft"
        if self.is_open():
            return "open"
        if self.not_yet_open():
            return "not_open"
        return "closed"

    @property
    def status_label(self) -> str:
        return {"draft": _("Draft"), "open": _("Open"), "not_open": _("Not open yet"), "closed": _("Closed")}[
            self.window_state
        ]

    @property
    def status_tag_class(self) -> str:
        return {
            "draft": "govuk-tag--grey",
            "open": "govuk-tag--green",
            "not_open": "govuk-tag--blue",
            "closed": "govuk-tag--red",
        }[self.window_state]


class Section(db.Model):
    __tablename__ = "toolkit_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    toolkit_id: Mapped[int] = mapped_column(ForeignKey("toolkits.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    toolkit: Mapped[Toolkit] = relationship(back_populates="sections", lazy="raise")
    questions: Mapped[list[Question]] = relationship(
        back_populates="section", lazy="raise", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(db.Model):
    __tablename__ = "toolkit_questions"
    __table_args__ = (CheckConstraint(one_of("type", QUESTION_TYPES), name="type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    toolkit_id: Mapped[int] = mapped_column(ForeignKey("toolkits.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("toolkit_sections.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    type: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(500))
    hint: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # [{"id": "mental-health", "label": "Mental health"}, …]: ids never change once answered.
    options: Mapped[list[dict]] = mapped_column(JSON, default=list)
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    allow_other: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    rank_top: Mapped[int | None] = mapped_column(Integer)
    scale_min_label: Mapped[str] = mapped_column(String(100), default="")
    scale_max_label: Mapped[str] = mapped_column(String(100), default="")
    show_if_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("toolkit_questions.id", ondelete="SET NULL"), index=True
    )
    show_if_option: Mapped[str | None] = mapped_column(String(80))

    section: Mapped[Section] = relationship(back_populates="questions", lazy="raise")

    @property
    def type_label(self) -> str:
        return QUESTION_TYPES.get(self.type, self.type)

    @property
    def kind(self) -> Any:  # a question_types.QuestionType (not imported: it imports this module)
        """This question's type (app/toolkits/question_types): how its answers are read, checked,
        shown and counted."""
        return QUESTION_TYPE_CLASSES[self.type](self)

    @property
    def choices(self) -> list[dict]:
        """Options as offered (with "Other" when allowed, Yes/No for yes or no; none for other types)."""
        return self.kind.choices

    def option_label(self, option_id: str) -> str:
        for option in self.choices:
            if option["id"] == option_id:
                return option["label"]
        return option_id

    @property
    def effective_rank_top(self) -> int:
        count = len(self.options or [])
        return min(self.rank_top or count, count)

    @property
    def html_id(self) -> str:
        return f"q{self.id}"


class Response(db.Model):
    __tablename__ = "toolkit_responses"
    __table_args__ = (
        # "org:<id>" or "user:<id>": one response per organisation (or per person) per toolkit,
        # enforced by an ordinary unique constraint that works on both databases.
        UniqueConstraint("toolkit_id", "respondent_key", name="uq_toolkit_responses_respondent"),
        CheckConstraint(one_of("status", RESPONSE_STATUSES), name="status"),
        Index("ix_toolkit_responses_toolkit_status", "toolkit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    toolkit_id: Mapped[int] = mapped_column(ForeignKey("toolkits.id", ondelete="CASCADE"))
    respondent_key: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", server_default="draft")
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    saved_sections: Mapped[list[int]] = mapped_column(JSON, default=list)
    reopened_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    toolkit: Mapped[Toolkit] = relationship(lazy="raise")
    organisation = relationship("Organisation", lazy="raise")
    updated_by = relationship("User", foreign_keys=[updated_by_id], lazy="raise")
    submitted_by = relationship("User", foreign_keys=[submitted_by_id], lazy="raise")


class Answer(db.Model):
    __tablename__ = "toolkit_answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id", "option_id", name="uq_toolkit_answers_option"),
        # Covering indexes for the results page's GROUP BY queries (migration 0012_toolkits).
        Index("ix_toolkit_answers_question_cover", "question_id", "option_id", "response_id", "rank"),
        Index("ix_toolkit_answers_question_number", "question_id", "number_value", "response_id"),
        Index("ix_toolkit_answers_question_id", "question_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("toolkit_responses.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("toolkit_questions.id", ondelete="CASCADE"))
    option_id: Mapped[str] = mapped_column(String(80), default="", server_default="")
    rank: Mapped[int | None] = mapped_column(Integer)
    number_value: Mapped[float | None] = mapped_column(Float)
    text_value: Mapped[str | None] = mapped_column(Text)
    date_value: Mapped[dt.date | None] = mapped_column(Date)


class AnswerState(db.Model):
    """The version of one question's answer in one shared response: every write moves it on by
    one with a conditional UPDATE (`WHERE version = <the version the page was drawn with>`), so two
    colleagues saving at once never overwrite each other unseen (app/toolkits/coediting.py).
    No row means version 0: never written since the portal started keeping versions."""

    __tablename__ = "toolkit_answer_states"
    __table_args__ = (UniqueConstraint("response_id", "question_id", name="uq_toolkit_answer_states_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("toolkit_responses.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("toolkit_questions.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)


class AnswerRevision(db.Model):
    """Every saved value of one answer: who, when, old → new (rows as stored, for "restore")."""

    __tablename__ = "toolkit_answer_revisions"
    __table_args__ = (Index("ix_toolkit_answer_revisions_answer", "response_id", "question_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("toolkit_responses.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("toolkit_questions.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # "" an ordinary save, "merged" choices merged with a colleague's, "restored" an earlier version
    how: Mapped[str] = mapped_column(String(20), default="", server_default="")
    old_rows: Mapped[list[dict]] = mapped_column(JSON, default=list)
    new_rows: Mapped[list[dict]] = mapped_column(JSON, default=list)


class SectionPresence(db.Model):
    """Who had a section of a shared response open, and when last (page drawn or autosaved)."""

    __tablename__ = "toolkit_section_presence"
    __table_args__ = (
        UniqueConstraint("response_id", "section_id", "user_id", name="uq_toolkit_section_presence_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("toolkit_responses.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("toolkit_sections.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


TRANSLATION_LANGUAGES = ("bn", "so", "ur")  # English is the source: the definition's own columns
TRANSLATED_OBJECTS = ("toolkit", "section", "question")


class ToolkitTranslation(db.Model):
    """One text of a toolkit's definition in one language (app/toolkits/translations.py): the object
    ("toolkit", "section" or "question" and its id), the field ("title", "description", "label",
    "hint", or "option:<option id>") and the words. Answers keep option ids, never labels, so
    answers given in any language count together."""

    __tablename__ = "toolkit_translations"
    __table_args__ = (
        UniqueConstraint("object_type", "object_id", "field", "language", name="uq_toolkit_translations_text"),
        CheckConstraint(one_of("object_type", TRANSLATED_OBJECTS), name="object_type"),
        CheckConstraint(one_of("language", TRANSLATION_LANGUAGES), name="language"),
        Index("ix_toolkit_translations_toolkit_language", "toolkit_id", "language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    toolkit_id: Mapped[int] = mapped_column(ForeignKey("toolkits.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
