"""Self-service data rights on the account page (issue 19): download my data (JSON and CSV),
change my email address (confirmed by the new address), delete my account, and see and change my
mailing-list subscription."""

from __future__ import annotations

import csv
import io
import json
import re

from sqlalchemy import select

from app.audit import AuditEvent
from app.auth.models import User
from app.groups.models import Membership
from app.mail.models import OutboxMessage
from app.mailing import services
from tests import factories
from tests.factories import mailing as mf
from tests.factories.groups import organisation
from tests.pages import page_text


def _member(db, login_as, email="amina@example.org"):
    user = factories.user(email=email, name="Amina Yusuf")
    org = organisation("Riverside Women's Group", owner=user)
    mf.subscriber(email=email, name="Amina Yusuf")
    db.session.commit()
    login_as(user)
    return user, org


def test_account_page_shows_groups_and_mailing_list_with_links_to_change_them(client, db, login_as):
    _member(db, login_as)
    html = client.get("/account").get_data(as_text=True)
    text = page_text(client.get("/account"))
    assert "Riverside Women's Group (owner)" in text
    assert "Subscribed to Network news" in text and "Change your mailing-list choices" in text
    preferences = re.search(r'href="(/mailing-list/preferences/[^"]+)"', html).group(1)
    assert client.get(preferences).status_code == 200  # their own manage link works


def test_download_my_data_as_json_and_csv(client, db, login_as):
    _user, _org = _member(db, login_as)
    response = client.get("/account/my-data.json")
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["account"]["email"] == "amina@example.org" and data["account"]["name"] == "Amina Yusuf"
    assert data["groups"]["groups"] == [{"group": "Riverside Women's Group", "role": "owner"}]
    assert data["mailing_list"]["subscriber"]["email"] == "amina@example.org"
    rows = list(csv.reader(io.StringIO(client.get("/account/my-data.csv").data.decode("utf-8-sig"))))
    assert rows[0] == ["What", "Value"]
    assert ["account.email", "amina@example.org"] in rows and [
        "groups.groups.1.group",
        "Riverside Women's Group",
    ] in rows
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.verb == "user.data_downloaded"))


def test_a_formula_in_my_data_is_not_run_by_a_spreadsheet(client, db, login_as):
    user = factories.user(email="x@example.org", name="=HYPERLINK(1)")
    db.session.commit()
    login_as(user)
    rows = list(csv.reader(io.StringIO(client.get("/account/my-data.csv").data.decode("utf-8-sig"))))
    assert ["account.name", "'=HYPERLINK(1)"] in rows


def test_change_email_is_confirmed_by_the_new_address(client, db, login_as):
    user, _org = _member(db, login_as)
    response = client.post("/account/email", data={"email": "amina@new.example.org", "current": "wrong"})
    assert "Your password is not correct" in response.get_data(as_text=True)
    assert 'value="amina@new.example.org"' in response.get_data(as_text=True)  # kept
    response = client.post("/account/email", data={"email": "amina@new.example.org", "current": factories.PASSWORD})
    assert "Check your email" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "amina@example.org"  # not until confirmed
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "email_change"))
    assert mail.to_addr == "amina@new.example.org" and mail.sensitive
    link = re.search(r"http://localhost(/account/email/confirm/\S+)", mail.body_text).group(1)
    client.get(link)
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "amina@new.example.org"
    told = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "email_changed"))
    assert told.to_addr == "amina@example.org" and "amina@new.example.org" in told.body_text
    assert "does not work" in page_text(client.get(link, follow_redirects=True))  # used once


def test_changing_to_an_address_another_account_uses_tells_nothing_and_sends_nothing(client, db, login_as):
    factories.user(email="taken@example.org")
    _member(db, login_as)
    response = client.post("/account/email", data={"email": "taken@example.org", "current": factories.PASSWORD})
    assert "Check your email" in response.get_data(as_text=True)
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "email_change")) is None


