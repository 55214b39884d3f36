"""Events (issue 5): one Event model for every kind, series, agenda, minutes, actions, registrations.

Attendance is the registration's status (attended / apologies / confirmed-but-absent), so there is one
record per person per event and the check-in page, the minutes and the reports can never disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from babel.dates import get_month_names
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, one_of, utcnow
from app.extensions import db
from app.i18n import _, _l, current_language
from app.text import join_words

if TYPE_CHECKING:
    from app.groups.models import Organisation

KINDS = {
    "network_meeting": _l("Network meeting"),
    "community_of_practice": _l("Community of practice"),
    "networking": _l("Networking event"),
    "workshop": _l("Workshop"),
    "training": _l("Training"),
}
MODES = {"in_person": _l("In person"), "online": _l("Online"), "hybrid": _l("In person and online")}
AUDIENCES = {"anyone": _l("Anyone"), "members": _l("Member groups only")}
EVENT_STATUSES = {"draft": _l("Draft"), "published": _l("Published")}
REGISTRATION_STATUSES = {
    "confirmed": _l("Registered"),
    "waitlisted": _l("On the waiting list"),
    "cancelled": _l("Cancelled"),
    "attended": _l("Attended"),
    "apologies": _l("Sent apologies"),
}
ACTION_STATUSES = {"open": _l("Not started"), "in_progress": _l("In progress"), "done": _l("Done")}
ACCESS_FEATURES = {
    "step_free": _l("Step-free access"),
    "hearing_loop": _l("Hearing loop"),
    "bsl": _l("British Sign Language (BSL) interpreter"),
    "quiet_room": _l("Quiet room"),
    "prayer_space": _l("Prayer space"),
}
WEEKDAYS = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday")]


def N_(text: str) -> str:
    """Marks text for translation where it is translated later, with its variables (`_(CADENCES[n], ...)`)."""
    return text


ORDINALS = {1: _l("First"), 2: _l("Second"), 3: _l("Third"), 4: _l("Fourth"), -1: _l("Last")}
# A series' cadence as one sentence per week of the month (translators order the words).
CADENCES = {
    1: N_("First %(weekday)s of %(months)s"),
    2: N_("Second %(weekday)s of %(months)s"),
    3: N_("Third %(weekday)s of %(months)s"),
    4: N_("Fourth %(weekday)s of %(months)s"),
    -1: N_("Last %(weekday)s of %(months)s"),
}


def month_name(month: int) -> str:
    """January … December in the reader's language."""
    return get_month_names("wide", "stand-alone", locale=current_language().babel)[month]


# The kind decides the defaults; everything else is one code path.
KIND_DEFAULTS = {
    "network_meeting": {"audience": "members", "capacity": 40, "minutes": 120, "standing": True},
    "community_of_practice": {"audience": "members", "capacity": 30, "minutes": 90, "standing": False},
    "networking": {"audience": "anyone", "capacity": 50, "minutes": 180, "standing": False},
    "workshop": {"audience": "anyone", "capacity": 25, "minutes": 120, "standing": False},
    "training": {"audience": "anyone", "capacity": 20, "minutes": 180, "standing": False},
}
DEFAULT_MAX_GUESTS = 2
STANDING_ITEMS = [
    ("Welcome and apologies", 10),
    ("Minutes of the last meeting", 10),
    ("Action plan progress update", 20),
]


