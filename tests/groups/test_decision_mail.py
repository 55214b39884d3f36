"""Staff decisions on applications reach the applicant even when the group has no owner account,
and the page says truthfully who was e-mailed (issue 19 §2)."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.groups.models import Organisation
from app.mail.models import OutboxMessage
from tests import factories
from tests.factories.groups import application_data, organisation
from tests.pages import page_text

HX = {"HX-Request": "true"}


def _mail(db) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_approving_a_group_without_an_owner_emails_its_contact_address(client, db, login_as):
    org = organisation("Mile End Makers", status="pending", email="hello@mileend.example.org", contact_name="Jo")
    db.session.commit()
    login_as("staff")
    response = client.post(f"/staff/groups/{org.id}/approve", follow_redirects=True)
    text = page_text(response)
    assert "Mile End Makers is approved and now listed. An email has been sent to hello@mileend.example.org." in text
    mail = _mail(db)
    assert [(m.to_addr, m.subject) for m in mail] == [
        ("hello@mileend.example.org", "Mile End Makers is now in the directory")
    ]
    assert "Hello Jo," in mail[0].body_text
    assert "/my-group" not in mail[0].body_text  # they have no account to update it with
    assert "reply to this email" in mail[0].body_text


def test_owner_and_a_different_contact_address_both_hear_and_the_page_names_both(client, db, login_as):
    owner = factories.user(email="owner@example.org", name="Amina")
    org = organisation("Bow Book Club", status="pending", owner=owner, email="club@example.org")
    db.session.commit()
    login_as("staff")
    response = client.post(f"/staff/groups/{org.id}/reject", data={"message": "Outside our area."}, headers=HX)
    html = response.get_data(as_text=True)
    assert "Bow Book Club was not accepted. An email has been sent to owner@example.org and club@example.org." in html
    assert sorted(m.to_addr for m in _mail(db)) == ["club@example.org", "owner@example.org"]
    assert all("Outside our area." in m.body_text for m in _mail(db))


def test_same_address_for_owner_and_contact_is_emailed_once(client, db, login_as):
    owner = factories.user(email="Same@Example.org")
    org = organisation("Stepney Stitchers", status="pending", owner=owner, email="same@example.org")
    db.session.commit()
    login_as("staff")
    client.post(f"/staff/groups/{org.id}/approve")
    assert [m.to_addr for m in _mail(db)] == ["same@example.org"]


def test_nobody_to_tell_is_said_plainly(client, db, login_as):
    org = organisation("Quiet Group", status="pending")
    db.session.commit()
    login_as("staff")
    html = client.post(f"/staff/groups/{org.id}/request-changes", data={"message": "Add a postcode."}, headers=HX)
    text = html.get_data(as_text=True)
    assert "Nobody has been emailed: the group has no owner account and no contact email address." in text
    assert "has been emailed." not in text.replace("Nobody has been emailed", "")
    assert _mail(db) == []


def test_changes_requested_text_is_shown_as_text_not_markup(client, db, login_as):
    owner = factories.user(email="applicant@example.org")
    org = organisation("Bow Bengali Book Club", status="pending", owner=owner)
    db.session.commit()
    login_as("staff")
    client.post(
        f"/staff/groups/{org.id}/request-changes",
        data={"message": "Add your charity number.\nAnd <b>a postcode</b>."},
    )
    login_as(owner)
    html = client.get(f"/my-group/{org.id}/edit").get_data(as_text=True)
    assert "&lt;p class" not in html and "<p class='govuk-body'>" not in html
    # pre-line keeps the line break; the inset macro's indentation is white space pre-line collapses
    assert re.search(
        r'<p class="govuk-body portal-pre-line">Add your charity number.\n\s*And &lt;b&gt;a postcode&lt;/b&gt;.</p>',
        html,
    )
    assert "The network team asked you to change:" in page_text(client.get(f"/my-group/{org.id}/edit"))
    assert (
        client.post(f"/my-group/{org.id}/edit", data=application_data(name="Bow Bengali Book Club")).status_code == 303
    )
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).status == "pending"
