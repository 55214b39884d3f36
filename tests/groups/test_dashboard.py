"""The member dashboard (/my-group/<id>, issue 9): the entry's completeness, members and invitations
waiting, toolkits with their task-list status, the user's registrations, one-click register or
apologies for the next network meeting (HTMX and plain), the group's attendance record; only the
user's own groups; a constant number of queries as data grows."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app.db import utcnow
from app.events.models import Registration
from app.toolkits import services as toolkit_services
from app.toolkits.models import Answer, Response
from tests import factories
from tests.factories import events as eh
from tests.factories import toolkits as th
from tests.factories.groups import organisation, tag
from tests.pages import page_text


def _section(text: str, heading: str, following: str | None = None) -> str:
    part = text.split(heading, 1)[1]
    return part.split(following, 1)[0] if following else part


def _dashboard(client, org) -> str:
    response = client.get(f"/my-group/{org.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _member_group(db, login_as, **fields):
    owner = login_as("member", name="Amina Yusuf")
    org = organisation("Somali Parents Network", owner=owner, **fields)
    db.session.commit()
    return org, owner


def _toolkit(title: str, *, closes_in_days: int = 30):
    toolkit = th.small_toolkit()
    toolkit.title = title
    toolkit.closes_at = utcnow() + dt.timedelta(days=closes_in_days)
    return toolkit


def _answer(response: Response, question, value: str = "An answer") -> None:
    from app.extensions import db

    db.session.add(Answer(response_id=response.id, question_id=question.id, option_id="", text_value=value))


def test_my_group_still_goes_straight_to_the_one_group(client, db, login_as):
    org, _owner = _member_group(db, login_as)
    assert client.get("/my-group").headers["Location"].endswith(f"/my-group/{org.id}")


def test_people_with_no_group_or_several_still_see_their_registrations(client, db, login_as):
    person = login_as("member")
    fair = eh.event(title="Jobs fair", days=5)
    eh.registration(fair, email=person.email)
    db.session.commit()
    text = page_text(client.get("/my-group").get_data(as_text=True))
    assert "You are not a member of any group yet" in text
    assert "Jobs fair" in _section(text, "Your registrations")
    organisation("First Group", owner=person)
    organisation("Second Group", owner=person)
    db.session.commit()
    text = page_text(client.get("/my-group").get_data(as_text=True))
    assert "First Group" in text and "Second Group" in text and "Jobs fair" in _section(text, "Your registrations")


def test_empty_states_read_well(client, db, login_as):
    org, _owner = _member_group(db, login_as)
    text = page_text(_dashboard(client, org))
    assert "There are no toolkits open at the moment" in text
    assert "No network meeting has been arranged yet" in text
    assert "You have not registered for any events that are coming up" in text
    assert "No network meetings have taken place yet" in text
    assert "No invitations are waiting" in text


def test_completeness_names_what_is_missing_with_links_to_fix_it(client, db, login_as):
    org, _owner = _member_group(db, login_as, description="Support for parents.")
    tag("theme", "Mental health")  # the taxonomy, so the edit page has every field
    db.session.commit()
    html = _dashboard(client, org)
    text = page_text(html)
    assert "Your entry has 1 of 14 details filled in (7%)" in text
    assert re.search(r'<progress class="portal-completeness" max="14" value="1"', html)
    assert f'href="/my-group/{org.id}/edit#themes">Add the themes of your work</a>' in html
    assert f'href="/my-group/{org.id}/edit#phone">Add a phone number</a>' in html
    # The anchors are real: each names a field on the edit page.
    edit = client.get(f"/my-group/{org.id}/edit").get_data(as_text=True)
    for field_id in re.findall(rf'href="/my-group/{org.id}/edit#([a-z_]+)"', html):
        assert f'id="{field_id}"' in edit, field_id

    full, _ = _member_group(
        db,
        login_as,
        description="Support.",
        founded_year=2010,
        beneficiaries="50-249",
        contact_name="Amina",
        address="1 High Street",
        postcode="E1 6AN",
        website="https://example.org",
        email="hello@example.org",
        phone="020 7946 0000",
        tags=[
            tag("theme", "Mental health"),
            tag("community", "Somali"),
            tag("language", "Somali"),
            tag("service_type", "Advice"),
            tag("area", "Poplar"),
        ],
    )
    db.session.commit()
    text = page_text(_dashboard(client, full))
    assert "Your entry is complete: all 14 details are filled in" in text and "Still to add" not in text


def test_members_and_invitations_waiting(client, db, login_as):
    org, _owner = _member_group(db, login_as)
    colleague = factories.user(email="colleague@example.org", name="Colleague")
    other_org = organisation("Other Group", owner=factories.user())
    db.session.commit()
    for email in ("colleague@example.org", "new.person@example.org", "New.Person@example.org"):
        assert client.post(f"/my-group/{org.id}/invite", data={"email": email}).status_code == 303
    from app.audit import record

    record("group.member_invited", other_org, email="elsewhere@example.org")  # another group's invitation
    db.session.commit()
    text = page_text(_dashboard(client, org))
    waiting = _section(text, "Invitations waiting to be accepted", "Invite a colleague")
    assert "colleague@example.org" in waiting and "new.person@example.org" in waiting
    assert waiting.count("new.person@example.org – sent") == 1 and "elsewhere@example.org" not in waiting
    assert "Amina Yusuf" in _section(text, "People who manage this group", "Invitations waiting")

    # Once the colleague joins, their invitation is no longer waiting; they see the same dashboard.
    login_as(colleague)
    join = client.get("/my-group")
    assert join.status_code == 200  # not a member yet
    from app.groups.models import Membership

    db.session.add(Membership(user_id=colleague.id, organisation_id=org.id, role="member"))
    db.session.commit()
    text = page_text(_dashboard(client, org))
    waiting = _section(text, "Invitations waiting to be accepted", "Leave")
    assert "colleague@example.org" not in waiting and "new.person@example.org" in waiting
    assert "Invite a colleague" not in text  # only the owner invites


def test_toolkits_with_task_list_status_and_deadlines(client, db, login_as):
    org, owner = _member_group(db, login_as)
    not_started = _toolkit("Toolkit A not started", closes_in_days=5)
    in_progress = _toolkit("Toolkit B in progress", closes_in_days=6)
    completed = _toolkit("Toolkit C completed", closes_in_days=7)
    submitted = _toolkit("Toolkit D submitted", closes_in_days=8)
    closed = th.template_toolkit(open_now=False)
    closed.title = "Closed toolkit"
    draft = th.small_toolkit(status="draft")
    draft.title = "Draft toolkit"
    db.session.flush()
    started = toolkit_services.get_or_create_response(in_progress, org, owner)
    _answer(started, th.questions(in_progress)["Story"])
    done = toolkit_services.get_or_create_response(completed, org, owner)
    _answer(done, th.questions(completed)["Name"])
    done.saved_sections = [s.id for s in th.sections(completed)]
    sent = toolkit_services.get_or_create_response(submitted, org, owner)
    _answer(sent, th.questions(submitted)["Name"])
    sent.saved_sections = [s.id for s in th.sections(submitted)]
    sent.status, sent.submitted_at = "submitted", utcnow()
    # Another group's answers change nothing here.
    other = organisation("Other Group", owner=factories.user())
    db.session.flush()
    elsewhere = toolkit_services.get_or_create_response(not_started, other, owner)
    _answer(elsewhere, th.questions(not_started)["Story"])
    db.session.commit()

    html = _dashboard(client, org)
    text = page_text(html)
    table = _section(text, "Toolkits to complete", "Next network meeting")
    rows = re.findall(
        r"(Toolkit [A-D] [\w ]+?) \d of 2 sections completed (\d+ \w+ \d{4} at [\d:apm]+) "
        r"(Not started|In progress|Completed|Submitted)",
        table,
    )
    assert [(r[0], r[2]) for r in rows] == [
        ("Toolkit A not started", "Not started"),
        ("Toolkit B in progress", "In progress"),
        ("Toolkit C completed", "Completed"),
        ("Toolkit D submitted", "Submitted"),
    ]
    assert "2 of 2 sections completed" in table and "0 of 2 sections completed" in table
    assert "Closed toolkit" not in table and "Draft toolkit" not in table
    assert f'href="/toolkits/{completed.slug}/respond?org={org.id}"' in html
    assert "Check and submit" in table
    # The statuses agree with the task list the link opens.
    task_list = page_text(client.get(f"/toolkits/{in_progress.slug}/respond?org={org.id}").get_data(as_text=True))
    assert "In progress" in task_list


def test_group_not_yet_listed_is_told_when_it_can_answer(client, db, login_as):
    org, _owner = _member_group(db, login_as, status="pending")
    _toolkit("Open toolkit")
    eh.event(kind="network_meeting", audience="members", title="Network meeting", days=10)
    db.session.commit()
    text = page_text(_dashboard(client, org))
    assert "Once your group is listed in the directory you can answer" in text and "Open toolkit" not in text
    assert "Send apologies for my group" not in text  # apologies are for listed groups
    assert "attendance at network meetings" not in text


def test_registrations_list_only_whats_coming(client, db, login_as):
    org, owner = _member_group(db, login_as)
    coming = eh.event(title="Jobs fair", days=5)
    waiting = eh.event(title="Full workshop", days=6)
    gone = eh.event(title="Last year's fair", days=-300)
    cancelled = eh.event(title="Changed my mind", days=7)
    eh.registration(coming, email=owner.email)
    eh.registration(waiting, email=owner.email, status="waitlisted")
    eh.registration(gone, email=owner.email, status="attended")
    eh.registration(cancelled, email=owner.email, status="cancelled")
    eh.registration(eh.event(title="Someone else's event", days=8), email="someone.else@example.org")
    db.session.commit()
    text = page_text(_dashboard(client, org))
    mine = _section(text, "Your registrations", "attendance at network meetings")
    assert "Jobs fair" in mine and "Registered" in mine
    assert "Full workshop" in mine and "On the waiting list" in mine
    for absent in ("Last year's fair", "Changed my mind", "Someone else's event"):
        assert absent not in mine


def _meeting(**kwargs):
    return eh.event(kind="network_meeting", audience="members", title="Autumn network meeting", days=12, **kwargs)


def test_one_click_register_without_javascript_comes_back_to_the_dashboard(client, db, login_as):
    org, owner = _member_group(db, login_as)
    meeting = _meeting()
    db.session.commit()
    html = _dashboard(client, org)
    form = re.search(r'<form method="post" action="/events/[^"]+/register".*?</form>', html, re.S).group(0)
    assert f'name="organisation_id" value="{org.id}"' in form and f'name="next" value="/my-group/{org.id}"' in form
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post(
        f"/events/{meeting.slug}/register",
        data={"csrf_token": token, "name": owner.name, "email": owner.email, "organisation_id": str(org.id),
              "next": f"/my-group/{org.id}"},
    )  # fmt: skip
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/my-group/{org.id}")
    registration = db.session.scalar(select(Registration).where(Registration.event_id == meeting.id))
    assert (registration.status, registration.organisation_id) == ("confirmed", org.id)
    text = page_text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "You're registered." in text  # the flash message, on the dashboard
    assert "Cancel my place" in _section(text, "Next network meeting", "Your registrations")
    assert "Autumn network meeting" in _section(text, "Your registrations", "attendance")


def test_one_click_register_with_htmx_swaps_the_box(client, db, login_as):
    org, owner = _member_group(db, login_as)
    meeting = _meeting()
    db.session.commit()
    response = client.post(
        f"/events/{meeting.slug}/register",
        data={"name": owner.name, "email": owner.email, "organisation_id": str(org.id), "next": f"/my-group/{org.id}"},
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="registration-box"' in html and "You're registered" in html and "<html" not in html
    assert f'name="next" value="/my-group/{org.id}"' in html  # "Cancel my place" comes back here too
    assert response.headers["HX-Trigger"] == '{"registrationChanged": true}'  # the list refreshes itself
    page = _dashboard(client, org)
    assert 'hx-trigger="registrationChanged from:body"' in page and 'hx-select="#my-registrations"' in page
    registration = db.session.scalar(select(Registration).where(Registration.event_id == meeting.id))
    assert registration.organisation_id == org.id


def test_one_click_apologies_plain_and_htmx(client, db, login_as):
    org, _owner = _member_group(db, login_as)
    meeting = _meeting()
    db.session.commit()
    html = _dashboard(client, org)
    assert "Send apologies for my group" in html
    response = client.post(
        f"/events/{meeting.slug}/apologies", data={"organisation_id": str(org.id), "next": f"/my-group/{org.id}"}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/my-group/{org.id}")
    registration = db.session.scalar(select(Registration).where(Registration.event_id == meeting.id))
    assert (registration.status, registration.organisation_id) == ("apologies", org.id)
    text = page_text(_dashboard(client, org))
    assert "You have sent your apologies for Somali Parents Network" in text and "Withdraw apologies" in text
    # Withdraw, then send them again with htmx.
    back = client.post(f"/events/{meeting.slug}/cancel-my-place", data={"next": f"/my-group/{org.id}"})
    assert back.headers["Location"].endswith(f"/my-group/{org.id}")
    fragment = client.post(
        f"/events/{meeting.slug}/apologies",
        data={"organisation_id": str(org.id), "next": f"/my-group/{org.id}"},
        headers={"HX-Request": "true"},
    ).get_data(as_text=True)
    assert 'id="registration-box"' in fragment and "You have sent your apologies" in fragment


def test_next_must_be_a_path_on_this_site(client, db, login_as):
    org, _owner = _member_group(db, login_as)
    meeting = _meeting()
    db.session.commit()
    response = client.post(
        f"/events/{meeting.slug}/apologies", data={"organisation_id": str(org.id), "next": "https://evil.example/"}
    )
    assert response.headers["Location"].endswith(f"/events/{meeting.slug}")


def test_member_of_several_groups_registers_for_the_dashboards_group(client, db, login_as):
    _org, owner = _member_group(db, login_as)
    second = organisation("Roma Support Hub", owner=owner)
    meeting = _meeting()
    db.session.commit()
    html = _dashboard(client, second)
    assert f'name="organisation_id" value="{second.id}"' in html
    # One click sends apologies for this group, not a page to choose one.
    assert re.search(rf'action="/events/{meeting.slug}/apologies"', html)
    client.post(
        f"/events/{meeting.slug}/register",
        data={"name": owner.name, "email": owner.email, "organisation_id": str(second.id)},
    )
    registration = db.session.scalar(select(Registration).where(Registration.event_id == meeting.id))
    assert (registration.organisation_id, registration.organisation_name) == (second.id, "Roma Support Hub")


def test_attendance_record(client, db, login_as):
    org, _owner = _member_group(db, login_as)
    other = organisation("Other Group", owner=factories.user())
    first = eh.event(kind="network_meeting", audience="members", title="Meeting one", days=-200)
    second = eh.event(kind="network_meeting", audience="members", title="Meeting two", days=-110)
    third = eh.event(kind="network_meeting", audience="members", title="Meeting three", days=-20)
    fourth = eh.event(kind="network_meeting", audience="members", title="Meeting four", days=-10)
    called_off = eh.event(kind="network_meeting", audience="members", title="Called off", days=-5,
                          cancelled_at=utcnow())  # fmt: skip
    eh.event(title="A workshop", days=-15)  # not a network meeting
    eh.registration(first, name="Amina Yusuf", organisation_id=org.id, status="attended")
    eh.registration(first, name="Hodan Ali", organisation_id=org.id, status="attended")
    eh.registration(second, organisation_id=org.id, status="apologies")
    eh.registration(third, organisation_id=org.id, status="confirmed")  # registered, did not come
    eh.registration(fourth, organisation_id=other.id, status="attended")  # another group
    eh.registration(fourth, organisation_name="Somali Parents Network", status="attended")  # typed, not linked
    eh.registration(called_off, organisation_id=org.id, status="confirmed")
    db.session.commit()
    text = page_text(_dashboard(client, org))
    record = _section(text, "attendance at network meetings", "People who manage")
    assert "Somali Parents Network attended 1 of the last 4 network meetings" in record
    rows = re.findall(r"Meeting (one|two|three|four) \d+ \w+ \d{4} (Attended|Sent apologies|Registered, did not attend|"
                      r"Did not register) (.*?)(?= Meeting |$)", record)  # fmt: skip
    assert [(r[0], r[1]) for r in rows] == [
        ("four", "Did not register"),
        ("three", "Registered, did not attend"),
        ("two", "Sent apologies"),
        ("one", "Attended"),
    ]
    assert rows[3][2].strip() == "Amina Yusuf, Hodan Ali"
    assert "Called off" not in record and "A workshop" not in record


def test_only_the_users_own_groups(client, db, login_as):
    org, _owner = _member_group(db, login_as)
    login_as("member")
    assert client.get(f"/my-group/{org.id}").status_code == 404
    login_as("staff")
    assert client.get(f"/my-group/{org.id}").status_code == 404
    assert client.get("/my-group/999999").status_code == 404


def test_constant_number_of_queries_as_data_grows(client, db, login_as, query_budget):
    org, owner = _member_group(db, login_as)
    toolkit = _toolkit("Toolkit one")
    db.session.flush()
    _answer(toolkit_services.get_or_create_response(toolkit, org, owner), th.questions(toolkit)["Story"])
    _meeting()
    past = eh.event(kind="network_meeting", audience="members", title="Past meeting", days=-30)
    eh.registration(past, organisation_id=org.id, status="attended")
    db.session.commit()
    with query_budget(25) as few:
        _dashboard(client, org)
    for n in range(12):
        toolkit = _toolkit(f"Toolkit {n}")
        db.session.flush()
        response = toolkit_services.get_or_create_response(toolkit, org, owner)
        _answer(response, th.questions(toolkit)["Story"])
        event = eh.event(title=f"Event {n}", days=20 + n)
        eh.registration(event, email=owner.email)
        meeting = eh.event(kind="network_meeting", audience="members", title=f"Old meeting {n}", days=-40 - n)
        eh.registration(meeting, organisation_id=org.id, status="attended")
        from app.groups.models import Membership

        db.session.add(Membership(user_id=factories.user().id, organisation_id=org.id, role="member"))
        client.post(f"/my-group/{org.id}/invite", data={"email": f"invitee{n}@example.org"})
    db.session.commit()
    with query_budget(few["count"]) as many:
        html = _dashboard(client, org)
    assert many["count"] == few["count"]
    assert html.count("In progress") >= 12 and "invitee11@example.org" in html
