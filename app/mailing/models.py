"""Mailing list: subscribers, topics, subscriptions, bulletins and the suppression list."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, one_of, utcnow
from app.extensions import db
from app.i18n import _l
from app.i18n.languages import Language, language

SUBSCRIBER_STATUSES = ("pending", "confirmed", "unsubscribed", "erased", "bouncing")
SUBSCRIBER_STATUS_LABELS = {
    "pending": _l("Waiting for confirmation"),
    "confirmed": _l("Subscribed"),
    "unsubscribed": _l("Unsubscribed"),
    "erased": _l("Erased"),
    "bouncing": _l("Bouncing"),
}
LAWFUL_BASES = {
    "consent": _l("Consent"),
    "legitimate_interests": _l("Legitimate interests"),
}
SOURCES = {"signup": _l("Sign-up form"), "staff": _l("Added by staff"), "import": _l("CSV import")}
BULLETIN_STATUSES = ("draft", "scheduled", "sending", "paused", "sent")
ITEM_KINDS = {
    "news": _l("News"),
    "research": _l("Research"),
    "case_study": _l("Case study"),
    "guidance": _l("Guidance"),
    "funding": _l("Funding opportunity"),
    "job": _l("Job"),
    "event": _l("Event"),
}


class Topic(db.Model):
    __tablename__ = "mailing_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Topic {self.name}>"


class Subscriber(db.Model):
    __tablename__ = "mailing_subscribers"
    __table_args__ = (CheckConstraint(one_of("status", SUBSCRIBER_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null once erased: the row stays (counts, bulletin history) without personal data.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    consent_text_version: Mapped[str | None] = mapped_column(String(40))
    consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lawful_basis: Mapped[str] = mapped_column(String(40), default="consent")
    consent_evidence: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(20), default="signup")
    # Part of every signed link; changing it makes old links stop working.
    token_key: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_mailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # sign-up mails, for throttling
    bounce_count: Mapped[int] = mapped_column(Integer, default=0)  # consecutive bulletins refused (5xx)
    last_bounce_bulletin_id: Mapped[int | None] = mapped_column(Integer)
    # Why they left ("link", "one_click", "preferences", "staff", "complaint") and, when it was a
    # bulletin's link, which bulletin: its delivery figures count it (issue 19).
    unsubscribe_reason: Mapped[str | None] = mapped_column(String(20))
    # Topics chosen on the sign-up form before confirming, merged when they sign up again (issue 19);
    # they become subscriptions only when the address is confirmed.
    pending_topic_ids: Mapped[list[int] | None] = mapped_column(JSON)
    unsubscribed_bulletin_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The language they read the bulletin in (issue 22): a code from app/i18n/languages.py; None is
    # English (or not chosen). Their e-mails and their preferences pages follow it.
    language: Mapped[str | None] = mapped_column(String(10))

    subscriptions: Mapped[list[Subscription]] = relationship(
        back_populates="subscriber", cascade="all, delete-orphan", lazy="raise"
    )

    @property
    def status_label(self) -> str:
        return SUBSCRIBER_STATUS_LABELS[self.status]

    @property
    def reading_language(self) -> Language:
        """The language their bulletin and e-mails are in (English when they chose none)."""
        return language(self.language)

    def __repr__(self) -> str:
        return f"<Subscriber {self.id} {self.status}>"


class Subscription(db.Model):
    __tablename__ = "mailing_subscriptions"
    __table_args__ = (UniqueConstraint("subscriber_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("mailing_subscribers.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("mailing_topics.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    subscriber: Mapped[Subscriber] = relationship(back_populates="subscriptions", lazy="raise")
    topic: Mapped[Topic] = relationship(lazy="joined")


bulletin_topics = Table(
    "mailing_bulletin_topics",
    db.metadata,
    Column("bulletin_id", ForeignKey("mailing_bulletins.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("mailing_topics.id", ondelete="CASCADE"), primary_key=True),
)


class Bulletin(db.Model):
    __tablename__ = "mailing_bulletins"
    __table_args__ = (CheckConstraint(one_of("status", BULLETIN_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    slug: Mapped[str] = mapped_column(String(170), unique=True)
    intro: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    send_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)  # when sending started
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    recipient_count: Mapped[int | None] = mapped_column(Integer)
    # Why sending stopped by itself (the bounce safety valve); empty when staff paused it.
    pause_reason: Mapped[str | None] = mapped_column(String(300))
    # Links built when the bulletin was sent or scheduled, so the worker needs no request.
    link_base: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # When the English title or introduction last changed (a version saved before it is out of date).
    text_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    topics: Mapped[list[Topic]] = relationship(secondary=bulletin_topics, lazy="selectin", order_by=Topic.position)
    items: Mapped[list[BulletinItem]] = relationship(
        back_populates="bulletin",
        cascade="all, delete-orphan",
        order_by="BulletinItem.position",
        lazy="selectin",
    )

    versions: Mapped[list[BulletinVersion]] = relationship(
        back_populates="bulletin", cascade="all, delete-orphan", lazy="selectin", order_by="BulletinVersion.language"
    )

    @property
    def editable(self) -> bool:
        return self.status == "draft"

    def version(self, code: str | None) -> BulletinVersion | None:
        """This bulletin's version in the language `code`, if staff wrote one (English is the row)."""
        return next((v for v in self.versions if v.language == code), None)

    @property
    def campaign(self) -> str:
        return f"bulletin:{self.id}"

    def __repr__(self) -> str:
        return f"<Bulletin {self.slug} {self.status}>"


