"""Event registrations in a signed-in person's "download my data" and on their account page
(issue 19's plug-in point): every registration made with their account or their e-mail address,
with the guests they brought and the needs they gave."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.db import utcnow
from app.events.models import Registration
from app.extensions import db
from app.i18n import _, ngettext
from app.personal_data import AccountRow, register_personal_data


def _registrations(user) -> list[Registration]:
    mine = or_(Registration.user_id == user.id, Registration.email == (user.email or "").lower())
    query = (
        select(Registration)
        .where(mine)
        .options(selectinload(Registration.event), selectinload(Registration.guests))
        .order_by(Registration.id)
    )
    return list(db.session.scalars(query))


def _export(user) -> list[dict]:
    return [
        {
            "event": r.event.title,
            "starts_at": r.event.starts_at.isoformat(),
            "name": r.name,
            "email": r.email,
            "organisation": r.organisation_name,
            "status": r.status_label,
            "access_needs": r.access_needs,
            "dietary_needs": r.dietary_needs,
            "shown_on_attendee_list": r.show_on_attendee_list,
            "registered_at": r.created_at.isoformat(),
            "guests": [{"name": g.name, "email": g.email, "access_needs": g.access_needs} for g in r.guests],
        }
        for r in _registrations(user)
    ]


def _rows(user) -> list[AccountRow]:
    now = utcnow()
    coming = [r for r in _registrations(user) if r.event.starts_at >= now and r.status in ("confirmed", "waitlisted")]
    if not coming:
        return []
    titles = ", ".join(r.event.title for r in coming[:3])
    if len(coming) > 3:
        titles = _("%(titles)s and others", titles=titles)
    what = ngettext(
        "Registered for %(num)s coming event: %(titles)s",
        "Registered for %(num)s coming events: %(titles)s",
        len(coming),
        titles=titles,
    )
    return [AccountRow(_("Events"), what, url_for("events.index"), _("See events"))]


register_personal_data("event_registrations", _export, account_rows=_rows)
