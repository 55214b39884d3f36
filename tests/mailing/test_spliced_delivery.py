"""Bulletins go out as one message encoded once, each recipient's values spliced into its bytes
(app/mail/bulk.py): through a real SMTP server, every message must be valid MIME carrying that
recipient's own address and token, never anyone else's."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.pool import NullPool

from app.mail import OutboxMessage
from app.mail.campaigns import Rendered
from app.mail.worker import drain_outbox
from app.mailing import services
from app.mailing.delivery import BulletinBatch, render_bulletin
from app.mailing.figures import bulletin_figures
from app.mailing.models import Bulletin, BulletinItem, Subscriber
from tests.conftest import body_of
from tests.factories import mailing as mf

TOKEN_IN = re.compile(r"/mailing-list/(?:preferences|unsubscribe)/([A-Za-z0-9._-]+)")


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def _bulletin_with_awkward_content() -> Bulletin:
    bulletin = mf.bulletin(title="Café news – November: £5,000 grants", items=0)
    bulletin.intro = "Hello.\n\n" + "A long paragraph with no line breaks at all. " * 40
    bulletin.items.append(
        BulletinItem(kind="funding", heading="Grants up to £5,000 · apply by Friday",
                     body="=3D is not an escape; .a dot starts this line\n\nand “quotes”.",
                     link="https://example.org/fund?a=1&b=2", position=0)
    )  # fmt: skip
    return bulletin


def _send(client, bulletin: Bulletin) -> None:
    response = client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "now"})
    assert response.status_code == 303


def test_every_spliced_message_is_valid_mime_with_its_own_address_and_token(app, client, db, staff, smtp_server):
    subscribers = [mf.subscriber() for _ in range(7)]
    bulletin = _bulletin_with_awkward_content()
    db.session.commit()
    _send(client, bulletin)
    app.config["OUTBOX_BATCH_SIZE"] = 3  # several batches: the message is built once, reused
    drain_outbox()
    smtp_server.wait_for(7)
    assert len(smtp_server.envelopes) == 7
    assert smtp_server.connections == 1  # one connection for the whole drain

    db.session.expire_all()
    bulletin = db.session.get(Bulletin, bulletin.id)
    # Each recipient's token as its message carries it (signed at send time: its timestamp is then).
    tokens = {
        e.rcpt_tos[0]: TOKEN_IN.search(
            message_from_bytes(e.original_content, policy=policy.default)["List-Unsubscribe"]
        )[1]
        for e in smtp_server.envelopes
    }
    assert sorted(tokens) == sorted(s.email for s in subscribers)
    message_ids = set()
    for envelope in smtp_server.envelopes:
        (address,) = envelope.rcpt_tos
        raw = envelope.original_content
        # Byte for byte: CRLF line ends only, no line over 998 octets, 7-bit clean.
        assert b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b"")
        assert max(map(len, raw.split(b"\r\n"))) <= 998 and raw.isascii()
        message = message_from_bytes(raw, policy=policy.default)
        assert not message.defects and all(not part.defects for part in message.walk())
        assert message.get_content_type() == "multipart/alternative"
        assert message["To"] == address and message["Subject"] == "Café news – November: £5,000 grants"
        assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Precedence"] == "bulk"
        assert message["List-Id"] == f"{app.config['SERVICE_NAME']} bulletin <bulletins.portal>"  # not the title
        message_ids.add(message["Message-ID"])

        token = tokens[address]
        assert message["List-Unsubscribe"] == (
            f"<http://localhost/mailing-list/unsubscribe/{token}?b={bulletin.id}>, "
            f"<mailto:{app.config['CONTACT_EMAIL']}?subject=unsubscribe>"
        )
        text, html = body_of(message).replace("\r\n", "\n"), body_of(message, "html").replace("\r\n", "\n")
        assert set(TOKEN_IN.findall(text)) == {token} and set(TOKEN_IN.findall(html)) == {token}
        # The same text and HTML the email package path (and the preview, with counted links) gives this recipient.
        expected = render_bulletin(bulletin, token=token, clicks=True)
        assert text == expected["text"] and html == expected["html"]
        assert services.read_manage_token(token).email == address
        # Nobody else's token or address is anywhere in this message.
        for other, other_token in tokens.items():
            if other != address:
                assert other_token.encode() not in raw and other.encode() not in raw
    assert len(message_ids) == 7

    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.campaign == bulletin.campaign)).all()
    assert {r.status for r in rows} == {"sent"} and {r.delivery for r in rows} == {"smtp"}
    assert all(r.body_text == "" and r.body_html is None for r in rows)  # bodies are not stored per row


def test_refusals_in_the_middle_of_a_batch_keep_every_outcome(app, client, db, staff, smtp_server):
    first, _busy, gone, _last = (mf.subscriber(email=f"{n}@example.org") for n in ("first", "busy", "gone", "last"))
    bulletin = mf.bulletin()
    db.session.commit()
    smtp_server.reject["busy@example.org"] = (451, "4.3.0 Try again later")
    smtp_server.reject["gone@example.org"] = (550, "5.1.1 No such mailbox")
    _send(client, bulletin)
    result = drain_outbox()
    assert (result.sent, result.retried, result.failed) == (2, 1, 1)
    smtp_server.wait_for(2)
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == ["first@example.org", "last@example.org"]
    db.session.expire_all()
    rows = {r.to_addr: r for r in db.session.scalars(select(OutboxMessage))}
    assert rows["first@example.org"].status == rows["last@example.org"].status == "sent"
    assert rows["busy@example.org"].status == "queued" and rows["busy@example.org"].last_error.startswith("451")
    assert rows["gone@example.org"].status == "failed" and rows["gone@example.org"].last_error.startswith("550")
    assert db.session.get(Subscriber, gone.id).bounce_count == 1
    assert db.session.get(Subscriber, gone.id).status == "bouncing"  # a hard bounce suppresses at once
    assert db.session.get(Subscriber, first.id).bounce_count == 0
    figures = bulletin_figures(bulletin.id)
    assert (figures["sent"], figures["deferred"], figures["bounced_hard"], figures["failed"]) == (2, 1, 1, 1)


def test_an_address_that_cannot_be_spliced_is_built_the_slow_way(app, db, smtp_server):
    odd = mf.subscriber(email='"odd, person"@example.org')
    plain = mf.subscriber()
    bulletin = mf.bulletin(status="sending")
    db.session.flush()
    rows = [
        OutboxMessage(kind="bulletin", to_addr=s.email, subject=bulletin.title, body_text="", headers={},
                      dedupe_key=f"bulletin:{bulletin.id}:subscriber:{s.id}", campaign=bulletin.campaign,
                      ref_id=s.id)
        for s in (odd, plain)
    ]  # fmt: skip
    db.session.add_all(rows)
    db.session.commit()
    batch = BulletinBatch(rows)
    slow, fast = batch.render(rows[0]), batch.render(rows[1])
    assert isinstance(slow, Rendered) and slow.raw is None
    assert services.manage_token(odd) in slow.text and services.manage_token(odd) in slow.headers["List-Unsubscribe"]
    assert isinstance(fast, Rendered) and fast.raw is not None
    assert services.manage_token(plain).encode() in fast.raw


def _bulletin_sent_to(client, db, recipients: int) -> str:
    """A bulletin to `recipients` new subscribers, sent by staff (queued, not delivered); its campaign."""
    for _ in range(recipients):
        mf.subscriber()
    bulletin = mf.bulletin()
    db.session.commit()
    _send(client, bulletin)
    return bulletin.campaign


def _sent_count(engine, campaign: str) -> int:
    with engine.connect() as conn:
        query = text("SELECT count(*) FROM outbox_messages WHERE campaign = :c AND status = 'sent'")
        return conn.execute(query, {"c": campaign}).scalar()


@pytest.fixture
def own_engine(app):
    """A connection of the test's own, from the SMTP server's thread: it sees only committed rows."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    yield engine
    engine.dispose()


