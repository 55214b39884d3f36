"""Events linked to the directory: partner organisations, the registrant's group, group apologies for
network meetings (with the IDOR check), organisations counted by group, and the report's bar chart."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit import AuditEvent
from app.events import services
from app.events.demo import COP_TITLE
from app.events.demo import seed_demo as seed_events
from app.events.minutes import minutes_for
from app.events.models import Event, Registration
from app.events.registration import RegistrationRequest, register
from tests import factories
from tests.events.test_staff_events import GOOD
from tests.factories import events as helpers
from tests.factories.groups import organisation
from tests.pages import page_text


def _registration(db, event, email) -> Registration | None:
    db.session.expire_all()
    return services.find_registration(event.id, email)


# --- partner organisations --------------------------------------------------------------


def test_staff_choose_partners_shown_as_hosted_with_links(client, login_as, db):
    partnership = organisation("Borough Wellbeing Partnership")
    trust = organisation("Roots Community Trust")
    pending = organisation("Waiting Group", status="pending")
    login_as("staff")
    form = page_text(client.get("/staff/events/new"), markup=True)
    assert "Borough Wellbeing Partnership" in form and "Waiting Group" not in form
    assert 'data-module="portal-checkbox-filter"' in form

    response = client.post("/staff/events/new", data={**GOOD, "partners": [str(partnership.id), str(trust.id)]})
    assert response.status_code == 303
    event = db.session.scalar(select(Event))
    page = page_text(client.get(f"/events/{event.slug}"), markup=True)
    assert re.search(r"Hosted with\s*<a [^>]*href=\"/groups/borough-wellbeing-partnership[^\"]*\"", page)
    assert "Borough Wellbeing Partnership</a> and <a" in page and "Roots Community Trust</a>" in page

    # A group that is not listed cannot be chosen (tampered form); nothing is saved.
    edit = client.post(f"/staff/events/{event.id}/edit", data={**GOOD, "partners": [str(pending.id)]})
    assert edit.status_code == 200 and "Choose partner organisations from the list" in page_text(edit, markup=True)
    # Editing keeps, changes and removes partners.
    client.post(f"/staff/events/{event.id}/edit", data={**GOOD, "partners": [str(trust.id)]})
    assert "Hosted with Roots Community Trust" in page_text(client.get(f"/events/{event.slug}"))
    client.post(f"/staff/events/{event.id}/edit", data=GOOD)
    assert "Hosted with" not in page_text(client.get(f"/events/{event.slug}"), markup=True)


def test_partner_that_leaves_the_directory_stays_until_staff_remove_it(client, login_as, db):
    partner = organisation("Borough Wellbeing Partnership")
    event = helpers.event(partners=[partner])
    partner.status = "archived"
    db.session.commit()
    login_as("staff")
    edit_page = page_text(client.get(f"/staff/events/{event.id}/edit"), markup=True)
    assert re.search(rf'value="{partner.id}"\s+checked', edit_page)
    page = page_text(client.get(f"/events/{event.slug}"), markup=True)
    assert "Hosted with Borough Wellbeing Partnership" in page  # named, but no link to a hidden profile
    assert f"/groups/{partner.slug}" not in page


def test_event_page_loads_partners_in_one_query(client, db, query_budget):
    few = helpers.event(partners=[organisation(f"Partner {n}") for n in range(2)])
    many = helpers.event(partners=[organisation(f"Partner {n}") for n in range(2, 25)])
    db.session.commit()
    with query_budget(12) as first:
        client.get(f"/events/{few.slug}")
    with query_budget(first["count"]):
        assert "Partner 24" in client.get(f"/events/{many.slug}").get_data(as_text=True)


def test_demo_community_of_practice_has_the_wellbeing_partnership(app, db):
    seed_events()
    seed_events()
    cop = db.session.scalar(select(Event).where(Event.title == COP_TITLE).options(selectinload(Event.partners)))
    assert [o.name for o in cop.partners] == ["Borough Wellbeing Partnership"]
    assert cop.partners[0].status == "approved"


# --- the registrant's organisation ------------------------------------------------------


def test_member_of_one_group_is_registered_for_it(client, login_as, db):
    member = factories.user(email="amina@example.org", name="Amina Yusuf")
    group = organisation("Bangla Women's Wellbeing Circle", owner=member)
    event = helpers.event()
    db.session.commit()
    login_as(member)
    page = page_text(client.get(f"/events/{event.slug}"), markup=True)
    assert "Register as Amina Yusuf from Bangla Women's Wellbeing Circle" in page
    form = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert 'value="Bangla Women&#39;s Wellbeing Circle"' in form  # pre-filled
    # The one-click Register button sends no organisation: their group is used.
    client.post(f"/events/{event.slug}/register", data={"name": member.name, "email": member.email})
    registration = _registration(db, event, "amina@example.org")
    assert registration.organisation_id == group.id
    assert registration.organisation_name == "Bangla Women's Wellbeing Circle"


def test_member_of_one_group_coming_from_elsewhere_is_not_linked(client, login_as, db):
    member = factories.user()
    organisation("Somali Parents Network", owner=member)
    event = helpers.event()
    db.session.commit()
    login_as(member)
    client.post(
        f"/events/{event.slug}/register",
        data={"name": member.name, "email": member.email, "organisation_name": "Council public health team"},
    )
    registration = _registration(db, event, member.email)
    assert registration.organisation_id is None
    assert registration.organisation_name == "Council public health team"


def test_member_of_several_groups_chooses_and_cannot_pick_another_groups(client, login_as, db):
    member = factories.user()
    first = organisation("Caribbean Elders Lunch Club", members=[member])
    second = organisation("Roma Support Hub", owner=member)
    other = organisation("Somebody Else's Group")
    event = helpers.event()
    db.session.commit()
    login_as(member)
    form = page_text(client.get(f"/events/{event.slug}/register"), markup=True)
    assert "Which group are you coming from?" in form and "None of these" in form
    assert "Somebody Else" not in form

    bad = client.post(
        f"/events/{event.slug}/register",
        data={"name": member.name, "email": member.email, "organisation_id": str(other.id)},
    )
    assert bad.status_code == 200 and "Choose one of your groups, or None of these" in page_text(bad, markup=True)
    assert _registration(db, event, member.email) is None

    client.post(
        f"/events/{event.slug}/register",
        data={"name": member.name, "email": member.email, "organisation_id": str(second.id)},
    )
    registration = _registration(db, event, member.email)
    assert (registration.organisation_id, registration.organisation_name) == (second.id, "Roma Support Hub")
    assert first.id != second.id


def test_guest_registration_keeps_free_text(client, db):
    event = helpers.event()
    db.session.commit()
    client.post(
        f"/events/{event.slug}/register",
        data={"name": "Kofi Boateng", "email": "kofi@example.org", "organisation_name": "Roots Trust"},
    )
    registration = _registration(db, event, "kofi@example.org")
    assert registration.organisation_id is None and registration.organisation_name == "Roots Trust"


# --- organisations represented ------------------------------------------------------------


def test_organisations_are_counted_by_group_else_by_name(db):
    circle = organisation("Bangla Women's Wellbeing Circle")
    hub = organisation("Roma Support Hub")
    event = helpers.event(days=-30)
    attended = [
        {"organisation_id": circle.id, "organisation_name": "Bangla Women's Wellbeing Circle"},
        {"organisation_id": circle.id, "organisation_name": "BWWC"},  # typed differently: still one group
        {"organisation_id": hub.id, "organisation_name": ""},
        {"organisation_name": "Roots Trust"},
        {"organisation_name": "roots trust "},  # the same name in other case and spacing
        {"organisation_name": "12"},  # a typed number is not group 12
        {"organisation_name": ""},  # nobody said
    ]
    for fields in attended:
        helpers.registration(event, status="attended", **fields)
    helpers.registration(event, status="confirmed", organisation_name="Absent Group")
    db.session.commit()
    assert services.event_counts(event.id)["organisations"] == 4
    (row,) = services.quarterly_report()
    assert row["organisations"] == 4 and row["participants"] == 7


# --- group apologies for network meetings --------------------------------------------------


def _meeting(**kwargs) -> Event:
    return helpers.event(kind="network_meeting", audience="members", title="BAME network meeting", **kwargs)


def test_member_sends_apologies_for_their_group(client, login_as, db):
    member = factories.user(name="Farah Ahmed")
    group = organisation("Somali Parents Network", owner=member)
    meeting = _meeting()
    db.session.commit()
    login_as(member)
    page = page_text(client.get(f"/events/{meeting.slug}"), markup=True)
    assert "Send apologies for my group" in page and f'action="/events/{meeting.slug}/apologies"' in page

    response = client.post(f"/events/{meeting.slug}/apologies", data={"organisation_id": str(group.id)})
    assert response.status_code == 303
    registration = _registration(db, meeting, member.email)
    assert registration.status == "apologies"
    assert (registration.organisation_id, registration.organisation_name) == (group.id, "Somali Parents Network")
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "event.apologies_sent"))
    page = page_text(client.get(f"/events/{meeting.slug}"), markup=True)
    assert "You have sent your apologies for Somali Parents Network" in page
    assert "Send apologies for my group" not in page
    # A second click changes nothing.
    client.post(f"/events/{meeting.slug}/apologies", data={"organisation_id": str(group.id)})
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1

    # The minutes list the apologies with the group.
    minutes = minutes_for(meeting)
    minutes.status, minutes.published_at = "published", meeting.ends_at
    db.session.commit()
    text = re.sub(r"\s+", " ", page_text(client.get(f"/events/{meeting.slug}/minutes"), markup=True))
    assert "Apologies (1)" in text and "Farah Ahmed (Somali Parents Network)" in text


def test_apologies_with_htmx_swap_the_registration_box(client, login_as, db):
    member = factories.user()
    group = organisation("Roma Support Hub", owner=member)
    meeting = _meeting()
    db.session.commit()
    login_as(member)
    response = client.post(
        f"/events/{meeting.slug}/apologies", data={"organisation_id": str(group.id)}, headers={"HX-Request": "true"}
    )
    body = page_text(response, markup=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'id="registration-box"' in body and 'data-announce="Apologies sent"' in body
    assert "Withdraw apologies" in body


def test_member_of_a_cannot_send_apologies_for_b(client, login_as, db):
    member = factories.user()
    organisation("Group A", owner=member)
    group_b = organisation("Group B", owner=factories.user())
    meeting = _meeting()
    db.session.commit()
    login_as(member)
    response = client.post(f"/events/{meeting.slug}/apologies", data={"organisation_id": str(group_b.id)})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_apologies_need_a_group_a_network_meeting_and_a_signed_in_member(client, login_as, db):
    meeting = _meeting()
    workshop = helpers.event(kind="workshop")
    group = organisation("Group A")
    db.session.commit()
    anonymous = client.post(f"/events/{meeting.slug}/apologies", data={"organisation_id": str(group.id)})
    assert anonymous.status_code in (302, 303, 401)
    login_as("member")  # belongs to no group
    assert "Send apologies for my group" not in page_text(client.get(f"/events/{meeting.slug}"), markup=True)
    assert client.post(f"/events/{meeting.slug}/apologies", data={"organisation_id": str(group.id)}).status_code == 403
    member = factories.user()
    organisation("Group C", owner=member)
    db.session.commit()
    login_as(member)
    assert client.post(f"/events/{workshop.slug}/apologies", data={"organisation_id": "1"}).status_code == 404
    assert "Send apologies for my group" not in page_text(client.get(f"/events/{workshop.slug}"), markup=True)


def test_member_of_several_groups_chooses_on_the_apologies_page(client, login_as, db):
    member = factories.user()
    organisation("Group A", owner=member)
    second = organisation("Group B", members=[member])
    meeting = _meeting()
    db.session.commit()
    login_as(member)
    page = page_text(client.get(f"/events/{meeting.slug}"), markup=True)
    assert f'href="/events/{meeting.slug}/apologies"' in page
    choose = page_text(client.get(f"/events/{meeting.slug}/apologies"), markup=True)
    assert "Which group are you sending apologies for?" in choose
    missing = client.post(f"/events/{meeting.slug}/apologies", data={})
    assert missing.status_code == 200 and "Choose the group you are sending apologies for" in page_text(missing)
    client.post(f"/events/{meeting.slug}/apologies", data={"organisation_id": str(second.id)})
    assert _registration(db, meeting, member.email).organisation_id == second.id


def test_registered_member_sending_apologies_frees_their_place(client, login_as, db):
    member = factories.user()
    group = organisation("Group A", owner=member)
    meeting = _meeting(capacity=1)
    helpers.registration(meeting, status="waitlisted", email="waiting@example.org")
    db.session.commit()
    register(RegistrationRequest(meeting.id, name=member.name, email=member.email, user_id=member.id))
    # The waiting person was there first in the list but the member took the last place? No: capacity 1 and
    # nobody held it, so the member is confirmed and the waiting person stays waiting.
    assert _registration(db, meeting, member.email).status == "confirmed"
    login_as(member)
    # The one-click form (drawn before they registered) never gives up a place: it asks first.
    response = client.post(f"/events/{meeting.slug}/apologies", data={"organisation_id": str(group.id)})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/events/{meeting.slug}/apologies")
    assert _registration(db, meeting, member.email).status == "confirmed"
    page = page_text(client.get(f"/events/{meeting.slug}/apologies"))
    assert "You have a place at this meeting. Sending apologies gives up your place" in page
    assert "Give up my place and send apologies" in page
    detail = client.get(f"/events/{meeting.slug}").get_data(as_text=True)
    assert 'name="give_up_place"' not in detail and 'hx-post="/events/' + meeting.slug + "/apologies" not in detail
    client.post(f"/events/{meeting.slug}/apologies", data={"organisation_id": str(group.id), "give_up_place": "yes"})
    assert _registration(db, meeting, member.email).status == "apologies"
    assert _registration(db, meeting, "waiting@example.org").status == "confirmed"


def test_apologies_after_registration_closes_but_not_after_the_meeting(client, login_as, db):
    member = factories.user()
    group = organisation("Group A", owner=member)
    closed = _meeting(registration_closes_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    past = _meeting(days=-3)
    db.session.commit()
    login_as(member)
    assert "Send apologies for my group" in page_text(client.get(f"/events/{closed.slug}"), markup=True)
    client.post(f"/events/{closed.slug}/apologies", data={"organisation_id": str(group.id)})
    assert _registration(db, closed, member.email).status == "apologies"
    response = client.post(f"/events/{past.slug}/apologies", data={"organisation_id": str(group.id)})
    assert "This meeting has already happened" in page_text(response, markup=True)
    assert _registration(db, past, member.email) is None


# --- the quarterly report's chart ------------------------------------------------------------


def test_quarterly_report_has_accessible_bars_beside_the_table(client, login_as, db):
    event = helpers.event(days=-40)
    for n in range(4):
        helpers.registration(event, status="attended", organisation_name=f"Group {n % 2}")
    helpers.registration(helpers.event(days=-140), status="attended", organisation_name="Group 9")
    db.session.commit()
    login_as("staff")
    page = page_text(client.get("/staff/events/report"), markup=True)
    assert "<table" in page and "Participants by quarter" in page and "Organisations represented by quarter" in page
    assert "style=" not in page
    bars = re.findall(r'class="portal-bar portal-bar--(\d+)"', page)
    assert len(bars) >= 4 and "100" in bars
    assert re.search(r'aria-hidden="true"><span class="portal-bar', page)
    assert "4 participants" in page and "1 participant<" in page


def test_merging_a_duplicate_group_moves_its_event_links(db):
    from app.groups.services import merge_organisations

    kept = organisation("Somali Parents Network")
    duplicate = organisation("Somali Parents Network UK")
    staff = factories.user(role="staff")
    both = helpers.event(partners=[kept, duplicate])
    only_duplicate = helpers.event(partners=[duplicate])
    registration = helpers.registration(both, organisation_id=duplicate.id, organisation_name="SPN UK")
    db.session.commit()
    details = merge_organisations(duplicate, kept, staff)
    db.session.commit()
    assert details["event_partnerships_moved"] == 1 and details["registrations_moved"] == 1
    for event in (both, only_duplicate):
        loaded = db.session.scalar(select(Event).where(Event.id == event.id).options(selectinload(Event.partners)))
        assert [o.id for o in loaded.partners] == [kept.id]
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).organisation_id == kept.id