def test_delete_my_account_says_what_is_kept_and_removes_what_identifies_me(client, db, login_as):
    user, _org = _member(db, login_as)
    page = page_text(client.get("/account/delete"))
    assert "What is kept, and why" in page and "audit log" in page and "Groups you applied for stay" in page
    response = client.post("/account/delete", data={"current": "wrong"})
    assert "Your password is not correct" in response.get_data(as_text=True)
    response = client.post("/account/delete", data={"current": factories.PASSWORD})
    assert response.status_code == 303
    db.session.expire_all()
    gone = db.session.get(User, user.id)
    assert gone.name == "Deleted user" and "amina" not in gone.email and not gone.active and gone.password_hash is None
    assert db.session.scalar(select(Membership).where(Membership.user_id == user.id)) is None
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == "amina@example.org")) is None
    assert client.get("/account").status_code in (302, 303)  # signed out
    assert services.find_subscriber("amina@example.org").status == "confirmed"  # a separate choice, kept


def test_deleting_after_an_email_change_leaves_no_old_address_in_mail_or_the_audit_log(client, db, login_as):
    """walk3: the audit log still named the old and new addresses, and mail to the old one stayed."""
    _user, _org = _member(db, login_as)
    client.post("/account/email", data={"email": "amina@new.example.org", "current": factories.PASSWORD})
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "email_change"))
    client.get(re.search(r"http://localhost(/account/email/confirm/\S+)", mail.body_text).group(1))
    client.post("/account/delete", data={"current": factories.PASSWORD})
    db.session.expire_all()
    for address in ("amina@example.org", "amina@new.example.org"):
        assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_addr == address)) is None
    logged = " ".join(str(e.details) for e in db.session.scalars(select(AuditEvent)))
    assert "amina@" not in logged and "(erased)" in logged


def test_the_only_administrator_cannot_delete_their_account(client, db, login_as):
    login_as("admin")
    assert "You are the only administrator" in page_text(client.get("/account/delete"))


def test_download_my_data_includes_event_registrations_and_toolkit_answers_i_saved(client, db, login_as):
    """Every feature that holds something about the person adds it: their registrations (with guests
    and needs) and the toolkit answers they saved for their group."""
    from app.toolkits.models import AnswerRevision, Response
    from tests.factories import events as eh
    from tests.factories import toolkits as th

    user, org = _member(db, login_as)
    meeting = eh.event(title="Quarterly network meeting")
    mine = eh.registration(meeting, email="amina@example.org", name="Amina Yusuf", access_needs="Step-free access")
    eh.guest(mine, name="Bilal Ahmed")
    mine.guest_count = 1
    eh.registration(meeting, email="someone.else@example.org", name="Someone Else")
    toolkit = th.small_toolkit()
    question = next(iter(th.questions(toolkit).values()))
    response = Response(toolkit_id=toolkit.id, respondent_key=f"org:{org.id}", organisation_id=org.id)
    db.session.add(response)
    db.session.flush()
    db.session.add(AnswerRevision(response_id=response.id, question_id=question.id, version=1,
                                  changed_by_id=user.id, new_rows=[{"text_value": "Sylheti, Bengali"}]))  # fmt: skip
    db.session.commit()

    data = json.loads(client.get("/account/my-data.json").data)
    [registration] = data["event_registrations"]
    assert registration["event"] == "Quarterly network meeting" and registration["access_needs"] == "Step-free access"
    assert registration["guests"] == [{"name": "Bilal Ahmed", "email": "", "access_needs": ""}]
    [saved] = data["toolkit_answers"]["answers_you_saved"]
    assert saved["toolkit"] == toolkit.title and saved["question"] == question.label
    assert saved["value"] == [{"text_value": "Sylheti, Bengali"}]
    assert "Registered for 1 coming event: Quarterly network meeting" in page_text(client.get("/account"))
