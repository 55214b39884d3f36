"""Registering, apologies, cancelling, the waiting list and check-in, and the e-mails they send.

Registration runs in its own write transaction (see lock_event) so that capacity is exact under
concurrency; the functions that say so commit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app.audit import record
from app.auth.models import normalise_email
from app.db import utcnow
from app.events.ics import calendar_for
from app.events.models import N_, Event, Guest, Registration
from app.events.services import HOLDS_PLACE, find_registration, guests_of, places_taken, waitlist_rank
from app.events.text import sentence
from app.extensions import db
from app.forms import FieldProblem
from app.i18n import _, ngettext
from app.mail import enqueue
from app.template_helpers import datetime_format
from app.tokens import make_token
from app.urls import link_context


@dataclass(frozen=True)
class GuestDetails:
    """Someone a registrant brings: a name, and optionally an address and access needs."""

    name: str
    email: str = ""
    access_needs: str = ""


@dataclass(frozen=True)
class RegistrationRequest:
    """Who asks for a place at which event, and how (the public form, staff, or a group's apologies)."""

    event_id: int
    name: str
    email: str
    user_id: int | None = None
    organisation_name: str = ""
    organisation_id: int | None = None
    access_needs: str = ""
    dietary_needs: str = ""
    show_on_attendee_list: bool = False
    by_staff: bool = False
    status: str | None = None  # "apologies", or "attended" (staff); None: a place or the waiting list
    guests: tuple[GuestDetails, ...] = ()


@dataclass
class RegistrationResult:
    registration: Registration
    created: bool


def lock_event(event_id: int) -> Event:
    """Start (or join) a write transaction that holds this event exclusively.

    PostgreSQL: SELECT … FOR UPDATE on the event row, so registrations for one event queue up
    while other events are untouched. SQLite: BEGIN IMMEDIATE takes the database write lock before
    anything is read, so the count we read cannot change before we commit. Both are released
    by the caller's commit or rollback.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:  # pysqlite begins lazily; nothing written yet in this session
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        query = select(Event).where(Event.id == event_id)
    else:
        query = select(Event).where(Event.id == event_id).with_for_update()
    event = db.session.scalars(query.execution_options(populate_existing=True)).one_or_none()
    if event is None:
        raise LookupError(event_id)
    return event


def _next_waitlist_position(event_id: int) -> int:
    current = db.session.scalar(
        select(func.max(Registration.waitlist_position)).where(Registration.event_id == event_id)
    )
    return (current or 0) + 1


def register(wanted: RegistrationRequest) -> RegistrationResult:
    """Register someone, or put them on the waiting list; commits.

    Exactly `capacity` people hold a place however many register at once (see lock_event). A second
    submission for the same address (a double click) returns the first registration unchanged.
    `status="apologies"` records apologies (a member group for a network meeting): allowed until the
    meeting starts even after registration closes, and it turns the person's own place, if they had
    one, into apologies (freeing it for the waiting list).
    """
    email = normalise_email(wanted.email)
    try:
        event = lock_event(wanted.event_id)
        if not wanted.by_staff:
            _refuse_when_closed(event, wanted.status)
            _refuse_too_many_guests(event, wanted.guests)
        existing = find_registration(event.id, email)
        if existing is not None and wanted.status == "apologies" and existing.status in ("confirmed", "waitlisted"):
            return _apologies_instead(event, existing, wanted)
        if existing is not None and existing.status != "cancelled":
            db.session.rollback()
            return RegistrationResult(existing, False)
        registration = existing or Registration(event_id=event.id, email=email)
        _fill(registration, wanted)
        _give_place(event, registration, wanted.status)
        if existing is None:
            db.session.add(registration)
        db.session.flush()
        _add_guests(registration, wanted, replace=existing is not None)
        _tell_and_record(event, registration, wanted)
        db.session.commit()
        return RegistrationResult(registration, True)
    except IntegrityError:
        # Two submissions for one address raced on PostgreSQL before one held the lock.
        db.session.rollback()
        existing = find_registration(wanted.event_id, email)
        if existing is None:
            raise
        return RegistrationResult(existing, False)
    except BaseException:
        db.session.rollback()
        raise


def _refuse_when_closed(event: Event, status: str | None) -> None:
    state = event.registration_state()
    if status == "apologies" and state in ("cancelled", "past"):
        raise FieldProblem("organisation_id", _apologies_closed_message(state))
    if status != "apologies" and state != "open":
        raise FieldProblem("email", _closed_message(event, state))


def _refuse_too_many_guests(event: Event, guests: tuple[GuestDetails, ...]) -> None:
    if len(guests) > event.max_guests:
        if event.max_guests == 0:
            raise FieldProblem("guests", _("This event does not take guests. Each person needs to register themselves"))
        raise FieldProblem(
            "guests",
            ngettext(
                "You can bring up to %(num)s guest to this event",
                "You can bring up to %(num)s guests to this event",
                event.max_guests,
            ),
        )


def _add_guests(registration: Registration, wanted: RegistrationRequest, *, replace: bool) -> None:
    """The party's guests (a cancelled registration taken up again starts with the guests now given)."""
    if replace:
        db.session.execute(delete(Guest).where(Guest.registration_id == registration.id))
    if not registration.guest_count:
        return
    db.session.add_all(
        Guest(
            registration_id=registration.id,
            name=guest.name.strip(),
            email=normalise_email(guest.email) if guest.email.strip() else "",
            access_needs=guest.access_needs.strip(),
        )
        for guest in wanted.guests
    )


def _fill(registration: Registration, wanted: RegistrationRequest) -> None:
    """What the person told us; a cancelled registration being taken up again starts afresh."""
    registration.name = wanted.name.strip()
    registration.user_id = wanted.user_id
    registration.organisation_name = wanted.organisation_name.strip()
    registration.organisation_id = wanted.organisation_id
    registration.access_needs = wanted.access_needs.strip()
    registration.dietary_needs = wanted.dietary_needs.strip()
    registration.show_on_attendee_list = wanted.show_on_attendee_list
    registration.source = "staff" if wanted.by_staff else "self"
    registration.guest_count = 0 if wanted.status == "apologies" else len(wanted.guests)
    registration.cancelled_at = None
    registration.checked_in_at = None


def _give_place(event: Event, registration: Registration, status: str | None) -> None:
    """Places for the whole party while there are enough, else the party goes to the end of the
    waiting list together (the caller holds lock_event)."""
    if status in ("apologies", "attended"):
        registration.status, registration.waitlist_position = status, None
    elif event.capacity is not None and places_taken(event.id) + registration.party_size > event.capacity:
        registration.status = "waitlisted"
        registration.waitlist_position = _next_waitlist_position(event.id)
    else:
        registration.status, registration.waitlist_position = "confirmed", None


def _tell_and_record(event: Event, registration: Registration, wanted: RegistrationRequest) -> None:
    if registration.status in ("confirmed", "waitlisted"):
        send_registration_email(event, registration)
    if wanted.by_staff:
        record("event.registrant_added", registration, event_id=event.id, status=registration.status)
    elif registration.status == "apologies":
        record("event.apologies_sent", registration, event_id=event.id, organisation_id=wanted.organisation_id)


def _apologies_instead(event: Event, registration: Registration, wanted: RegistrationRequest) -> RegistrationResult:
    """A registered person sends apologies for their group: their place frees up (caller holds the lock)."""
    held_place = registration.status in HOLDS_PLACE
    registration.status, registration.waitlist_position = "apologies", None
    registration.organisation_name = wanted.organisation_name.strip() or registration.organisation_name
    registration.organisation_id = wanted.organisation_id
    record("event.apologies_sent", registration, event_id=event.id, organisation_id=wanted.organisation_id)
    db.session.flush()
    if held_place:
        promote_waitlist(event)
    db.session.commit()
    return RegistrationResult(registration, True)


def _apologies_closed_message(state: str) -> str:
    if state == "cancelled":
        return _("This meeting has been cancelled, so there is no need to send apologies")
    return _("This meeting has already happened, so apologies can no longer be sent")


def _closed_message(event: Event, state: str) -> str:
    if state == "not_yet":
        return _("Registration opens on %(when)s", when=datetime_format(event.registration_opens_at))
    return {
        "cancelled": _("This event has been cancelled, so you cannot register"),
        "past": _("This event has already happened, so you cannot register"),
        "closed": _("Registration for this event has closed"),
    }[state]


def cancel_registration(registration_id: int, *, by_staff: bool = False) -> Registration | None:
    """Cancel a place and promote the first person on the waiting list; commits.

    Returns whoever was promoted.
    """
    try:
        registration = db.session.get(Registration, registration_id)
        event = lock_event(registration.event_id)
        db.session.refresh(registration)
        if registration.status == "cancelled":
            db.session.rollback()
            return None
        registration.status = "cancelled"
        registration.cancelled_at = utcnow()
        registration.waitlist_position = None
        record("event.registration_cancelled", registration, event_id=event.id, by_staff=by_staff)
        db.session.flush()
        promoted = promote_waitlist(event)
        db.session.commit()
        return promoted[0] if promoted else None
    except BaseException:
        db.session.rollback()
        raise


def waiting_parties(event_id: int) -> list[Registration]:
    """The waiting list in order: the first party is next in line."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.status == "waitlisted")
            .order_by(Registration.waitlist_position, Registration.id)
        )
    )


def promote_waitlist(event: Event) -> list[Registration]:
    """Fill free places from the waiting list, whole parties in order (the caller holds lock_event).

    A party bigger than the places free is skipped, not split: it keeps its place at the head of
    the list, and the next party that fits is given the places (the skip is in the audit log, and
    the waiting party's page and the staff registrants page say why)."""
    if event.is_cancelled or event.is_past:
        return []
    promoted = []
    free = None if event.capacity is None else event.capacity - places_taken(event.id)
    for registration in waiting_parties(event.id):
        if free is not None and free <= 0:
            break
        if free is not None and registration.party_size > free:
            record("event.waitlist_skipped", registration, event_id=event.id, party=registration.party_size, free=free)
            continue
        registration.status = "confirmed"
        registration.waitlist_position = None
        promoted.append(registration)
        send_registration_email(event, registration, promoted=True)
        if free is not None:
            free -= registration.party_size
    db.session.flush()
    return promoted


def cancel_guest(guest_id: int) -> list[Registration]:
    """One guest no longer comes: their place is freed for the waiting list; commits.

    Returns whoever was promoted."""
    try:
        guest = db.session.get(Guest, guest_id)
        registration = db.session.get(Registration, guest.registration_id)
        event = lock_event(registration.event_id)
        db.session.refresh(registration)
        if db.session.get(Guest, guest_id) is None:  # removed meanwhile
            db.session.rollback()
            return []
        db.session.delete(guest)
        registration.guest_count = max(registration.guest_count - 1, 0)
        record("event.guest_cancelled", registration, event_id=event.id, guest=guest.name)
        db.session.flush()
        promoted = promote_waitlist(event)
        db.session.commit()
        return promoted
    except BaseException:
        db.session.rollback()
        raise


def check_in_guest(guest: Guest, attended: bool) -> None:
    """Check-in toggle for a guest; caller commits."""
    guest.checked_in_at = (guest.checked_in_at or utcnow()) if attended else None


def set_status(registration: Registration, status: str) -> list[Registration]:
    """Staff moves a registrant between confirmed / waitlisted / apologies / attended; commits."""
    try:
        event = lock_event(registration.event_id)
        db.session.refresh(registration)
        old = registration.status
        if status == "waitlisted":
            registration.waitlist_position = _next_waitlist_position(event.id)
        else:
            registration.waitlist_position = None
        registration.status = status
        registration.checked_in_at = utcnow() if status == "attended" else None
        record("event.registrant_moved", registration, event_id=event.id, old=old, new=status)
        db.session.flush()
        if old == "waitlisted" and status == "confirmed":  # they hear about their place, as on promotion
            send_registration_email(event, registration, promoted=True)
        promoted = promote_waitlist(event) if old in HOLDS_PLACE and status not in HOLDS_PLACE else []
        db.session.commit()
        return promoted
    except BaseException:
        db.session.rollback()
        raise


def check_in(registration: Registration, attended: bool) -> None:
    """Check-in toggle; caller commits. Attending never changes who holds a place."""
    if attended:
        registration.status = "attended"
        registration.checked_in_at = registration.checked_in_at or utcnow()
        registration.waitlist_position = None
    else:
        registration.status = "confirmed"
        registration.checked_in_at = None


def cancel_token(registration: Registration) -> str:
    return make_token("event-cancel", {"r": registration.id, "e": registration.email, "n": secrets.token_hex(2)})


def cancel_link(registration: Registration) -> str:
    return url_for("events.cancel_by_token", token=cancel_token(registration), _external=True)


def send_registration_email(event: Event, registration: Registration, *, promoted: bool = False) -> None:
    with link_context():
        _send_registration_email(event, registration, promoted=promoted)


def _send_registration_email(event: Event, registration: Registration, *, promoted: bool = False) -> None:
    confirmed = registration.status == "confirmed"
    if promoted:
        subject = sentence(N_("A place has come up: you are now registered for %(title)s"), title=event.title)
    elif confirmed:
        subject = sentence(N_("You are registered for %(title)s"), title=event.title)
    else:
        subject = sentence(N_("You are on the waiting list for %(title)s"), title=event.title)
    attachments = None
    if confirmed:
        attachments = [
            {"filename": "event.ics", "content_type": "text/calendar", "data": calendar_for([event]).decode("utf-8")}
        ]
    enqueue(
        "event_registration",
        to=registration.email,
        subject=subject,
        kind="event_promoted" if promoted else f"event_{registration.status}",
        attachments=attachments,
        event=event,
        registration=registration,
        guests=guests_of(registration),
        promoted=promoted,
        rank=waitlist_rank(registration),
        event_link=url_for("events.detail", slug=event.slug, _external=True),
        cancel_link=cancel_link(registration),
    )
