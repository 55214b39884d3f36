"""Profiles (public fields only), /my-group, invitations, ownership, leaving; IDOR checks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.groups.models import Membership, Organisation
from app.mail.models import OutboxMessage
from tests import factories
from tests.factories.groups import application_data, organisation


def _group(db, **fields):
    owner = factories.user(name="Owner Person")
    org = organisation(
        "Tamil Community Centre",
        owner=owner,
        phone="020 7946 0999",
        email="hello@tamil.example.org",
        website="https://tamil.example.org",
        contact_name="Private Contact Name",
        address="1 Secret Street",
        postcode="E1 6AN",
        public_fields=["website"],
        **fields,
    )
    db.session.commit()
    return org, owner


def test_public_sees_public_fields_only(client, db):
    org, _owner = _group(db)
    html = client.get(f"/groups/{org.slug}").get_data(as_text=True)
    assert "https://tamil.example.org" in html
    for private in ("020 7946 0999", "hello@tamil.example.org", "Private Contact Name", "1 Secret Street"):
        assert private not in html


def test_members_and_staff_see_everything(client, db, login_as):
    org, owner = _group(db)
    for viewer in (owner, "staff"):
        login_as(viewer)
        html = client.get(f"/groups/{org.slug}").get_data(as_text=True)
        assert "020 7946 0999" in html and "Private Contact Name" in html and "Not public" in html


def test_other_members_do_not_see_private_fields(client, db, login_as):
    org, _owner = _group(db)
    login_as("member")
    assert "020 7946 0999" not in client.get(f"/groups/{org.slug}").get_data(as_text=True)


def test_member_of_a_cannot_touch_b(client, db, login_as):
    a, a_owner = _group(db)
    b = organisation("Group B", owner=factories.user())
    db.session.commit()
    login_as(a_owner)
    assert client.get(f"/my-group/{a.id}").status_code == 200
    assert client.get(f"/my-group/{b.id}").status_code == 404
    assert client.get(f"/my-group/{b.id}/edit").status_code == 404
    assert client.post(f"/my-group/{b.id}/edit", data=application_data(name="Hijacked")).status_code == 404
    assert client.post(f"/my-group/{b.id}/invite", data={"email": "x@example.org"}).status_code == 404
    assert client.post(f"/my-group/{b.id}/leave-network").status_code == 404
    b_membership = db.session.scalar(select(Membership).where(Membership.organisation_id == b.id))
    # A membership id of group B used through group A's URL is refused too.
    assert client.post(f"/my-group/{a.id}/members/{b_membership.id}/remove").status_code == 404
    assert client.post(f"/my-group/{a.id}/members/{b_membership.id}/make-owner").status_code == 404
    db.session.expire_all()
    assert db.session.get(Organisation, b.id).name == "Group B"
    assert db.session.get(Membership, b_membership.id) is not None


def test_member_edits_their_group(client, db, login_as):
    org, owner = _group(db)
    login_as(owner)
    form = client.get(f"/my-group/{org.id}/edit").get_data(as_text=True)
    assert 'value="Tamil Community Centre"' in form
    response = client.post(f"/my-group/{org.id}/edit", data=application_data(name="Tamil Community Centre"))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).postcode == "E1 6RA"


def test_invitation_adds_a_colleague(client, db, login_as):
    org, owner = _group(db)
    colleague = factories.user(email="colleague@example.org")
    db.session.commit()
    login_as(owner)
    assert client.post(f"/my-group/{org.id}/invite", data={"email": "Colleague@Example.org"}).status_code == 303
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == "colleague@example.org"))
    assert mail.sensitive
    link = re.search(r"https?://\S+/groups/join/\S+", mail.body_text).group(0)
    path = "/" + link.split("/", 3)[3]
    # Someone else signed in cannot use the link.
    login_as("member")
    assert client.get(path).status_code == 403
    login_as(colleague)
    assert "Accept the invitation" in client.get(path).get_data(as_text=True)
    assert client.post(path).status_code == 303
    membership = db.session.scalar(select(Membership).where(Membership.user_id == colleague.id))
    assert (membership.organisation_id, membership.role) == (org.id, "member")
    assert client.get(path[:-3] + "xyz").status_code == 400  # a tampered link


def test_only_owners_invite_and_remove(client, db, login_as):
    org, owner = _group(db)
    member = factories.user()
    db.session.add(Membership(user_id=member.id, organisation_id=org.id, role="member"))
    db.session.commit()
    owner_membership = db.session.scalar(select(Membership).where(Membership.user_id == owner.id))
    login_as(member)
    assert client.post(f"/my-group/{org.id}/invite", data={"email": "x@example.org"}).status_code == 403
    assert client.post(f"/my-group/{org.id}/members/{owner_membership.id}/remove").status_code == 403


def test_hand_over_ownership_then_remove(client, db, login_as):
    org, owner = _group(db)
    member = factories.user(name="Next Owner")
    m = Membership(user_id=member.id, organisation_id=org.id, role="member")
    db.session.add(m)
    db.session.commit()
    login_as(owner)
    owner_membership = db.session.scalar(select(Membership).where(Membership.user_id == owner.id))
    # The owner cannot simply leave.
    client.post(f"/my-group/{org.id}/members/{owner_membership.id}/remove")
    assert db.session.get(Membership, owner_membership.id) is not None
    client.post(f"/my-group/{org.id}/members/{m.id}/make-owner")
    db.session.expire_all()
    assert db.session.get(Membership, m.id).role == "owner"
    assert db.session.get(Membership, owner_membership.id).role == "member"
    login_as(member)
    client.post(f"/my-group/{org.id}/members/{owner_membership.id}/remove")
    assert db.session.get(Membership, owner_membership.id) is None


def test_group_asks_to_leave_the_network(client, db, login_as, app):
    org, owner = _group(db)
    login_as(owner)
    client.post(f"/my-group/{org.id}/leave-network", data={"reason": "We are closing."})
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).leave_requested_at is not None
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == app.config["CONTACT_EMAIL"]))
    assert "We are closing." in mail.body_text


def test_my_group_lists_or_redirects(client, db, login_as):
    org, owner = _group(db)
    login_as(owner)
    assert client.get("/my-group").headers["Location"].endswith(f"/my-group/{org.id}")
    login_as("member")
    assert "You are not a member of any group yet" in client.get("/my-group").get_data(as_text=True)


# --- invitation links are single-use and die with the membership (issue 15.4) ------------------


def _user(email):
    from app.auth.models import find_user_by_email

    return find_user_by_email(email)


def _invite(client, db, org, email) -> str:
    assert client.post(f"/my-group/{org.id}/invite", data={"email": email}).status_code == 303
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == email).order_by(OutboxMessage.id.desc())
    ).first()
    link = re.search(r"https?://\S+/groups/join/\S+", mail.body_text).group(0)
    return "/" + link.split("/", 3)[3]


def test_a_removed_member_cannot_rejoin_with_the_old_link(client, db, login_as):
    org, owner = _group(db)
    colleague = factories.user(email="colleague@example.org")
    db.session.commit()
    login_as(owner)
    path = _invite(client, db, org, "colleague@example.org")
    login_as(colleague)
    assert client.post(path).status_code == 303
    # Used once: the same link does not work again, even while still a member.
    page = client.get(path)
    assert page.status_code == 400 and "already been used" in page.get_data(as_text=True)
    login_as(owner)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == colleague.id))
    client.post(f"/my-group/{org.id}/members/{membership.id}/remove")
    login_as(colleague)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "You were removed from" in response.get_data(as_text=True)
    assert db.session.scalar(select(Membership).where(Membership.user_id == colleague.id)) is None


def test_a_pending_invitation_dies_when_its_person_is_removed(client, db, login_as):
    org, owner = _group(db)
    colleague = factories.user(email="colleague@example.org")
    db.session.commit()
    login_as(owner)
    path = _invite(client, db, org, "colleague@example.org")
    # They join another way (staff add them) while the invitation still waits, then are removed.
    db.session.add(Membership(user_id=colleague.id, organisation_id=org.id, role="member"))
    db.session.commit()
    membership = db.session.scalar(select(Membership).where(Membership.user_id == colleague.id))
    client.post(f"/my-group/{org.id}/members/{membership.id}/remove")
    login_as(colleague)
    response = client.post(path)
    assert response.status_code == 400 and "You were removed from" in response.get_data(as_text=True)


def test_a_withdrawn_invitation_says_so(client, db, login_as):
    org, owner = _group(db)
    factories.user(email="colleague@example.org")
    db.session.commit()
    login_as(owner)
    path = _invite(client, db, org, "colleague@example.org")
    page = client.get(f"/my-group/{org.id}").get_data(as_text=True)
    assert "colleague@example.org" in page and "Withdraw" in page
    from app.groups.models import GroupInvitation

    invitation = db.session.scalars(select(GroupInvitation)).one()
    # Another group's owner cannot withdraw it (object-level check).
    other_owner = factories.user(name="Other Owner")
    other_org = organisation("Another Group", owner=other_owner)
    db.session.commit()
    login_as(other_owner)
    assert client.post(f"/my-group/{other_org.id}/invitations/{invitation.id}/withdraw").status_code == 404
    login_as(owner)
    assert client.post(f"/my-group/{org.id}/invitations/{invitation.id}/withdraw").status_code == 303
    assert "No invitations are waiting" in client.get(f"/my-group/{org.id}").get_data(as_text=True)
    login_as(_user("colleague@example.org"))
    response = client.get(path)
    assert response.status_code == 400 and "withdrew this invitation" in response.get_data(as_text=True)


def test_a_newer_invitation_replaces_the_older_link(client, db, login_as):
    org, owner = _group(db)
    colleague = factories.user(email="colleague@example.org")
    db.session.commit()
    login_as(owner)
    first = _invite(client, db, org, "colleague@example.org")
    second = _invite(client, db, org, "colleague@example.org")
    login_as(colleague)
    assert "A newer invitation" in client.get(first).get_data(as_text=True)
    assert client.post(second).status_code == 303


def test_an_expired_invitation_says_so(client, db, login_as):
    import datetime as dt

    from app.groups.models import GroupInvitation

    org, owner = _group(db)
    colleague = factories.user(email="colleague@example.org")
    db.session.commit()
    login_as(owner)
    path = _invite(client, db, org, "colleague@example.org")
    invitation = db.session.scalars(select(GroupInvitation)).one()
    invitation.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    db.session.commit()
    login_as(colleague)
    response = client.get(path)
    assert response.status_code == 400 and "has expired" in response.get_data(as_text=True)


def test_someone_who_already_manages_the_group_is_not_invited(client, db, login_as):
    org, owner = _group(db)
    colleague = factories.user(email="colleague@example.org")
    db.session.add(Membership(user_id=colleague.id, organisation_id=org.id, role="member"))
    db.session.commit()
    login_as(owner)
    response = client.post(f"/my-group/{org.id}/invite", data={"email": "Colleague@Example.org"})
    assert "colleague@example.org already manages Tamil Community Centre" in response.get_data(as_text=True)
    # Issue 19: inviting yourself says so, on the field, with the address kept.
    response = client.post(f"/my-group/{org.id}/invite", data={"email": owner.email})
    html = response.get_data(as_text=True)
    assert "That is your own email address: you already manage Tamil Community Centre" in html
    assert f'value="{owner.email}"' in html and "govuk-error-summary" in html
    assert db.session.scalar(select(OutboxMessage.id)) is None


def test_a_colleague_without_an_account_comes_back_to_the_invitation(client, db, login_as):
    """Invited before they have an account: sign-in page → create an account → confirm → sign in →
    the invitation, in one browser, without copying the link again."""
    org, owner = _group(db)
    login_as(owner)
    path = _invite(client, db, org, "new.colleague@example.org")
    client.post("/logout")
    # Issue 19: the link opens the invitation itself, naming the group and who invited.
    invitation_page = client.get(path)
    assert invitation_page.status_code == 200
    text = invitation_page.get_data(as_text=True)
    assert "Join Tamil Community Centre" in text and f"{owner.name} invited you" in text
    assert "Sign in" in text and "Create an account" in text
    register_link = re.search(r'href="(/register\?next=[^"]+)"', text).group(1).replace("&amp;", "&")
    register_page = client.get(register_link).get_data(as_text=True)
    assert 'value="new.colleague@example.org"' in register_page  # the invited address, filled in
    strong = "lantern-meadow-copper"
    data = {"name": "New Colleague", "email": "new.colleague@example.org", "password": strong, "confirm": strong}
    assert "Check your email" in client.post(register_link, data=data).get_data(as_text=True)
    confirm = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "confirm_account").order_by(OutboxMessage.id.desc())
    ).first()
    confirm_path = "/" + re.search(r"https?://\S+/register/confirm/\S+", confirm.body_text).group(0).split("/", 3)[3]
    to_login = client.get(confirm_path)
    assert "/login?next=" in to_login.headers["Location"] and "groups/join" in to_login.headers["Location"]
    signed_in = client.post(
        to_login.headers["Location"],
        data={"email": "new.colleague@example.org", "password": strong, "next": path},
    )
    assert signed_in.headers["Location"].endswith(path)
    assert "Accept the invitation" in client.get(path).get_data(as_text=True)
    # Before accepting, the dashboard shows the invitation waiting instead of "ask its owner".
    waiting = client.get("/my-group").get_data(as_text=True)
    assert "Invitations for you" in waiting and "ask its owner to invite you" not in waiting
    assert client.post(path, data={}).status_code == 303
    assert "Tamil Community Centre" in client.get("/my-group", follow_redirects=True).get_data(as_text=True)


def test_two_submits_of_one_invitation_join_once(client, db, login_as):
    """A double click or a second tab: the second accept is told the link was used, not a 500."""
    from sqlalchemy import update

    from app.groups import invitations
    from app.groups.models import GroupInvitation

    org, owner = _group(db)
    colleague = factories.user(email="colleague@example.org")
    db.session.commit()
    login_as(owner)
    path = _invite(client, db, org, "colleague@example.org")
    token = path.rsplit("/", 1)[1]
    with client.application.test_request_context():
        first = invitations.from_token(token)  # both requests read it as live ...
        # ... then the other request claims it first.
        db.session.execute(update(GroupInvitation).values(used_at=dt.datetime.now(dt.UTC), used_by_id=colleague.id))
        db.session.commit()
        with pytest.raises(invitations.InvitationProblem) as refused:
            invitations.accept(first, colleague)
    assert refused.value.reason == "used"
    login_as(colleague)
    second = client.post(path)
    assert second.status_code == 400 and "already been used" in second.get_data(as_text=True)
    assert db.session.scalar(select(Membership.id).where(Membership.user_id == colleague.id)) is None