class BulletinItem(db.Model):
    __tablename__ = "mailing_bulletin_items"
    __table_args__ = (CheckConstraint(one_of("kind", ITEM_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("mailing_bulletins.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="news")
    heading: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str | None] = mapped_column(String(100))  # e.g. "events:12" when added from portal content
    # When the English heading or paragraph last changed (a version saved before it is out of date).
    text_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    bulletin: Mapped[Bulletin] = relationship(back_populates="items", lazy="raise")
    versions: Mapped[list[BulletinItemVersion]] = relationship(
        back_populates="item", cascade="all, delete-orphan", lazy="selectin"
    )

    def version(self, code: str | None) -> BulletinItemVersion | None:
        return next((v for v in self.versions if v.language == code), None)

    @property
    def kind_label(self) -> str:
        return ITEM_KINDS.get(self.kind, self.kind)


class BulletinVersion(db.Model):
    """A bulletin's title and introduction in another language (issue 22). English is the
    bulletin's own row; versions exist only for the portal's other languages."""

    __tablename__ = "mailing_bulletin_versions"
    __table_args__ = (UniqueConstraint("bulletin_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("mailing_bulletins.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(150))
    intro: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # When staff last saved this version's form, having seen the English beside every part.
    checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    bulletin: Mapped[Bulletin] = relationship(back_populates="versions", lazy="raise")


class BulletinItemVersion(db.Model):
    """An item's heading and paragraph in another language; an item without one is shown in English."""

    __tablename__ = "mailing_bulletin_item_versions"
    __table_args__ = (UniqueConstraint("item_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("mailing_bulletin_items.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(10))
    heading: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)

    item: Mapped[BulletinItem] = relationship(back_populates="versions", lazy="raise")


def _english_text_changed(target, value, oldvalue, _initiator):
    """A change to the English text marks when it happened, so versions saved before it show as out of date."""
    if oldvalue is not value and oldvalue != value:
        target.text_changed_at = utcnow()
    return value


for _attribute in (Bulletin.title, Bulletin.intro, BulletinItem.heading, BulletinItem.body):
    event.listen(_attribute, "set", _english_text_changed, retval=True, active_history=True)


class SuppressedAddress(db.Model):
    """An erased or suppressed address, kept only as a salted hash (HMAC-SHA256)."""

    __tablename__ = "mailing_suppressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64), unique=True)
    reason: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
