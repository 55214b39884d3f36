"""The invite form keeps what was typed and says what is wrong beside the field (issue 19)."""

from __future__ import annotations

from sqlalchemy import select

from app.mail.models import OutboxMessage
from tests import factories
from tests.factories.groups import organisation


def test_an_invalid_address_errors_on_the_field_and_keeps_the_text(client, db, login_as):
    owner = factories.user(email="owner@example.org", name="Priya Shah")
    org = organisation("Tamil Community Centre", owner=owner)
    db.session.commit()
    login_as(owner)
    response = client.post(f"/my-group/{org.id}/invite", data={"email": "priya at example"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in html and 'href="#email"' in html
    assert 'value="priya at example"' in html and "govuk-form-group--error" in html
    assert db.session.scalar(select(OutboxMessage.id)) is None
    # The page works on its own too (GET), for someone who follows a link to it.
    assert "Invite a colleague" in client.get(f"/my-group/{org.id}/invite").get_data(as_text=True)


def test_only_the_owner_can_use_the_invite_page(client, db, login_as):
    owner = factories.user(email="owner@example.org")
    member = factories.user(email="member@example.org")
    org = organisation("Tamil Community Centre", owner=owner, members=[member])
    other = organisation("Another Group", owner=factories.user(email="other@example.org"))
    db.session.commit()
    login_as(member)
    assert client.get(f"/my-group/{org.id}/invite").status_code in (403, 404)
    login_as(owner)
    assert client.get(f"/my-group/{other.id}/invite").status_code in (403, 404)
