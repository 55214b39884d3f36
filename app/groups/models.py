"""Organisations (community groups), their members and their tags."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.i18n import _l

STATUSES = ("pending", "approved", "changes_requested", "rejected", "archived")
# Labels shown to readers are translated when shown (`_l`); the English of each (`_english`) is what
# the CSV export/import and the HSDS API write and read, so machine-read values never change language.
STATUS_LABELS = {
    "pending": _l("Waiting for review"),
    "approved": _l("Listed"),
    "changes_requested": _l("Changes requested"),
    "rejected": _l("Not accepted"),
    "archived": _l("Archived"),
}
STATUS_TAG_CLASSES = {
    "pending": "govuk-tag--yellow",
    "approved": "govuk-tag--green",
    "changes_requested": "govuk-tag--orange",
    "rejected": "govuk-tag--red",
    "archived": "govuk-tag--grey",
}
LEGAL_FORM_LABELS = {
    "charity": _l("Registered charity"),
    "cio": _l("Charitable incorporated organisation (CIO)"),
    "cic": _l("Community interest company (CIC)"),
    "clg": _l("Company limited by guarantee"),
    "faith": _l("Faith group"),
    "unincorporated": _l("Unincorporated group"),
    "other": _l("Other"),
}
BENEFICIARY_LABELS = {
    "0-49": _l("Fewer than 50"),
    "50-249": _l("50 to 249"),
    "250-999": _l("250 to 999"),
    "1000-4999": _l("1,000 to 4,999"),
    "5000+": _l("5,000 or more"),
}
TAG_KIND_LABELS = {
    "theme": _l("Themes of work"),
    "community": _l("Communities served"),
    "language": _l("Languages used"),
    "area": _l("Areas (wards)"),
    "service_type": _l("Types of service"),
}
TAG_KIND_SINGULAR = {
    "theme": "theme",
    "community": "community",
    "language": "language",
    "area": "area",
    "service_type": "type of service",
}
# Details a group chooses to show publicly, one flag each. Personal details default to private.
PUBLIC_FIELD_CHOICES = {
    "website": _l("Website"),
    "email": _l("Public email address"),
    "phone": _l("Public phone number"),
    "address": _l("Address and postcode"),
    "contact_name": _l("Contact person's name"),
    "founded_year": _l("Year founded"),
    "beneficiaries": _l("Beneficiaries per year"),
    "registration": _l("Charity or company number"),
}


def _english(labels: dict) -> dict[str, str]:
    """The untranslated text of lazily translated labels (`_l("Text")` keeps "Text" as its argument)."""
    return {key: str(getattr(label, "_args", (label,))[0]) for key, label in labels.items()}


# English, machine-read: CSV values (export and import) and HSDS fields.
STATUS_NAMES = _english(STATUS_LABELS)
LEGAL_FORMS = _english(LEGAL_FORM_LABELS)
BENEFICIARY_RANGES = _english(BENEFICIARY_LABELS)
TAG_KINDS = _english(TAG_KIND_LABELS)
PUBLIC_FIELD_LABELS = _english(PUBLIC_FIELD_CHOICES)
DEFAULT_PUBLIC_FIELDS = ["website", "founded_year", "beneficiaries", "registration"]
MEMBER_ROLES = ("owner", "member")


def new_uuid() -> str:
    return str(uuid.uuid4())


organisation_tags = Table(
    "organisation_tags",
    db.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Tag(db.Model):
    __tablename__ = "tags"
    __table_args__ = (
        UniqueConstraint("kind", "slug", name="uq_tags_kind_slug"),
        CheckConstraint("kind IN ('theme', 'community', 'language', 'area', 'service_type')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140))
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Tag {self.kind}:{self.slug}>"


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'approved', 'changes_requested', 'rejected', 'archived')", name="status"
        ),
        Index("ix_organisations_status_name", "status", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    # HSDS: the group's work is published as one service with its own stable id.
    service_uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(220), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending", index=True)
    legal_form: Mapped[str] = mapped_column(String(20))
    charity_number: Mapped[str | None] = mapped_column(String(20), index=True)
    company_number: Mapped[str | None] = mapped_column(String(10), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    founded_year: Mapped[int | None] = mapped_column(Integer)
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(10))
    website: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    contact_name: Mapped[str | None] = mapped_column(String(120))
    beneficiaries: Mapped[str | None] = mapped_column(String(20))
    public_fields: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_PUBLIC_FIELDS))
    # Warnings for staff found when the application arrived (possible duplicates).
    review_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    review_reason: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"))
    leave_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    leave_reason: Mapped[str | None] = mapped_column(Text)
    # Name, description and tag names: what the full-text index covers (services.refresh_search).
    search_document: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)

    tags: Mapped[list[Tag]] = relationship(secondary=organisation_tags, lazy="raise", order_by=Tag.name)
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", lazy="raise", cascade="all, delete-orphan"
    )
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id], lazy="raise")
    check: Mapped[ListingCheck | None] = relationship(back_populates="organisation", lazy="raise", uselist=False)
    locations: Mapped[list[GroupLocation]] = relationship(
        back_populates="organisation", lazy="raise", cascade="all, delete-orphan", order_by="GroupLocation.position"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.slug}>"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def status_tag_class(self) -> str:
        return STATUS_TAG_CLASSES.get(self.status, "")

    @property
    def legal_form_label(self) -> str:
        return LEGAL_FORM_LABELS.get(self.legal_form, self.legal_form)

    @property
    def beneficiaries_label(self) -> str | None:
        return BENEFICIARY_LABELS.get(self.beneficiaries or "")

    def tags_of(self, kind: str) -> list[Tag]:
        return [t for t in self.tags if t.kind == kind]

    @property
    def area(self) -> Tag | None:
        areas = self.tags_of("area")
        return areas[0] if areas else None

    def is_public(self, field: str) -> bool:
        return field in (self.public_fields or [])


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id", name="uq_memberships_user_organisation"),
        CheckConstraint("role IN ('owner', 'member')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="member", server_default="member")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships", lazy="raise")
    user = relationship("User", lazy="raise")


class GroupImportBatch(db.Model):
    """An uploaded CSV of groups waiting for "Import" after its dry-run preview (issue 3)."""

    __tablename__ = "group_import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    committed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class GroupInvitation(db.Model):
    """A member's invitation for a colleague to join their group (issue 15.4).

    The e-mailed link is signed and names this row, and the row decides whether it still works:
    once used, withdrawn by the group, ended because the invited person was removed from the
    group, replaced by a newer invitation to the same address, or past `expires_at`, it is dead,
    and the page says which of these happened."""

    __tablename__ = "group_invitations"
    __table_args__ = (CheckConstraint("end_reason IN ('withdrawn', 'removed', 'replaced')", name="end_reason"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(20))

    def problem(self, now: dt.datetime) -> str | None:
        """Why the link no longer works ("used", "withdrawn", "removed", "replaced", "expired"), or None."""
        if self.end_reason == "removed":  # said first: the used link of someone since removed
            return "removed"
        if self.used_at is not None:
            return "used"
        if self.end_reason:
            return self.end_reason
        if self.expires_at <= now:
            return "expired"
        return None


class GroupLocation(db.Model):
    """A place where a group meets or works (issue 18): an HSDS location, with the group's service
    at it an HSDS service_at_location. Latitude and longitude come from the postcode-centroid table
    (PostcodeCentroid) when the postcode is placed; a group may have several, or none public."""

    __tablename__ = "group_locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    service_at_location_uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    name: Mapped[str | None] = mapped_column(String(200))
    address_1: Mapped[str] = mapped_column(String(300), default="", server_default="")
    city: Mapped[str] = mapped_column(String(100), default="London", server_default="London")
    postcode: Mapped[str] = mapped_column(String(10))
    public: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="locations", lazy="raise")


class PostcodeCentroid(db.Model):
    """One postcode's centre (WGS84), loaded offline by `flask postcodes load FILE` (ONS Postcode
    Directory or Code-Point Open). Keyed by the postcode without its space, upper case."""

    __tablename__ = "postcode_centroids"

    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)


class ListingReport(db.Model):
    """A member of the public's "Report a problem with this listing" (issue 18 §2), for staff."""

    __tablename__ = "listing_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    problem: Mapped[str] = mapped_column(Text)
    reporter_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship(lazy="raise")


class ListingCheck(db.Model):
    """Freshness of one group's listing (issue 18 §2): when it was last confirmed correct and by
    whom (an owner from the e-mailed link, or staff on the group's behalf, audited), and when the
    owners were last asked and reminded. A table of its own, so a confirmation is not a change to
    the listing (the directory index and `last_modified` stay as they are)."""

    __tablename__ = "listing_checks"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_as: Mapped[str | None] = mapped_column(String(10))  # "owner" or "staff"
    requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship(back_populates="check", lazy="raise")
    confirmed_by = relationship("User", lazy="raise")


class GroupDescription(db.Model):
    """A group's description in one of the portal's other languages (issue 22): written by the group's
    members (or staff), shown on the public profile to readers of that language, English otherwise."""

    __tablename__ = "group_descriptions"
    __table_args__ = (UniqueConstraint("group_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(10))  # a code of app.i18n.languages.TRANSLATED
    description: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
