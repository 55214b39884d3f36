"""Listings that stay fresh (issue 18 §2).

Every LISTING_CHECK_MONTHS (default 6) after a listing was last checked, its owners are e-mailed
"Is your listing still correct?" with a signed link (GET shows the listing and a button, POST
confirms) and a link to edit it. Unanswered after REMINDER_DAYS they are reminded once; unanswered
REMINDER_DAYS after that, the listing "needs checking": the public profile says when it was last
checked, prominently, and staff see it in a work queue where they can confirm it on the group's
behalf (audited), archive it, or chase the owners again. Anyone can report a problem with a listing
(no account; CSRF and rate-limited); the report lands in the same queue and the owners are told.

"Last checked" is the latest of: confirmed (ListingCheck.confirmed_at), else approved by staff
(reviewed_at), else created. The HSDS feed's assured_date is the same date (hsds.assured_date).
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, url_for
from sqlalchemy import and_, func, or_, select

from app.audit import record
from app.auth.models import User
from app.db import utcnow
from app.extensions import db
from app.groups.models import ListingCheck, ListingReport, Membership, Organisation
from app.groups.services import owners_of
from app.i18n import _l
from app.mail import enqueue
from app.tokens import TokenError, make_token, read_token

LINK_PURPOSE = "groups.listing-check"
TOKEN_MAX_AGE = 60 * 24 * 3600  # the link works for 60 days
REMINDER_DAYS = 14
BATCH = 200  # listings asked per run of the job, so a first run does not flood the outbox


def check_months() -> int:
    return int(current_app.config.get("LISTING_CHECK_MONTHS", 6))


def months_ago(now: dt.datetime, months: int) -> dt.datetime:
    return now - dt.timedelta(days=round(months * 30.44))


def _checked_at_sql():
    """SQL for "last checked": confirmed, else approved, else created."""
    return func.coalesce(ListingCheck.confirmed_at, Organisation.reviewed_at, Organisation.created_at)


def checked_at(org: Organisation, check: ListingCheck | None) -> dt.datetime:
    return (check.confirmed_at if check else None) or org.reviewed_at or org.created_at


def check_of(org: Organisation) -> ListingCheck:
    check = db.session.get(ListingCheck, org.id)
    if check is None:
        check = ListingCheck(organisation_id=org.id)
        db.session.add(check)
    return check


def describe(org: Organisation) -> dict:
    """For staff: when the listing was last checked, how, by whom, and whether it needs checking."""
    check = db.session.get(ListingCheck, org.id)
    by = db.session.get(User, check.confirmed_by_id) if check and check.confirmed_by_id else None
    return {
        "last_checked": checked_at(org, check),
        "how": (check.confirmed_as if check and check.confirmed_at else None),
        "by": by,
        "asked": check.requested_at if check else None,
        "stale": needs_checking(org, check),
    }


def needs_checking(org: Organisation, check: ListingCheck | None, now: dt.datetime | None = None) -> bool:
    """Asked, reminded, and still unanswered REMINDER_DAYS after the reminder."""
    now = now or utcnow()
    if check is None or check.reminded_at is None:
        return False
    return check.reminded_at <= now - dt.timedelta(days=REMINDER_DAYS) and checked_at(org, check) < check.reminded_at


def _listed_with_check():
    return (
        select(Organisation, ListingCheck)
        .outerjoin(ListingCheck, ListingCheck.organisation_id == Organisation.id)
        .where(Organisation.status == "approved")
    )


def due_to_ask(now: dt.datetime):
    """Listings last checked N months ago or more, whose owners were not asked since."""
    cutoff = months_ago(now, check_months())
    checked = _checked_at_sql()
    return _listed_with_check().where(
        checked <= cutoff, or_(ListingCheck.requested_at.is_(None), ListingCheck.requested_at < checked)
    )


def due_to_remind(now: dt.datetime):
    cutoff = now - dt.timedelta(days=REMINDER_DAYS)
    return _listed_with_check().where(
        ListingCheck.requested_at <= cutoff,
        _checked_at_sql() < ListingCheck.requested_at,
        or_(ListingCheck.reminded_at.is_(None), ListingCheck.reminded_at < ListingCheck.requested_at),
    )


def needing_checks(now: dt.datetime):
    """The staff work queue: reminded, and unanswered REMINDER_DAYS later."""
    cutoff = now - dt.timedelta(days=REMINDER_DAYS)
    return _listed_with_check().where(
        and_(ListingCheck.reminded_at.is_not(None), ListingCheck.reminded_at <= cutoff),
        _checked_at_sql() < ListingCheck.reminded_at,
    )


def confirm_url(org: Organisation, user_id: int) -> str:
    token = make_token(LINK_PURPOSE, {"org": org.id, "user": user_id})
    return url_for("groups.listing_check", token=token, _external=True)


def read_confirm_token(token: str) -> dict | None:
    try:
        payload = read_token(LINK_PURPOSE, token, TOKEN_MAX_AGE)
    except TokenError:
        return None
    return payload if isinstance(payload, dict) and {"org", "user"} <= payload.keys() else None


def ask_owners(org: Organisation, check: ListingCheck, reminder: bool = False, now: dt.datetime | None = None) -> int:
    """E-mail every owner "Is your listing still correct?" (or the reminder); returns how many."""
    now = now or utcnow()
    owners = owners_of(org)
    last = checked_at(org, check)
    for owner in owners:
        enqueue(
            "group_listing_check",
            to=owner.email,
            subject=_l("Reminder: is %(name)s's listing still correct?", name=org.name)
            if reminder
            else _l("Is %(name)s's listing still correct?", name=org.name),
            name=owner.name,
            org=org,
            last_checked=last,
            reminder=reminder,
            confirm_url=confirm_url(org, owner.id),
            edit_url=url_for("groups.edit", org_id=org.id, _external=True),
        )
    if reminder:
        check.reminded_at = now
    else:
        check.requested_at, check.reminded_at = now, None
    return len(owners)


def confirm(org: Organisation, user, as_staff: bool = False) -> None:
    check = check_of(org)
    check.confirmed_at = utcnow()
    check.confirmed_by_id = user.id if user is not None else None
    check.confirmed_as = "staff" if as_staff else "owner"
    record("group.listing_confirmed", org, actor=user, on_behalf=as_staff)


def run_listing_checks(now: dt.datetime | None = None) -> tuple[int, int]:
    """The periodic job: ask the owners of listings due a check, and remind those unanswered.
    Returns (asked, reminded) listings."""
    now = now or utcnow()
    asked = reminded = 0
    for org, check in db.session.execute(due_to_ask(now).order_by(Organisation.id).limit(BATCH)).all():
        ask_owners(org, check or check_of(org), now=now)
        asked += 1
    for org, check in db.session.execute(due_to_remind(now).order_by(Organisation.id).limit(BATCH)).all():
        ask_owners(org, check, reminder=True, now=now)
        reminded += 1
    return asked, reminded


# --- reports from the public -------------------------------------------------------------------


def report_problem(org: Organisation, problem: str, email: str | None) -> tuple[ListingReport, int]:
    """The report goes into the staff queue, and to everyone who manages the group (or, with no
    account, the group's contact address). Returns the report and how many were e-mailed, so the
    page says only what is true."""
    report = ListingReport(organisation_id=org.id, problem=problem, reporter_email=email or None)
    db.session.add(report)
    recipients = _listing_people(org)
    for address, name in recipients:
        enqueue(
            "group_listing_problem",
            to=address,
            subject=_l("Someone reported a problem with %(name)s's listing", name=org.name),
            name=name or org.name,
            org=org,
            problem=problem,
            edit_url=url_for("groups.edit", org_id=org.id, _external=True),
        )
    return report, len(recipients)


def _listing_people(org: Organisation) -> list[tuple[str, str]]:
    """Every active manager of the group, and its contact address when none of them has it."""
    managers = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == org.id, User.active.is_(True))
        .order_by(Membership.id)
    )
    out = {user.email.lower(): (user.email, user.name) for user in managers}
    if org.email and org.email.strip().lower() not in out:
        out[org.email.strip().lower()] = (org.email.strip(), org.contact_name or "")
    return list(out.values())


def open_reports():
    return (
        select(ListingReport, Organisation)
        .join(Organisation, Organisation.id == ListingReport.organisation_id)
        .where(ListingReport.resolved_at.is_(None))
        .order_by(ListingReport.created_at, ListingReport.id)
    )
