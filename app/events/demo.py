"""Demo data for events (`flask seed-demo`): idempotent, keyed on the series and event names."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import slugs
from app.db import utcnow
from app.events import services
from app.events.minutes import minutes_for
from app.events.models import ActionArising, AgendaItem, Event, EventSeries, Registration
from app.events.series import carry_actions_forward, generate_series
from app.extensions import db
from app.groups.models import Organisation, Tag
from app.times import london_to_utc, to_london, today_in_london

GROUPS = [
    "Roots Community Trust",
    "Bangladeshi Women's Association",
    "Caribbean Elders Forum",
    "Somali Youth Link",
    "Chinese Community Centre",
    "Roma Support Network",
    "Refugee Welcome Hub",
]
# Names for the demo registrations: the n-th person is FIRST_NAMES[n % 12] SURNAMES[n % 13], so the
# first 156 people all have different names (12 and 13 share no factor), with no numbers in them.
FIRST_NAMES = ["Amina", "Kofi", "Farah", "Mei", "Tunde", "Nasreen", "Jan", "Grace", "Imran", "Leila", "Priya", "Samuel"]
SURNAMES = ["Yusuf", "Boateng", "Ahmed", "Lin", "Adeyemi", "Begum", "Kowalski", "Mensah", "Khan", "Hassan", "Patel",
            "Okafor", "Rahman"]  # fmt: skip


def _person(n: int) -> tuple[str, str, str]:
    name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {SURNAMES[n % len(SURNAMES)]}"
    email = name.lower().replace(" ", ".") + "@example.org"
    return name, email, GROUPS[n % len(GROUPS)]


COP_TITLE = "Community of practice: wellbeing dialogue"


def seed_demo() -> None:
    if not db.session.scalar(select(EventSeries).where(EventSeries.name == "BAME network meeting")):
        _seed_events()
    _link_cop_partner()


# A partner of the network rather than a member group, listed in the directory.
WELLBEING_PARTNERSHIP = (
    "Borough Wellbeing Partnership",
    "The borough's mental health and wellbeing partnership: the NHS, the council's public health team and "
    "local groups. With the network, it runs learning sessions on mental health support for Black, Asian and "
    "minority ethnic communities.",
)


def seed_wellbeing_partnership() -> Organisation:
    """The community of practice's partner organisation (idempotent)."""
    name, description = WELLBEING_PARTNERSHIP
    existing = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if existing is not None:
        return existing
    mental_health = db.session.scalar(select(Tag).where(Tag.kind == "theme", Tag.slug == "mental-health"))
    org = Organisation(
        name=name,
        slug=slugs.unique_slug(Organisation, slugs.slugify(name, 200, "group")),
        status="approved",
        legal_form="other",
        description=description,
        website="https://wellbeing-partnership.example.org",
        email="partnership@wellbeing-partnership.example.org",
        public_fields=["website", "email"],
        tags=[mental_health] if mental_health else [],
        # The directory's search text: name, description and tag names (groups.services.refresh_search).
        search_document="\n".join([name, description, *(["Mental health"] if mental_health else [])]),
    )
    db.session.add(org)
    db.session.flush()
    return org


def _link_cop_partner() -> None:
    """The community of practice is co-hosted by the wellbeing partnership from the directory (idempotent)."""
    cop = db.session.scalar(
        select(Event).where(Event.title == COP_TITLE).options(selectinload(Event.partners)).limit(1)
    )
    if cop is not None and not cop.partners:
        cop.partners = [seed_wellbeing_partnership()]
        db.session.flush()


def _seed_events() -> None:
    today = today_in_london()
    _network_meetings(today)
    _one_off_events(today)


