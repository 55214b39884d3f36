"""Bounces and complaints (issue 19): VERP return paths, real RFC 3464 DSNs and an RFC 5965 ARF
report fed through the bounce mailbox (a real POP3 server) and `flask mail bounces FILE`, hard and
soft bounces, complaints, and the safety valve that pauses a send when too many addresses bounce."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.mail.bounces import verp_address, verp_id
from app.mail.mailbox import poll_mailbox
from app.mail.models import MailBounce, OutboxMessage
from app.mail.worker import drain_outbox
from app.mailing import services
from app.mailing.figures import bulletin_figures
from app.mailing.models import Bulletin, Subscriber
from tests.factories import mailing as mf
from tests.mail.imap_server import ImapServer
from tests.mail.pop3_server import Mailbox, Pop3Server

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def staff(login_as):
    return login_as("staff", email="staff@example.org")


@pytest.fixture
def verp(app):
    app.config["MAIL_BOUNCE_ADDRESS"] = "bounces@example.org"
    yield
    app.config["MAIL_BOUNCE_ADDRESS"] = None


def _report(name: str, row: OutboxMessage) -> bytes:
    """A fixture filled in for one outbox row, as the remote server would write it."""
    text = (FIXTURES / f"{name}.eml.tmpl").read_text()
    msgid = f"{row.ref_id or 0}.ab12cd.{row.id}@example.org"
    return text.format(verp=verp_address(row.id), rcpt=row.to_addr, msgid=msgid).replace("\n", "\r\n").encode()


def _send_bulletin(client, db, *addresses: str) -> tuple[Bulletin, dict[str, OutboxMessage]]:
    for address in addresses:
        if services.find_subscriber(address) is None:
            mf.subscriber(email=address)
    bulletin = mf.bulletin()
    db.session.commit()
    client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "now"})
    drain_outbox()
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.campaign == bulletin.campaign))
    return bulletin, {row.to_addr: row for row in rows}


def test_each_message_leaves_with_its_own_signed_verp_return_path(app, client, db, staff, smtp_server, verp):
    _bulletin, rows = _send_bulletin(client, db, "amina@example.org", "bilal@example.org")
    smtp_server.wait_for(2)
    by_rcpt = {e.rcpt_tos[0]: e.mail_from for e in smtp_server.envelopes}
    for address, row in rows.items():
        assert by_rcpt[address] == verp_address(row.id)
        assert by_rcpt[address].startswith(f"bounces+{row.id}-") and by_rcpt[address].endswith("@example.org")
        assert verp_id(by_rcpt[address]) == row.id
    forged = verp_address(rows["amina@example.org"].id).replace(f"+{rows['amina@example.org'].id}-", "+999-")
    assert verp_id(forged) is None  # the signature is checked: a bounce cannot name another message


def test_a_dsn_saved_to_a_file_suppresses_the_subscriber(app, client, db, staff, verp, tmp_path):
    bulletin, rows = _send_bulletin(client, db, "gone@example.net", "fine@example.net")
    path = tmp_path / "bounce.eml"
    path.write_bytes(_report("dsn_hard", rows["gone@example.net"]))
    result = app.test_cli_runner().invoke(args=["mail", "bounces", str(path)])
    assert result.exit_code == 0, result.output
    assert "hard bounce for gone@example.net" in result.output
    db.session.expire_all()
    assert services.find_subscriber("gone@example.net").status == "bouncing"
    assert services.find_subscriber("fine@example.net").status == "confirmed"
    bounce = db.session.scalar(select(MailBounce))
    assert (bounce.kind, bounce.source, bounce.outbox_id) == ("hard", "dsn", rows["gone@example.net"].id)
    assert "5.1.1" in bounce.detail and "User unknown" in bounce.detail
    figures = bulletin_figures(bulletin.id)
    assert (figures["sent"], figures["bounced_hard"]) == (2, 1)
    page = client.get(f"/staff/bulletins/{bulletin.id}/delivery").get_data(as_text=True)
    assert 'data-count="bounced_hard">1<' in page and "gone@example.net" in page and "User unknown" in page


def test_a_message_that_is_not_a_bounce_changes_nothing(app, db, tmp_path):
    path = tmp_path / "reply.eml"
    path.write_bytes(b"From: someone@example.org\r\nTo: bounces@example.org\r\nSubject: Thanks\r\n\r\nThank you!\r\n")
    result = app.test_cli_runner().invoke(args=["mail", "bounces", str(path)])
    assert "no bounce or complaint found" in result.output
    assert db.session.scalar(select(func.count()).select_from(MailBounce)) == 0


def test_soft_bounces_suppress_only_after_the_limit(app, client, db, staff, verp, tmp_path):
    app.config.update(SOFT_BOUNCE_LIMIT=2, SOFT_BOUNCE_DAYS=30)
    _bulletin, rows = _send_bulletin(client, db, "full@example.net")
    path = tmp_path / "soft.eml"
    path.write_bytes(_report("dsn_soft", rows["full@example.net"]))
    runner = app.test_cli_runner()
    assert "soft bounce for full@example.net" in runner.invoke(args=["mail", "bounces", str(path)]).output
    db.session.expire_all()
    assert services.find_subscriber("full@example.net").status == "confirmed"
    runner.invoke(args=["mail", "bounces", str(path)])
    db.session.expire_all()
    assert services.find_subscriber("full@example.net").status == "bouncing"
    app.config.update(SOFT_BOUNCE_LIMIT=3)


def test_the_bounce_mailbox_is_read_over_pop3_and_emptied(app, client, db, staff, verp, smtp_server):
    """A real DSN and a real ARF complaint in a POP3 mailbox that the worker's job polls."""
    _bulletin, rows = _send_bulletin(client, db, "gone@example.net", "angry@example.net", "fine@example.net")
    box = Mailbox(messages=[
        _report("dsn_hard", rows["gone@example.net"]),
        _report("arf_abuse", rows["angry@example.net"]),
        b"From: a@example.org\r\nSubject: Out of office\r\n\r\nI am away.\r\n",
    ])  # fmt: skip
    with Pop3Server(box) as server:
        app.config["BOUNCE_MAILBOX_URL"] = server.url
        try:
            assert poll_mailbox() == 3
        finally:
            app.config["BOUNCE_MAILBOX_URL"] = None
    assert box.messages == [] and box.logins == 1  # each message deleted once it was recorded
    db.session.expire_all()
    assert services.find_subscriber("gone@example.net").status == "bouncing"
    angry = services.find_subscriber("angry@example.net")
    assert (angry.status, angry.unsubscribe_reason) == ("unsubscribed", "complaint")
    assert services.is_suppressed("angry@example.net")
    assert services.find_subscriber("fine@example.net").status == "confirmed"
    kinds = sorted(db.session.scalars(select(MailBounce.kind)))
    assert kinds == ["complaint", "hard"]
    # Never bulk mail again: the next bulletin reaches only the one left.
    smtp_server.messages.clear()
    _send_bulletin(client, db)
    assert [str(m["To"]) for m in smtp_server.wait_for(1)] == ["fine@example.net"]


