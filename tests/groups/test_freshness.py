"""Listings that stay fresh (issue 18 §2): owners asked every N months with a signed link, reminded,
then a staff "needs checking" queue; public problem reports; "Last checked" on the profile and as
the HSDS assured_date."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.groups import freshness
from app.groups.models import ListingCheck, ListingReport
from app.mail.models import OutboxMessage
from tests.factories.auth import user
from tests.factories.groups import organisation
from tests.pages import page_text

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def listed(db):
    owner = user(email="owner@example.org", name="Olu Owner")
    old = organisation("Old Listing Group", owner=owner, reviewed_at=NOW - dt.timedelta(days=200))
    fresh = organisation("Fresh Listing Group", owner=user(), reviewed_at=NOW - dt.timedelta(days=40))
    db.session.commit()
    return {"owner": owner, "old": old, "fresh": fresh}


def _mail(db, to: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_addr == to).order_by(OutboxMessage.id)))


def _link(message: OutboxMessage) -> str:
    return re.search(r"http://localhost(/groups/check/\S+)", message.body_text).group(1)


def test_owners_are_asked_then_reminded_then_staff_see_it(app, db, listed):
    with app.test_request_context():
        assert freshness.run_listing_checks(NOW) == (1, 0)  # only the listing checked 200 days ago
        db.session.commit()
        asked = _mail(db, "owner@example.org")
        assert len(asked) == 1 and asked[0].subject == "Is Old Listing Group's listing still correct?"
        assert "/my-group/" in asked[0].body_text and "/groups/check/" in asked[0].body_text
        assert freshness.run_listing_checks(NOW + dt.timedelta(days=1)) == (0, 0)  # not asked twice
        assert freshness.run_listing_checks(NOW + dt.timedelta(days=15)) == (0, 1)
        db.session.commit()
        assert _mail(db, "owner@example.org")[-1].subject.startswith("Reminder: is Old Listing Group")
        assert freshness.run_listing_checks(NOW + dt.timedelta(days=16)) == (0, 0)  # reminded once
        queue = db.session.execute(freshness.needing_checks(NOW + dt.timedelta(days=28))).all()
        assert not queue  # 13 days after the reminder
        queue = db.session.execute(freshness.needing_checks(NOW + dt.timedelta(days=30))).all()
        assert [org.name for org, _check in queue] == ["Old Listing Group"]


def test_the_setting_changes_how_often(app, db, listed):
    app.config["LISTING_CHECK_MONTHS"] = 1
    with app.test_request_context():
        assert freshness.run_listing_checks(NOW) == (2, 0)


def test_signed_link_shows_the_listing_then_confirms(app, db, client, listed):
    with app.test_request_context():
        freshness.run_listing_checks(NOW)
        db.session.commit()
    link = _link(_mail(db, "owner@example.org")[0])
    page = client.get(link)
    assert page.status_code == 200
    text = page_text(page.get_data(as_text=True))
    assert "Is Old Listing Group's listing still correct?" in text and "Yes, it is correct" in text
    assert db.session.get(ListingCheck, listed["old"].id).confirmed_at is None  # GET changes nothing
    done = client.post(link)
    assert "listing is confirmed as correct" in page_text(done.get_data(as_text=True))
    db.session.expire_all()
    check = db.session.get(ListingCheck, listed["old"].id)
    assert check.confirmed_at is not None and check.confirmed_by_id == listed["owner"].id
    assert check.confirmed_as == "owner"
    profile = page_text(client.get(f"/groups/{listed['old'].slug}").get_data(as_text=True))
    assert f"Last checked {check.confirmed_at.day} " in profile
    service = client.get(f"/api/hsds/services/{listed['old'].service_uuid}").json
    assert service["assured_date"] == check.confirmed_at.date().isoformat()
    with app.test_request_context():
        assert freshness.run_listing_checks(check.confirmed_at + dt.timedelta(days=30)) == (0, 0)


def test_a_tampered_or_stale_link_is_refused(app, db, client, listed):
    assert client.get("/groups/check/not-a-token").status_code == 400
    with app.test_request_context():
        link = freshness.confirm_url(listed["old"], listed["owner"].id).replace("http://localhost", "")
        other = freshness.confirm_url(listed["old"], user().id).replace("http://localhost", "")  # not an owner
    db.session.commit()
    assert client.post(other).status_code == 400
    assert client.post(link[:-3] + "abc").status_code == 400
    assert db.session.get(ListingCheck, listed["old"].id) is None


def test_the_confirm_button_needs_csrf(app, db, client, listed):
    app.config["WTF_CSRF_ENABLED"] = True
    with app.test_request_context():
        link = freshness.confirm_url(listed["old"], listed["owner"].id).replace("http://localhost", "")
    response = client.post(link)
    assert response.status_code in (200, 400)
    assert db.session.get(ListingCheck, listed["old"].id) is None


def _make_stale(db, org):
    db.session.add(
        ListingCheck(
            organisation_id=org.id,
            requested_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=40),
            reminded_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=20),
        )
    )
    db.session.commit()


def test_staff_queue_confirm_on_behalf_is_audited(db, client, login_as, listed):
    _make_stale(db, listed["old"])
    profile = page_text(client.get(f"/groups/{listed['old'].slug}").get_data(as_text=True))
    assert "has not confirmed these details since" in profile
    staff = login_as("staff")
    queue = page_text(client.get("/staff/groups/needs-checking").get_data(as_text=True))
    assert "Old Listing Group" in queue and "Fresh Listing Group" not in queue
    client.post(f"/staff/groups/{listed['old'].id}/confirm-listing")
    db.session.expire_all()
    check = db.session.get(ListingCheck, listed["old"].id)
    assert check.confirmed_as == "staff" and check.confirmed_by_id == staff.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "group.listing_confirmed"))
    assert event is not None and event.actor_id == staff.id
    assert "Not confirmed (0)" in page_text(client.get("/staff/groups/needs-checking").get_data(as_text=True))


def test_staff_chase_and_archive(db, client, login_as, listed):
    _make_stale(db, listed["old"])
    login_as("staff")
    client.post(f"/staff/groups/{listed['old'].id}/chase")
    assert len(_mail(db, "owner@example.org")) == 1
    assert "Not confirmed (0)" in page_text(client.get("/staff/groups/needs-checking").get_data(as_text=True))
    _make_stale_again = db.session.get(ListingCheck, listed["old"].id)
    _make_stale_again.reminded_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=20)
    db.session.commit()
    client.post(f"/staff/groups/{listed['old'].id}/archive")
    db.session.expire_all()
    assert listed["old"].status == "archived"


def test_the_queue_is_staff_only(client, login_as, listed):
    login_as("member")
    assert client.get("/staff/groups/needs-checking").status_code in (403, 404)
    assert client.post(f"/staff/groups/{listed['old'].id}/confirm-listing").status_code in (403, 404)


def test_public_report_reaches_staff_and_owners(db, client, login_as, listed):
    page = client.get(f"/groups/{listed['old'].slug}")
    assert "Report a problem with this listing" in page.get_data(as_text=True)
    empty = client.post(f"/groups/{listed['old'].slug}/report", data={"problem": "  ", "email": "nope"})
    text = page_text(empty.get_data(as_text=True))
    assert "Enter what is wrong with this listing" in text and "There is a problem" in text
    response = client.post(
        f"/groups/{listed['old'].slug}/report",
        data={"problem": "The group closed in October.", "email": "resident@example.org"},
    )
    assert response.status_code == 303
    report = db.session.scalar(select(ListingReport))
    assert report.problem == "The group closed in October." and report.reporter_email == "resident@example.org"
    told = _mail(db, "owner@example.org")
    assert told and "The group closed in October." in told[0].body_text
    assert "resident@example.org" not in told[0].body_text  # the reporter's address stays with staff
    login_as("staff")
    queue = page_text(client.get("/staff/groups/needs-checking").get_data(as_text=True))
    assert "The group closed in October." in queue and "resident@example.org" in queue
    client.post(f"/staff/groups/reports/{report.id}/resolve")
    db.session.expire_all()
    assert db.session.get(ListingReport, report.id).resolved_at is not None


def test_keeps_typed_text_on_error_and_is_rate_limited(app, db, client, listed):
    response = client.post(f"/groups/{listed['old'].slug}/report", data={"problem": "x" * 2001, "email": "a@b.org"})
    assert "a@b.org" in response.get_data(as_text=True) and "2,000 characters or fewer" in page_text(
        response.get_data(as_text=True)
    )
    app.config["RATELIMIT_LISTING_REPORT"] = "2 per hour"
    statuses = [
        client.post(f"/groups/{listed['old'].slug}/report", data={"problem": f"Problem {n}"}).status_code
        for n in range(3)
    ]
    assert statuses[-1] == 429


def test_reports_only_for_listed_groups(db, client):
    pending = organisation("Pending Group", status="pending")
    db.session.commit()
    assert client.get(f"/groups/{pending.slug}/report").status_code == 404


def test_staff_group_page_says_when_and_by_whom(db, client, login_as, listed):
    from app.groups import freshness as fr

    fr.confirm(listed["old"], listed["owner"])
    db.session.commit()
    login_as("staff")
    text = page_text(client.get(f"/staff/groups/{listed['old'].id}").get_data(as_text=True))
    assert "confirmed by Olu Owner (group owner)" in text


def test_a_report_reaches_every_manager_or_the_contact_address_and_the_page_says_only_what_is_true(db, client):
    """walk3: a group with no account heard nothing while the page said it had been told, and a
    second manager was left out."""
    colleague = user(email="colleague@example.org", name="Cara Colleague")
    owner = user(email="boss@example.org", name="Bo Boss")
    managed = organisation("Managed Group", owner=owner, members=[colleague])
    no_account = organisation("Contact Only Group", email="hello@contactonly.org")
    nobody = organisation("Nobody Group", email="")
    db.session.commit()
    response = client.post(f"/groups/{managed.slug}/report", data={"problem": "Wrong phone number."})
    assert "We have emailed the group too." in page_text(
        client.get(response.headers["Location"]).get_data(as_text=True)
    )
    assert _mail(db, "boss@example.org") and _mail(db, "colleague@example.org")
    client.post(f"/groups/{no_account.slug}/report", data={"problem": "Closed on Fridays now."}, follow_redirects=True)
    assert "Closed on Fridays now." in _mail(db, "hello@contactonly.org")[0].body_text
    response = client.post(f"/groups/{nobody.slug}/report", data={"problem": "Moved."})
    text = page_text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "The team will pass it on to the group." in text and "emailed the group" not in text