def test_a_message_is_accepted_only_once_every_earlier_one_is_durably_marked(
    app, client, db, staff, smtp_server, own_engine
):
    """DESIGN §8: a worker killed at any moment leaves at most the one message in flight
    delivered but unmarked. The marks travel while the next message is sent (asynchronously
    on PostgreSQL), so check the moment it matters: as the server takes each message's last
    line, every message it accepted before is marked sent, in a committed transaction."""
    campaign = _bulletin_sent_to(client, db, 12)
    app.config["OUTBOX_BATCH_SIZE"] = 5  # batch ends and starts too
    seen: list[tuple[int, int]] = []
    smtp_server.on_data = lambda envelope: seen.append((len(smtp_server.envelopes), _sent_count(own_engine, campaign)))
    assert drain_outbox().sent == 12
    assert len(seen) == 12
    assert all(marked == accepted for accepted, marked in seen), seen
    assert _sent_count(own_engine, campaign) == 12


def test_a_mark_that_fails_stops_the_send_before_another_message_is_delivered(
    app, client, db, staff, smtp_server, own_engine
):
    """If a sent message cannot be marked, the next message must not be delivered: the worker
    stops (its claim expires and the rest are sent later) rather than run ahead of its marks."""
    campaign = _bulletin_sent_to(client, db, 6)

    def third_row_vanishes(envelope) -> None:  # e.g. erased by staff while it was being sent
        if len(smtp_server.envelopes) == 2:
            with own_engine.begin() as conn:
                conn.execute(text("DELETE FROM outbox_messages WHERE to_addr = :a"), {"a": envelope.rcpt_tos[0]})

    smtp_server.on_data = third_row_vanishes
    with pytest.raises(RuntimeError, match="was not marked sent"):
        drain_outbox()
    assert len(smtp_server.envelopes) == 3  # the fourth message was never ended
    db.session.rollback()
    statuses = sorted(db.session.scalars(select(OutboxMessage.status).where(OutboxMessage.campaign == campaign)))
    assert statuses == ["sending"] * 3 + ["sent"] * 2  # the rest wait for their claim to expire
