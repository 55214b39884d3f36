"""Staff area: dashboard, users and roles (HTMX and plain forms), invitations, audit log, sent mail."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from app.audit import AuditEvent
from app.auth.models import Invitation, User
from app.mail.models import OutboxMessage
from app.mail.worker import drain_outbox
from tests import factories

HX = {"HX-Request": "true"}


def test_dashboard_for_staff(client, login_as):
    login_as("staff")
    html = client.get("/staff").get_data(as_text=True)
    assert "Dashboard" in html and "Emails that failed" in html


def test_users_list_search_and_fragment(client, login_as, db):
    login_as("staff")
    factories.user(name="Farah Ahmed", email="farah@example.org")
    factories.user(name="Kofi Boateng", email="kofi@example.org", role="staff")
    db.session.commit()
    page = client.get("/staff/users?q=farah")
    html = page.get_data(as_text=True)
    assert "Farah Ahmed" in html and "Kofi Boateng" not in html
    assert "<html" in html
    fragment = client.get("/staff/users?role=staff", headers=HX)
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="users-table"' in body
    assert "Kofi Boateng" in body and "Farah Ahmed" not in body
    assert "HX-Request" in fragment.headers["Vary"]


def test_users_list_keeps_a_constant_number_of_queries(client, login_as, db, query_budget):
    login_as("admin")
    for _ in range(5):
        factories.user()
    db.session.commit()
    with query_budget(8) as few:
        client.get("/staff/users")
    for _ in range(30):
        factories.user()
    db.session.commit()
    with query_budget(8) as many:
        client.get("/staff/users")
    assert few["count"] == many["count"]


def test_admin_changes_role_inline_with_htmx(client, login_as, db):
    login_as("admin")
    target = factories.user(name="Farah Ahmed")
    db.session.commit()
    response = client.post(f"/staff/users/{target.id}/role", data={f"u{target.id}-role": "staff"}, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.strip().startswith("<tr") and "Farah Ahmed is now staff." in html
    db.session.expire_all()
    assert db.session.get(User, target.id).role == "staff"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "user.role_changed")).one()
    assert event.details["old"] == "member" and event.details["new"] == "staff"


def test_admin_changes_role_without_javascript(client, login_as, db):
    login_as("admin")
    target = factories.user()
    db.session.commit()
    response = client.post(f"/staff/users/{target.id}/role", data={f"u{target.id}-role": "admin"})
    assert response.status_code == 303
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is now administrator" in follow


def test_invalid_role_is_refused_with_a_message(client, login_as, db):
    login_as("admin")
    target = factories.user()
    db.session.commit()
    response = client.post(f"/staff/users/{target.id}/role", data={f"u{target.id}-role": "superuser"}, headers=HX)
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, target.id).role == "member"


def test_admin_cannot_change_own_role_or_remove_last_admin(client, login_as, db):
    me = login_as("admin")
    response = client.post(f"/staff/users/{me.id}/role", data={f"u{me.id}-role": "member"}, headers=HX)
    assert response.status_code == 422
    assert "cannot change your own role" in response.get_data(as_text=True)
    response = client.post(f"/staff/users/{me.id}/deactivate", headers=HX)
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, me.id).role == "admin" and db.session.get(User, me.id).active


def test_last_admin_is_protected(app, client, login_as, db):
    only_admin = factories.user(role="admin")
    login_as("admin")  # a second admin does the change
    db.session.commit()
    assert client.post(f"/staff/users/{only_admin.id}/role", data={f"u{only_admin.id}-role": "staff"}).status_code
    db.session.expire_all()
    assert db.session.get(User, only_admin.id).role == "staff"  # allowed: another admin remains


def test_staff_cannot_change_roles(client, login_as, db):
    login_as("staff")
    target = factories.user()
    db.session.commit()
    assert client.post(f"/staff/users/{target.id}/role", data={f"u{target.id}-role": "admin"}).status_code == 403
    assert client.post(f"/staff/users/{target.id}/deactivate").status_code == 403


def test_unknown_user_is_404(client, login_as):
    login_as("admin")
    assert client.post("/staff/users/424242/role", data={"u424242-role": "staff"}).status_code == 404


def test_deactivate_ends_sessions_and_reactivate(app, client, login_as, db):
    login_as("admin")
    target = factories.user(email="t@example.org")
    db.session.commit()
    theirs = app.test_client()
    theirs.post("/login", data={"email": "t@example.org", "password": factories.PASSWORD})
    assert theirs.get("/account").status_code == 200

    response = client.post(f"/staff/users/{target.id}/deactivate", headers=HX)
    assert response.status_code == 200
    assert "Deactivated" in response.get_data(as_text=True)
    assert theirs.get("/account").status_code == 302  # signed out everywhere
    login = theirs.post("/login", data={"email": "t@example.org", "password": factories.PASSWORD})
    assert "Enter a correct email address and password" in login.get_data(as_text=True)

    assert client.post(f"/staff/users/{target.id}/reactivate").status_code == 303
    assert theirs.post("/login", data={"email": "t@example.org", "password": factories.PASSWORD}).status_code == 303
    verbs = [e.verb for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert "user.deactivated" in verbs and "user.reactivated" in verbs


def test_invitation_journey(app, client, login_as, db):
    admin = login_as("admin", name="Ayesha Rahman")
    response = client.post(
        "/staff/invitations", data={"name": "Kwame Mensah", "email": "Kwame@Example.org", "role": "staff"}
    )
    assert response.status_code == 303
    invitation = db.session.scalars(select(Invitation)).one()
    assert invitation.email == "kwame@example.org" and invitation.invited_by_id == admin.id
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).one()
    link = re.search(r"http://localhost(/\S+)", mail.body_text).group(1)

    newcomer = app.test_client()
    page = newcomer.get(link).get_data(as_text=True)
    assert "Accept your invitation" in page and 'value="Kwame Mensah"' in page
    bad = newcomer.post(link, data={"name": "Kwame Mensah", "password": "short", "confirm": "short"})
    assert "Password must be 10 characters or more" in bad.get_data(as_text=True)
    ok = newcomer.post(
        link, data={"name": "Kwame Mensah", "password": "tidal-orchard-pebble", "confirm": "tidal-orchard-pebble"}
    )
    assert ok.status_code == 303
    assert newcomer.get("/staff").status_code == 200
    user = db.session.scalar(select(User).where(User.email == "kwame@example.org"))
    assert user.role == "staff" and user.is_confirmed
    again = app.test_client().get(link)
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)


def test_invitation_for_existing_member_grants_role_after_sign_in(app, client, login_as, db):
    login_as("admin")
    member = factories.user(email="m@example.org")
    db.session.commit()
    client.post("/staff/invitations", data={"name": "M", "email": "m@example.org", "role": "staff"})
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).one()
    link = re.search(r"http://localhost(/\S+)", mail.body_text).group(1)
    theirs = app.test_client()
    assert theirs.post(link).status_code == 303  # must sign in first
    theirs.post("/login", data={"email": "m@example.org", "password": factories.PASSWORD})
    assert theirs.post(link).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, member.id).role == "staff"


def test_invitation_form_errors_and_revoke(client, login_as, db):
    login_as("admin")
    response = client.post("/staff/invitations", data={"name": "", "email": "bad", "role": "staff"})
    html = response.get_data(as_text=True)
    assert "Enter their full name" in html and "correct format" in html
    client.post("/staff/invitations", data={"name": "A", "email": "a@example.org", "role": "staff"})
    invitation = db.session.scalars(select(Invitation)).one()
    assert client.post(f"/staff/invitations/{invitation.id}/revoke").status_code == 303
    db.session.refresh(invitation)
    assert invitation.status == "revoked"


def test_audit_log_lists_and_filters(client, login_as, db):
    admin = login_as("admin")
    target = factories.user(name="Audit Target")
    db.session.commit()
    client.post(f"/staff/users/{target.id}/role", data={f"u{target.id}-role": "staff"})
    html = unescape(client.get("/staff/audit?verb=user.role_changed").get_data(as_text=True))
    # A sentence with people's names, not the verb and "User 4" (issue 21 §7).
    assert f"{admin.name} changed Audit Target's role from member to staff" in html
    assert "User " + str(target.id) not in html and "new: staff" not in html
    assert '<option value="user.role_changed" selected>Role changed</option>' in html
    mail = client.get("/staff/mail?status=failed").get_data(as_text=True)
    assert '<option value="failed" selected>Failed</option>' in mail
    users = client.get("/staff/users?role=staff").get_data(as_text=True)
    assert '<option value="staff" selected>Staff</option>' in users


def test_sent_mail_page_and_sensitive_bodies(app, client, login_as, db, smtp_server):
    login_as("staff")
    client.post("/reset-password", data={"email": "nobody@example.org"})
    factories.user(email="a@example.org")
    db.session.commit()
    client.post("/reset-password", data={"email": "a@example.org"})
    drain_outbox()
    message = db.session.scalars(select(OutboxMessage)).one()
    listing = client.get("/staff/mail").get_data(as_text=True)
    assert "Reset your password" in listing
    detail = client.get(f"/staff/mail/{message.id}").get_data(as_text=True)
    # Mail really went out over SMTP: staff must not be able to read someone's reset link.
    assert "/reset-password/" not in detail
    assert "private link removed" in detail


def test_staff_cannot_take_over_an_admin_through_captured_mail(app, client, login_as, db):
    """Capture mode (no MAIL_SERVER): a staff member asks for the admin's password reset and reads
    the Sent mail page. The message is listed, to whom it went too, but its link is gone."""
    login_as("staff")
    factories.user(email="boss@example.org", role="admin")
    db.session.commit()
    client.post("/reset-password", data={"email": "boss@example.org"})
    drain_outbox()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.delivery == "captured" and "/reset-password/" in message.body_text
    listing = client.get("/staff/mail").get_data(as_text=True)
    assert "Reset your password" in listing and "boss@example.org" in listing
    detail = client.get(f"/staff/mail/{message.id}").get_data(as_text=True)
    assert "/reset-password/" not in detail
    assert "private link removed" in detail and "boss@example.org" in detail
    token = message.body_text.split("/reset-password/")[1].split()[0]
    assert token not in detail
    assert client.get("/staff/mail/999999").status_code == 404


def test_every_token_link_is_removed_but_ordinary_links_stay(app, client, login_as, db):
    """Not only messages flagged sensitive: any link to a route that takes a token is a credential."""
    login_as("staff")
    message = OutboxMessage(
        kind="test",
        to_addr="someone@example.org",
        subject="Mixed links",
        body_text=(
            "Cancel: http://localhost/events/cancel/eyJhYmMiOjF9.Zm9v.YmFy\n"
            "Preferences: http://localhost/mailing-list/preferences/abc.def.ghi.\n"
            "Join: http://localhost/groups/join/some.token.here\n"
            "See the events: http://localhost/events\n"
        ),
        status="sent",
    )
    db.session.add(message)
    db.session.commit()
    detail = client.get(f"/staff/mail/{message.id}").get_data(as_text=True)
    for secret in ("/events/cancel/", "/mailing-list/preferences/", "/groups/join/"):
        assert secret not in detail
    assert detail.count("private link removed") >= 3
    assert 'href="http://localhost/events"' in detail


def test_captured_mail_command_shows_links_to_a_developer_only(app, db):
    factories.user(email="dev@example.org")
    db.session.commit()
    with app.test_request_context():
        from app.auth.models import find_user_by_email
        from app.auth.services import send_password_reset

        send_password_reset(find_user_by_email("dev@example.org"))
    db.session.commit()
    drain_outbox()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["captured-mail", "--to", "dev@example.org"])
    assert result.exit_code == 0 and "/reset-password/" in result.output
    app.config["ENV_NAME"] = "production"
    refused = runner.invoke(args=["captured-mail"])
    assert refused.exit_code != 0 and "development only" in refused.output