def test_a_wrong_mailbox_password_leaves_the_mail_there(app, db):
    box = Mailbox(messages=[b"Subject: x\r\n\r\ny\r\n"])
    with Pop3Server(box) as server, pytest.raises(Exception, match="wrong user or password"):
        poll_mailbox(server.url.replace(":secret@", ":nope@"))
    assert len(box.messages) == 1


def test_staff_see_bounces_on_the_subscriber_page_and_reactivate_with_a_reason(app, client, db, staff, smtp_server):
    smtp_server.reject["gone@example.org"] = (550, "5.1.1 Mailbox does not exist")
    _bulletin, _rows = _send_bulletin(client, db, "gone@example.org")
    subscriber = services.find_subscriber("gone@example.org")
    page = client.get(f"/staff/mailing-list/{subscriber.id}").get_data(as_text=True)
    assert "Bounced: address does not exist" in page and "550 5.1.1 Mailbox does not exist" in page
    response = client.post(f"/staff/mailing-list/{subscriber.id}/reactivate", data={"reason": ""})
    assert response.status_code == 200 and "Enter why the address can be used again" in response.get_data(as_text=True)
    response = client.post(
        f"/staff/mailing-list/{subscriber.id}/reactivate", data={"reason": "She phoned: her mailbox is fixed"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Subscriber, subscriber.id).status == "confirmed"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "subscriber.reactivated"))
    assert event.details["reason"] == "She phoned: her mailbox is fixed"