# Partner organisations from the directory that co-host an event (e.g. a wellbeing partnership).
event_partners = Table(
    "event_partners",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class EventSeries(db.Model):
    """A repeating meeting: the n-th weekday of every `interval_months` months from `first_month`."""

    __tablename__ = "event_series"
    __table_args__ = (
        CheckConstraint(one_of("kind", KINDS), name="kind"),
        CheckConstraint("interval_months BETWEEN 1 AND 12", name="interval_months"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("week_of_month IN (1, 2, 3, 4, -1)", name="week_of_month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30), default="network_meeting")
    description: Mapped[str] = mapped_column(Text, default="")
    interval_months: Mapped[int] = mapped_column(Integer, default=3)
    first_month: Mapped[int] = mapped_column(Integer, default=1)  # 1 = January, April, July, October
    week_of_month: Mapped[int] = mapped_column(Integer, default=2)
    weekday: Mapped[int] = mapped_column(Integer, default=1)  # 0 = Monday
    start_time: Mapped[dt.time] = mapped_column(Time)  # Europe/London wall-clock time
    duration_minutes: Mapped[int] = mapped_column(Integer, default=120)
    attendance_mode: Mapped[str] = mapped_column(String(20), default="in_person")
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    online_link: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None] = mapped_column(Integer)
    # Standing agenda items, one per line ("Action plan progress update (20 minutes)"); None: the
    # kind's defaults (STANDING_ITEMS).
    standing_items: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    events: Mapped[list[Event]] = relationship(back_populates="series", order_by="Event.starts_at", lazy="raise")

    @property
    def end_time(self) -> dt.time:
        """The wall-clock time a meeting of the series ends."""
        start = dt.datetime.combine(dt.date(2000, 1, 1), self.start_time)
        return (start + dt.timedelta(minutes=self.duration_minutes)).time()

    @property
    def cadence_text(self) -> str:
        """ "Second Tuesday of February, May, August and November", in the reader's language."""
        if 12 % self.interval_months == 0:
            months = join_words(
                [
                    month_name(((self.first_month - 1 + i * self.interval_months) % 12) + 1)
                    for i in range(12 // self.interval_months)
                ],
                _("and"),
            )
        else:
            months = _("every %(number)s months", number=self.interval_months)
        return _(CADENCES[self.week_of_month], weekday=str(WEEKDAYS[self.weekday]), months=months)


class Event(db.Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(one_of("kind", KINDS), name="kind"),
        CheckConstraint(one_of("attendance_mode", MODES), name="attendance_mode"),
        CheckConstraint(one_of("audience", AUDIENCES), name="audience"),
        CheckConstraint(one_of("status", EVENT_STATUSES), name="status"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity"),
        CheckConstraint("max_guests BETWEEN 0 AND 10", name="max_guests"),
        CheckConstraint("joining_days IS NULL OR joining_days BETWEEN 0 AND 60", name="joining_days"),
        Index("ix_events_status_starts", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("event_series.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    attendance_mode: Mapped[str] = mapped_column(String(20), default="in_person")
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    access_step_free: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    access_hearing_loop: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    access_bsl: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    access_quiet_room: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    access_prayer_space: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    access_notes: Mapped[str] = mapped_column(Text, default="")
    online_link: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int | None] = mapped_column(Integer)
    # Guests each registrant may bring (each takes a place); 0 turns guests off.
    max_guests: Mapped[int] = mapped_column(Integer, default=DEFAULT_MAX_GUESTS, server_default=str(DEFAULT_MAX_GUESTS))
    # Joining instructions e-mailed automatically this many days before (None: not sent), with the
    # online link, to people with a place.
    joining_days: Mapped[int | None] = mapped_column(Integer)
    joining_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The iCalendar SEQUENCE: raised by one each time registrants are told of a change.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    registration_opens_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    audience: Mapped[str] = mapped_column(String(20), default="anyone")
    status: Mapped[str] = mapped_column(String(20), default="published")
    agenda_published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    series: Mapped[EventSeries | None] = relationship(back_populates="events", lazy="raise")
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="event", order_by="AgendaItem.position", cascade="all, delete-orphan", lazy="raise"
    )
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="event", cascade="all, delete-orphan", lazy="raise"
    )
    minutes: Mapped[Minutes | None] = relationship(back_populates="event", cascade="all, delete-orphan", lazy="raise")
    actions: Mapped[list[ActionArising]] = relationship(
        back_populates="event", order_by="ActionArising.id", cascade="all, delete-orphan", lazy="raise"
    )
    # Load with selectinload(Event.partners); ordered by name for display.
    partners: Mapped[list[Organisation]] = relationship(
        "Organisation", secondary=event_partners, lazy="raise", order_by="Organisation.name"
    )

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def mode_label(self) -> str:
        return str(MODES[self.attendance_mode])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_past(self) -> bool:
        return self.ends_at <= utcnow()

    @property
    def has_online(self) -> bool:
        return self.attendance_mode in ("online", "hybrid")

    @property
    def has_venue(self) -> bool:
        return self.attendance_mode in ("in_person", "hybrid")

    @property
    def access_features(self) -> list[str]:
        return [str(label) for key, label in ACCESS_FEATURES.items() if getattr(self, f"access_{key}")]

    def registration_state(self, now: dt.datetime | None = None) -> str:
        """open, not_yet, closed, cancelled or past."""
        now = now or utcnow()
        if self.is_cancelled:
            return "cancelled"
        if self.ends_at <= now:
            return "past"
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        if (self.registration_closes_at and now >= self.registration_closes_at) or self.starts_at <= now:
            return "closed"
        return "open"


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"
    __table_args__ = (CheckConstraint("minutes_allotted IS NULL OR minutes_allotted >= 0", name="minutes_allotted"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    title: Mapped[str] = mapped_column(String(200))
    presenter: Mapped[str] = mapped_column(String(200), default="")
    minutes_allotted: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    paper_links: Mapped[str] = mapped_column(Text, default="")  # one "https://…" per line
    standing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions_arising.id", ondelete="SET NULL"))
    # The minutes of this item (plain text): what was said, and what was decided.
    minute_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    decisions: Mapped[str] = mapped_column(Text, default="", server_default="")

    event: Mapped[Event] = relationship(back_populates="agenda_items", lazy="raise")

    @property
    def papers(self) -> list[str]:
        return [line.strip() for line in (self.paper_links or "").splitlines() if line.strip()]


class Minutes(db.Model):
    __tablename__ = "event_minutes"
    __table_args__ = (CheckConstraint(one_of("status", ("draft", "published")), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    body: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="minutes", lazy="raise")


class ActionArising(db.Model):
    __tablename__ = "actions_arising"
    __table_args__ = (CheckConstraint(one_of("status", ACTION_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200), default="")
    # A portal user picked as the owner (they are e-mailed a link to the minutes once published).
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    owner_told_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The agenda item it arose under (no foreign key: agenda items already point at actions, and
    # an item removed from the agenda leaves its actions under "other business").
    agenda_item_id: Mapped[int | None] = mapped_column(Integer)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="actions", lazy="raise")

    @property
    def status_label(self) -> str:
        return str(ACTION_STATUSES[self.status])


class Registration(db.Model):
    __tablename__ = "event_registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "email", name="event_email"),
        CheckConstraint("guest_count >= 0", name="guest_count"),
        CheckConstraint(one_of("status", REGISTRATION_STATUSES), name="status"),
        Index("ix_event_registrations_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))  # normalised to lower case
    # What the person typed (or their group's name); linked to the directory when they are a member.
    organisation_name: Mapped[str] = mapped_column(String(200), default="")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    access_needs: Mapped[str] = mapped_column(Text, default="")
    dietary_needs: Mapped[str] = mapped_column(Text, default="")
    show_on_attendee_list: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(20), default="confirmed")
    # How many guests come with this person (rows in event_guests); kept here so that counting the
    # places taken stays one indexed SUM on the hot path of registering.
    guest_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    waitlist_position: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20), default="self")  # self or staff
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="registrations", lazy="raise")
    organisation: Mapped[Organisation | None] = relationship("Organisation", lazy="raise")
    guests: Mapped[list[Guest]] = relationship(
        back_populates="registration", order_by="Guest.id", cascade="all, delete-orphan", lazy="raise"
    )

    @property
    def party_size(self) -> int:
        return 1 + (self.guest_count or 0)

    @property
    def status_label(self) -> str:
        return str(REGISTRATION_STATUSES[self.status])

    @property
    def holds_place(self) -> bool:
        return self.status in ("confirmed", "attended")


class Guest(db.Model):
    """Someone a registrant brings: takes a place with them, is on the waiting list with them."""

    __tablename__ = "event_guests"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="")
    access_needs: Mapped[str] = mapped_column(Text, default="")
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="guests", lazy="raise")


MESSAGE_AUDIENCES = {
    "all": _l("Everyone registered or on the waiting list"),
    "confirmed": _l("People with a place"),
    "waitlisted": _l("People on the waiting list"),
    "attended": _l("People who attended"),
}
MESSAGE_STATUSES = {"all": ("confirmed", "waitlisted", "attended"), "confirmed": ("confirmed", "attended")}


class EventMessage(db.Model):
    """A message staff sent to an event's registrants (each copy goes through the outbox)."""

    __tablename__ = "event_messages"
    __table_args__ = (CheckConstraint(one_of("audience", MESSAGE_AUDIENCES), name="audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def audience_label(self) -> str:
        return str(MESSAGE_AUDIENCES[self.audience])


class EventOldAddress(db.Model):
    """An address an event had before staff moved it (the slug carries the date): it redirects."""

    __tablename__ = "event_old_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
