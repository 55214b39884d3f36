"""Applying to join, duplicate flags, the staff review queue, decisions by e-mail, archive, merge."""

from __future__ import annotations

from sqlalchemy import select

from app.audit import AuditEvent
from app.groups.models import Membership, Organisation, Tag
from app.mail.models import OutboxMessage
from app.mail.worker import drain_outbox
from tests import factories
from tests.conftest import body_of
from tests.factories.groups import application_data, organisation, tag

HX = {"HX-Request": "true"}


def _outbox(db, to: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_addr == to)))


def _audit(db, verb: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.verb == verb)))


def test_anonymous_visitor_is_asked_to_sign_in_first(client, db):
    html = client.get("/groups/apply").get_data(as_text=True)
    assert "Sign in and apply" in html
    assert "/login?next=/groups/apply" in html or "/login?next=%2Fgroups%2Fapply" in html
    assert client.post("/groups/apply", data=application_data()).status_code == 200
    assert db.session.scalar(select(Organisation)) is None


def test_application_makes_a_pending_group_with_its_owner(client, db, login_as):
    user = login_as("member", email="ruksana@example.org")
    response = client.post("/groups/apply", data=application_data())
    assert response.status_code == 303
    org = db.session.scalar(select(Organisation))
    assert org.status == "pending"
    assert org.postcode == "E1 6RA"
    assert org.website == "https://www.bricklane-circle.example.org"
    assert org.public_fields == ["website", "email"]
    assert org.review_flags == []
    membership = db.session.scalar(select(Membership))
    assert (membership.user_id, membership.role) == (user.id, "owner")
    assert {t.name for t in db.session.scalars(select(Tag).join(Organisation.tags))} == {
        "Mental health", "Bangladeshi", "Bengali", "Whitechapel"}  # fmt: skip
    assert "mental health" in org.search_document.lower()
    assert _outbox(db, "ruksana@example.org")[0].subject == "We have your application for Brick Lane Wellbeing Circle"
    assert len(_audit(db, "group.applied")) == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Application sent" in page
    # Not public until approved.
    client.post("/logout")
    assert client.get(f"/groups/{org.slug}").status_code == 404