def test_a_send_with_many_hard_bounces_pauses_itself_and_resumes_without_skipping_or_repeating(
    app, client, db, staff, smtp_server
):
    """10 % of the addresses answer 550; the valve (5 % of max(finished, 20)) stops the send."""
    app.config.update(BOUNCE_PAUSE_PERCENT=5, BOUNCE_PAUSE_SAMPLE=20)
    addresses = [f"person{n:02d}@example.org" for n in range(40)]
    bad = {addresses[n] for n in (4, 14, 24, 34)}
    for address in bad:
        smtp_server.reject[address] = (550, "5.1.1 No such user")
    bulletin, _rows = _send_bulletin(client, db, *addresses)
    db.session.expire_all()
    bulletin = db.session.get(Bulletin, bulletin.id)
    assert bulletin.status == "paused" and "2 of the first 15 emails bounced" in bulletin.pause_reason
    figures = bulletin_figures(bulletin.id)
    assert (figures["sent"], figures["failed"], figures["bounced_hard"], figures["queued"]) == (13, 2, 2, 25)
    assert drain_outbox().handled == 0  # nothing leaves while paused
    told = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "bulletin_paused")).all()
    assert [m.to_addr for m in told] == ["staff@example.org"] and "2 of the first 15" in told[0].body_text
    page = client.get(f"/staff/bulletins/{bulletin.id}/delivery").get_data(as_text=True)
    assert "Sending paused itself" in page and "Resume sending" in page
    audit = client.get("/staff/audit").get_data(as_text=True)
    assert "paused itself: 2 of 15 emails bounced" in audit and "bounced, so they get no more bulletins" in audit
    assert client.post(f"/staff/bulletins/{bulletin.id}/resume").status_code == 303
    drain_outbox()
    delivered = [e.rcpt_tos[0] for e in smtp_server.envelopes if e.rcpt_tos[0] in addresses]
    assert sorted(delivered) == sorted(set(addresses) - bad)  # everyone else exactly once
    figures = bulletin_figures(bulletin.id)
    assert (figures["sent"], figures["failed"], figures["bounced_hard"], figures["queued"]) == (36, 4, 4, 0)
    db.session.expire_all()
    assert db.session.get(Bulletin, bulletin.id).status == "sending"  # the valve stops a send once


def test_a_provider_webhook_with_the_shared_secret_records_a_complaint(app, client, db, staff):
    _bulletin, rows = _send_bulletin(client, db, "angry@example.net", "fine@example.net")
    event = {"events": [{"type": "complaint", "email": "angry@example.net", "detail": "abuse report"},
                        {"type": "delivered", "email": "fine@example.net"}]}  # fmt: skip
    assert client.post("/mail/webhook", json=event).status_code == 404  # no secret set: no webhook
    app.config["MAIL_WEBHOOK_SECRET"] = "s3cret-shared-with-the-provider"
    try:
        assert client.post("/mail/webhook", json=event, headers={"Authorization": "Bearer wrong"}).status_code == 403
        bad = client.post(
            "/mail/webhook", data=b"{not json", headers={"Authorization": "Bearer s3cret-shared-with-the-provider"}
        )
        assert bad.status_code == 400
        response = client.post(
            "/mail/webhook", json=event, headers={"Authorization": "Bearer s3cret-shared-with-the-provider"}
        )
    finally:
        app.config["MAIL_WEBHOOK_SECRET"] = None
    assert response.status_code == 200 and response.json == {"recorded": 1}
    db.session.expire_all()
    angry = services.find_subscriber("angry@example.net")
    assert (angry.status, angry.unsubscribe_reason) == ("unsubscribed", "complaint")
    assert services.find_subscriber("fine@example.net").status == "confirmed"
    bounce = db.session.scalar(select(MailBounce))
    assert (bounce.source, bounce.outbox_id) == ("webhook", rows["angry@example.net"].id)


def test_bounce_records_are_kept_a_year(app, db):
    import datetime as dt

    from app.db import utcnow
    from app.mailing.jobs import delete_old_bounces

    now = utcnow()
    db.session.add_all([
        MailBounce(kind="hard", to_addr="old@example.org", source="dsn", created_at=now - dt.timedelta(days=400)),
        MailBounce(kind="soft", to_addr="new@example.org", source="dsn", created_at=now - dt.timedelta(days=20)),
    ])  # fmt: skip
    db.session.commit()
    assert delete_old_bounces(now) == 1
    db.session.commit()
    assert list(db.session.scalars(select(MailBounce.to_addr))) == ["new@example.org"]


def test_the_bounce_mailbox_is_read_over_imap_too(app, client, db, staff, verp):
    _bulletin, rows = _send_bulletin(client, db, "gone@example.net", "fine@example.net")
    box = Mailbox(messages=[_report("dsn_hard", rows["gone@example.net"])])
    with ImapServer(box) as server:
        assert poll_mailbox(server.url) == 1
    assert box.messages == [] and box.logins == 1
    db.session.expire_all()
    assert services.find_subscriber("gone@example.net").status == "bouncing"
    assert services.find_subscriber("fine@example.net").status == "confirmed"
