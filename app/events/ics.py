"""iCalendar (RFC 5545) for one event or the whole feed, with a compact Europe/London VTIMEZONE."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlencode

import icalendar
from flask import current_app, url_for

from app.db import utcnow
from app.events.models import Event
from app.i18n import _
from app.times import LONDON


def _london_timezone() -> icalendar.Timezone:
    """Europe/London as rules (valid for every year since 1996), not a list of dates."""
    tz = icalendar.Timezone()
    tz.add("tzid", "Europe/London")
    # Clocks go forward at 1am GMT on the last Sunday of March and back at 2am BST on the last Sunday of October.
    tz.add_component(_clock_change(icalendar.TimezoneDaylight(), "BST", dt.datetime(1970, 3, 29, 1), 0, 1))
    tz.add_component(_clock_change(icalendar.TimezoneStandard(), "GMT", dt.datetime(1970, 10, 25, 2), 1, 0))
    return tz


def _clock_change(rule, name: str, first: dt.datetime, hours_from: int, hours_to: int):
    """One yearly change: on the last Sunday of `first`'s month, from UTC+hours_from to UTC+hours_to."""
    rule.add("tzname", name)
    rule.add("dtstart", first)
    rule.add("rrule", {"freq": "yearly", "bymonth": first.month, "byday": "-1su"})
    rule.add("tzoffsetfrom", dt.timedelta(hours=hours_from))
    rule.add("tzoffsetto", dt.timedelta(hours=hours_to))
    return rule


def uid_for(event: Event) -> str:
    """Stable for the life of the event (the id never changes; the slug might)."""
    host = current_app.config.get("SERVER_NAME") or "community-network-portal"
    return f"event-{event.id}@{host}"


def _location(event: Event) -> str:
    parts = []
    if event.has_venue:
        parts += [event.venue, " ".join(event.address.split())]
    if event.has_online:
        parts.append(_("Online"))
    return ", ".join(p for p in parts if p)


def calendar_for(events: Iterable[Event], name: str | None = None) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{current_app.config['SERVICE_NAME']}//Events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", "Europe/London")
    cal.add_component(_london_timezone())
    stamp = utcnow()
    for event in events:
        item = icalendar.Event()
        item.add("uid", uid_for(event))
        item.add("dtstamp", stamp)
        item.add("last-modified", event.updated_at)
        item.add("created", event.created_at)
        item.add("dtstart", event.starts_at.astimezone(LONDON))
        item.add("dtend", event.ends_at.astimezone(LONDON))
        item.add("summary", event.title)
        link = url_for("events.detail", slug=event.slug, _external=True)
        item.add("url", link)
        item.add("description", _("%(kind)s. Details and registration: %(link)s", kind=event.kind_label, link=link))
        location = _location(event)
        if location:
            item.add("location", location)
        item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
        # A moved or cancelled event must replace the copy people already have: the counter is raised
        # each time registrants are told of a change (app/events/changes.py).
        item.add("sequence", event.sequence or 0)
        cal.add_component(item)
    return cal.to_ical()


def calendar_links(event: Event) -> dict[str, str]:
    """ "Add to Google / Outlook calendar" links (the .ics file is the third way)."""
    link = url_for("events.detail", slug=event.slug, _external=True)
    location = _location(event)
    details = _("%(kind)s. Details: %(link)s", kind=event.kind_label, link=link)
    google = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{event.starts_at:%Y%m%dT%H%M%SZ}/{event.ends_at:%Y%m%dT%H%M%SZ}",
        "details": details,
        "location": location,
        "ctz": "Europe/London",
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": event.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": event.ends_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": details,
        "location": location,
    }
    return {
        "google": "https://calendar.google.com/calendar/render?" + urlencode(google),
        "outlook": "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(outlook),
    }