def test_errors_are_shown_next_to_fields_and_nothing_typed_is_lost(client, db, login_as):
    login_as("member")
    data = application_data(postcode="NOT A POSTCODE", charity_number="12AB", founded_year="3000", themes=[],
                            website="not a website", email="nope")  # fmt: skip
    response = client.post("/groups/apply", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter a real UK postcode, like E1 6AN" in html
    assert "Enter a charity number in the correct format" in html
    assert "Enter a year between 1800 and this year" in html
    assert "Select at least one theme your group works on" in html
    assert "Enter a website address in the correct format" in html
    assert 'value="NOT A POSTCODE"' in html
    assert "Brick Lane Wellbeing Circle" in html
    assert db.session.scalar(select(Organisation)) is None


def test_legal_form_decides_which_number_is_needed(client, db, login_as):
    login_as("member")
    html = client.post("/groups/apply", data=application_data(charity_number="")).get_data(as_text=True)
    assert "Enter your registered charity number" in html
    html = client.post("/groups/apply", data=application_data(legal_form="cic", charity_number="")).get_data(
        as_text=True
    )
    assert "Enter your Companies House number" in html
    response = client.post(
        "/groups/apply", data=application_data(legal_form="cic", charity_number="", company_number="sc123456")
    )
    assert response.status_code == 303
    assert db.session.scalar(select(Organisation.company_number)) == "SC123456"


def test_duplicates_are_flagged_for_staff(client, db, login_as):
    organisation("Brick Lane Wellbeing Circle Ltd", charity_number="7654321")
    organisation("Another Group", charity_number="1123456")
    db.session.commit()
    login_as("member")
    client.post("/groups/apply", data=application_data())
    org = db.session.scalar(select(Organisation).where(Organisation.status == "pending"))
    assert any("Same charity number (1123456) as Another Group" in f for f in org.review_flags)
    assert any("Name is very like Brick Lane Wellbeing Circle Ltd" in f for f in org.review_flags)
    login_as("staff")
    html = client.get("/staff/groups").get_data(as_text=True)
    assert "Possible duplicate: Same charity number (1123456) as Another Group" in html


def _pending(db, email="applicant@example.org"):
    owner = factories.user(email=email, name="Amina Hussain")
    org = organisation("Bow Bengali Book Club", status="pending", owner=owner)
    db.session.commit()
    return org, owner


def test_staff_approve_inline_with_htmx(client, db, login_as):
    org, owner = _pending(db)
    staff = login_as("staff")
    queue = client.get("/staff/groups").get_data(as_text=True)
    assert "Bow Bengali Book Club" in queue
    response = client.post(f"/staff/groups/{org.id}/approve", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html and f'id="org-{org.id}"' in html
    assert "is approved and now listed" in html and "data-announce" in html
    db.session.expire_all()
    org = db.session.get(Organisation, org.id)
    assert (org.status, org.reviewed_by_id) == ("approved", staff.id)
    mail = _outbox(db, owner.email)
    assert [m.subject for m in mail] == ["Bow Bengali Book Club is now in the directory"]
    assert f"/groups/{org.slug}" in mail[0].body_text
    event = _audit(db, "group.approve")[0]
    assert (event.actor_id, event.object_id) == (staff.id, str(org.id))
    # Listed publicly now; approving twice is refused politely.
    client.post("/logout")
    assert "Bow Bengali Book Club" in client.get("/groups").get_data(as_text=True)
    login_as("staff")
    assert client.post(f"/staff/groups/{org.id}/approve", headers=HX).status_code == 409
    assert len(_outbox(db, owner.email)) == 1


def test_reject_needs_a_reason_which_is_emailed(client, db, login_as):
    org, owner = _pending(db)
    login_as("staff")
    response = client.post(f"/staff/groups/{org.id}/reject", data={"message": ""}, headers=HX)
    assert response.status_code == 422
    assert "Enter a message for the applicant" in response.get_data(as_text=True)
    assert db.session.get(Organisation, org.id).status == "pending"
    response = client.post(f"/staff/groups/{org.id}/reject", data={"message": "You are outside our area."})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).status == "rejected"
    mail = _outbox(db, owner.email)[0]
    assert "You are outside our area." in mail.body_text
    assert _audit(db, "group.reject")[0].details["reason"] == "You are outside our area."


def test_request_changes_then_the_applicant_resubmits(client, db, login_as):
    org, owner = _pending(db)
    login_as("staff")
    client.post(f"/staff/groups/{org.id}/request-changes", data={"message": "Add your charity number."}, headers=HX)
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).status == "changes_requested"
    assert "Add your charity number." in _outbox(db, owner.email)[0].body_text
    login_as(owner)
    page = client.get(f"/my-group/{org.id}").get_data(as_text=True)
    assert "Add your charity number." in page
    data = application_data(name="Bow Bengali Book Club")
    assert client.post(f"/my-group/{org.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    org = db.session.get(Organisation, org.id)
    assert org.status == "pending" and org.charity_number == "1123456"
    assert len(_audit(db, "group.resubmitted")) == 1


def test_decision_email_reaches_the_smtp_server(app, client, db, login_as, smtp_server):
    org, owner = _pending(db)
    login_as("staff")
    client.post(f"/staff/groups/{org.id}/approve")
    drain_outbox()
    messages = smtp_server.wait_for(1)
    assert messages[0]["Subject"] == "Bow Bengali Book Club is now in the directory"
    assert owner.email in messages[0]["To"]
    assert f"/groups/{org.slug}" in body_of(messages[0])


def test_members_cannot_use_the_review_queue(client, db, login_as):
    org, owner = _pending(db)
    login_as(owner)
    assert client.get("/staff/groups").status_code == 403
    assert client.post(f"/staff/groups/{org.id}/approve").status_code == 403
    assert db.session.get(Organisation, org.id).status == "pending"


def test_staff_archive_restore_and_edit(client, db, login_as):
    org = organisation("Kurdish Youth Forum")
    db.session.commit()
    login_as("staff")
    assert client.post(f"/staff/groups/{org.id}/archive").status_code == 303
    assert "Kurdish Youth Forum" not in client.get("/groups", headers=HX).get_data(as_text=True)
    client.post(f"/staff/groups/{org.id}/restore")
    assert "Kurdish Youth Forum" in client.get("/groups", headers=HX).get_data(as_text=True)
    assert [e.verb for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))] == [
        "group.archived", "group.restored"]  # fmt: skip
    assert "Edit group details" in client.get(f"/staff/groups/{org.id}/edit").get_data(as_text=True)
    response = client.post(f"/staff/groups/{org.id}/edit", data=application_data(name="Kurdish Youth Forum UK"))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).name == "Kurdish Youth Forum UK"
    assert client.get("/groups?q=forum+uk", headers=HX).get_data(as_text=True).count("Kurdish Youth Forum UK") == 1


def test_merge_moves_members_and_tags_and_loses_nothing(client, db, login_as):
    a, b, c = (factories.user() for _ in range(3))
    theme, community = tag("theme", "Diabetes"), tag("community", "Somali")
    keep = organisation("Somali Parents Network", owner=a, tags=[theme])
    duplicate = organisation("Somali Parents Network UK", status="pending", owner=b, members=[a, c],
                             tags=[theme, community], phone="020 7946 0001")  # fmt: skip
    db.session.commit()
    login_as("staff")
    response = client.post(f"/staff/groups/{duplicate.id}/merge", data={"target": str(keep.id)})
    assert response.status_code == 303
    db.session.expire_all()
    members = {m.user_id: m.role for m in db.session.scalars(select(Membership).where(
        Membership.organisation_id == keep.id))}  # fmt: skip
    assert members == {a.id: "owner", b.id: "member", c.id: "member"}
    merged = db.session.get(Organisation, duplicate.id)
    assert (merged.status, merged.merged_into_id) == ("archived", keep.id)
    kept = db.session.get(Organisation, keep.id)
    assert kept.phone == "020 7946 0001"
    assert "somali parents network" in client.get("/groups?community=somali", headers=HX).get_data(as_text=True).lower()
    event = _audit(db, "group.merged")[0]
    assert event.details["members_moved"] == 2 and event.details["tags_moved"] == 1