def _network_meetings(today: dt.date) -> None:
    """The quarterly meeting series: the past year's meetings held (attendance, an action, minutes),
    and the next ones with agendas."""
    series = EventSeries(
        name="BAME network meeting",
        kind="network_meeting",
        interval_months=3,
        first_month=1,
        week_of_month=2,
        weekday=1,
        start_time=dt.time(10, 0),
        duration_minutes=120,
        attendance_mode="hybrid",
        venue="CVS offices, Meeting Room 1",
        address="12 Market Street\nTown Centre",
        online_link="https://meet.example.org/bame-network",
        capacity=40,
        description="<p>The network meets every 3 months. Member groups and partners share news, "
        "and we look at how the race equality action plan is going.</p>",
    )
    db.session.add(series)
    db.session.flush()
    past = generate_series(series, 4, after=today - dt.timedelta(days=366))
    past = [e for e in past if e.starts_at < utcnow()]
    future = generate_series(series, 4, after=to_london(max(e.starts_at for e in past)).date() if past else today)
    for index, event in enumerate(past):
        _held_meeting(event, index, last=index == len(past) - 1)
    for event in future[:2]:
        event.agenda_published = True
        db.session.add(
            AgendaItem(
                event_id=event.id,
                position=10,
                title="Mapping toolkit: this is what you said",
                presenter="Community of practice working group",
                minutes_allotted=20,
            )
        )


def _held_meeting(event: Event, index: int, *, last: bool) -> None:
    event.access_step_free = event.access_hearing_loop = True
    event.agenda_published = True
    for n in range(12):
        name, email, group = _person(n + index)
        status = "attended" if n < 8 else ("apologies" if n < 10 else "confirmed")
        db.session.add(
            Registration(
                event_id=event.id,
                name=name,
                email=email,
                organisation_name=group,
                status=status,
                show_on_attendee_list=True,
            )
        )
    db.session.add(
        ActionArising(
            event_id=event.id,
            description="Circulate the mental health mapping findings",
            owner="Network coordinator",
            status="open" if last else "done",
            due_on=to_london(event.starts_at).date() + dt.timedelta(days=30),
        )
    )
    minutes = minutes_for(event)
    minutes.body = (
        "<p>Members shared updates. The action plan lead reported progress on health and "
        "employment actions. Mental health and diabetes remain the main concerns raised.</p>"
    )
    minutes.status, minutes.published_at = "published", event.ends_at
    db.session.flush()
    carry_actions_forward(event)


def _one_off_events(today: dt.date) -> None:
    """The community of practice (members only, online) and a networking event with a waiting list."""
    starts = london_to_utc(today + dt.timedelta(days=21), dt.time(14, 0))
    cop = Event(
        kind="community_of_practice",
        title=COP_TITLE,
        slug=services.unique_slug("Community of practice wellbeing dialogue", starts),
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=90),
        attendance_mode="online",
        online_link="https://meet.example.org/cop-wellbeing",
        capacity=30,
        audience="members",
        description="<p>A talk with the wellbeing partnership about mental health support "
        "for Black, Asian and minority ethnic communities.</p>",
    )
    starts = london_to_utc(today + dt.timedelta(days=35), dt.time(13, 0))
    networking = Event(
        kind="networking",
        title="Responding to the commission on inequalities",
        slug=services.unique_slug("Responding to the commission on inequalities", starts),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        attendance_mode="in_person",
        venue="Town Hall, Council Chamber",
        address="Town Hall\nHigh Street",
        capacity=45,
        audience="anyone",
        access_step_free=True,
        access_hearing_loop=True,
        access_bsl=True,
        access_quiet_room=True,
        access_prayer_space=True,
        description="<p>Community groups from the borough and the wider area come together to respond "
        "to the commission's findings on inequalities.</p>",
    )
    db.session.add_all([cop, networking])
    db.session.flush()
    for n in range(52):
        name, email, group = _person(n)
        db.session.add(
            Registration(
                event_id=networking.id,
                name=name,
                email=email,
                organisation_name=group,
                status="confirmed" if n < 45 else "waitlisted",
                waitlist_position=n - 44 if n >= 45 else None,
                show_on_attendee_list=n % 3 == 0,
            )
        )
    db.session.flush()
