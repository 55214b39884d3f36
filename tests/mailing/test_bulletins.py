"""Composing, previewing, sending and archiving bulletins; delivery through real SMTP."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from app.db import utcnow
from app.mail import OutboxMessage
from app.mail.models import MailBounce
from app.mail.worker import drain_outbox
from app.mailing import services
from app.mailing.models import Bulletin, BulletinItem, Subscriber
from app.mailing.sources import ContentSource, SourceItem, register_source, unregister_source
from tests.conftest import body_of
from tests.factories import mailing as mf

HX = {"HX-Request": "true"}


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def _new_bulletin(client, topic_ids, title="Employment and skills bulletin: December"):
    response = client.post(
        "/staff/bulletins/new",
        data={"title": title, "intro": "Hello.\n\nWelcome.", "topics": [str(t) for t in topic_ids]},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _add_item(client, bulletin_id, headers=None, **fields):
    data = {"kind": "funding", "heading": "Community fund open", "body": "Grants up to £5,000.",
            "link": "https://example.org/fund"}  # fmt: skip
    data.update(fields)
    return client.post(f"/staff/bulletins/{bulletin_id}/items", data=data, headers=headers or {})


def test_compose_add_reorder_remove(client, db, staff):
    topics = mf.topics()
    bid = _new_bulletin(client, [topics[3].id])
    assert _add_item(client, bid, heading="First").status_code == 303
    response = _add_item(client, bid, headers=HX, heading="Second", kind="job")
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.startswith('\n<div id="items">') or '<div id="items">' in fragment[:200]
    assert "Item ‘Second’ added." in fragment and "<html" not in fragment
    items = db.session.scalars(select(BulletinItem).order_by(BulletinItem.position)).all()
    assert [i.heading for i in items] == ["First", "Second"]

    second = items[1]
    response = client.post(f"/staff/bulletins/{bid}/items/{second.id}/move", data={"direction": "up"}, headers=HX)
    assert "moved up to position 1 of 2" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [i.heading for i in db.session.get(Bulletin, bid).items] == ["Second", "First"]
    # Without JavaScript the same buttons work as plain forms.
    assert client.post(f"/staff/bulletins/{bid}/items/{second.id}/move", data={"direction": "down"}).status_code == 303
    db.session.expire_all()
    assert [i.heading for i in db.session.get(Bulletin, bid).items] == ["First", "Second"]
    assert client.post(f"/staff/bulletins/{bid}/items/{second.id}/delete").status_code == 303
    db.session.expire_all()
    assert [i.heading for i in db.session.get(Bulletin, bid).items] == ["First"]


def test_item_of_another_bulletin_is_not_found(client, db, staff):
    one = mf.bulletin()
    other = mf.bulletin()
    db.session.commit()
    item = other.items[0]
    assert client.post(f"/staff/bulletins/{one.id}/items/{item.id}/delete").status_code == 404
    assert client.post(f"/staff/bulletins/{one.id}/items/{item.id}/move", data={"direction": "up"}).status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"heading": "", "body": ""}, "Enter a heading for the item"),
        ({"body": "   "}, "Enter a paragraph for the item"),
        ({"link": "javascript:alert(1)"}, "Enter a link that starts with https://"),
        ({"link": "JaVaScRiPt:alert(1)"}, "Enter a link that starts with https://"),
        ({"link": "data:text/html,hi"}, "Enter a link that starts with https://"),
        ({"heading": "Line\nbreak"}, "must not contain line breaks"),
    ],
)
def test_bad_items_are_refused_with_a_clear_error(client, db, staff, fields, message):
    bulletin = mf.bulletin(items=0)
    db.session.commit()
    response = _add_item(client, bulletin.id, **fields)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    partial = _add_item(client, bulletin.id, headers=HX, **fields)
    assert partial.status_code == 422 and message in partial.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(BulletinItem)) == 0


def test_empty_bulletin_cannot_be_sent(client, db, staff):
    bulletin = mf.bulletin(items=0)
    mf.subscriber()
    db.session.commit()
    page = client.get(f"/staff/bulletins/{bulletin.id}/send").get_data(as_text=True)
    assert "You cannot send this bulletin yet" in page and "Add at least one item" in page
    client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "now"})
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_previews_and_test_send(client, db, staff, smtp_server):
    bulletin = mf.bulletin(title="Health bulletin <November>")
    db.session.commit()
    preview = client.get(f"/staff/bulletins/{bulletin.id}/preview").get_data(as_text=True)
    assert "Plain text version" in preview and "HEALTH BULLETIN &lt;NOVEMBER&gt;" in preview
    email = client.get(f"/staff/bulletins/{bulletin.id}/preview/email.html")
    assert "'unsafe-inline'" in email.headers["Content-Security-Policy"]
    assert "script" not in email.headers["Content-Security-Policy"]
    html = email.get_data(as_text=True)
    assert "<h1" in html and "<h2" in html and "Find out more about Item 1" in html
    assert "Health bulletin &lt;November&gt;" in html
    web = client.get(f"/staff/bulletins/{bulletin.id}/preview/web").get_data(as_text=True)
    assert "Preview: this is how the bulletin will look" in web
    assert client.post(f"/staff/bulletins/{bulletin.id}/test").status_code == 303
    drain_outbox()
    (message,) = smtp_server.wait_for(1)
    assert message["Subject"] == "[Test] Health bulletin <November>"
    assert message["To"] == staff.email
    assert "Find out more: https://example.org/1" in body_of(message)
    assert db.session.get(Bulletin, bulletin.id).status == "draft"


def test_send_writes_one_row_per_recipient_in_one_statement(app, client, db, staff, smtp_server, query_budget):
    topics = mf.topics()
    mf.confirmed_subscribers(30, topics[0].id)
    both = mf.subscriber(topic_ids=[topics[0].id, topics[1].id])  # in both topics: one copy
    mf.subscriber(status="pending", topic_ids=[topics[0].id])
    mf.subscriber(status="unsubscribed", topic_ids=[topics[0].id])
    mf.subscriber(topic_ids=[topics[2].id])  # other topic
    bulletin = mf.bulletin(topic_list=topics[:2])
    db.session.commit()
    assert "31 subscribers" in client.get(f"/staff/bulletins/{bulletin.id}/send").get_data(as_text=True)
    with query_budget(20):
        response = client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "now"})
    assert response.status_code == 303
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.campaign == f"bulletin:{bulletin.id}")).all()
    assert len(rows) == 31
    assert len({r.dedupe_key for r in rows}) == 31
    assert f"bulletin:{bulletin.id}:subscriber:{both.id}" in {r.dedupe_key for r in rows}
    assert all(r.dedupe_key == f"bulletin:{bulletin.id}:subscriber:{r.ref_id}" for r in rows)  # the subscriber
    db.session.expire_all()
    sent = db.session.get(Bulletin, bulletin.id)
    assert sent.status == "sending" and sent.recipient_count == 31
    # Pressing Send again writes nothing more.
    client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "now"})
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 31

    app.config["OUTBOX_BATCH_SIZE"] = 50
    drain_outbox()
    messages = smtp_server.wait_for(31)
    assert len(messages) == 31 and smtp_server.connections == 1
    message = smtp_server.to(both.email)[0]
    unsubscribe = re.search(r"<(http://localhost/mailing-list/unsubscribe/[^>]+)>", message["List-Unsubscribe"])
    assert unsubscribe and "mailto:" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Find out more about Item 1" in body_of(message, "html")
    assert unsubscribe.group(1) in body_of(message)
    # The link in the header unsubscribes exactly this person with one POST.
    client.post(unsubscribe.group(1).replace("http://localhost", ""), data={"List-Unsubscribe": "One-Click"})
    db.session.expire_all()
    assert db.session.get(Subscriber, both.id).status == "unsubscribed"

    page = client.get(f"/staff/bulletins/{bulletin.id}/delivery").get_data(as_text=True)
    assert 'data-count="sent">31<' in page and "Sending finished" in page
    # The one-click unsubscribe came from this bulletin's header: its figures count it.
    assert 'data-count="unsubscribed">1<' in page
    db.session.expire_all()
    # The delivery page only reads (issue 19): the scheduler's job marks the bulletin sent.
    assert db.session.get(Bulletin, bulletin.id).status == "sending"
    assert services.send_due_bulletins()["finished"] == 1
    assert db.session.get(Bulletin, bulletin.id).status == "sent"
    assert bulletin.slug in client.get("/bulletins").get_data(as_text=True)


def test_newlines_in_a_title_cannot_inject_headers(client, db, staff, smtp_server):
    mf.subscriber()
    topics = mf.topics()
    response = client.post(
        "/staff/bulletins/new",
        data={"title": "News\r\nBcc: victim@example.org", "topics": [str(topics[0].id)]},
    )
    assert "must not contain line breaks" in response.get_data(as_text=True)
    bulletin = mf.bulletin(title="News")
    bulletin.title = "News\r\nBcc: victim@example.org"  # even if it got in some other way
    db.session.commit()
    client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "now"})
    drain_outbox()
    (message,) = smtp_server.wait_for(1)
    assert message["Bcc"] is None
    assert all("victim" not in rcpt for env in smtp_server.envelopes for rcpt in env.rcpt_tos)


def test_subscriber_who_leaves_after_send_gets_nothing(client, db, staff, smtp_server):
    leaver = mf.subscriber()
    stayer = mf.subscriber()
    bulletin = mf.bulletin()
    db.session.commit()
    client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "now"})
    services.unsubscribe(db.session.get(Subscriber, leaver.id), how="test")
    db.session.commit()
    drain_outbox()
    smtp_server.wait_for(1)
    assert [str(m["To"]) for m in smtp_server.messages] == [stayer.email]


def test_pause_and_resume_never_skip_or_repeat(app, client, db, staff, smtp_server):
    topics = mf.topics()
    mf.confirmed_subscribers(25, topics[0].id)
    bulletin = mf.bulletin(topic_list=topics[:1])
    db.session.commit()
    client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "now"})
    app.config["OUTBOX_BATCH_SIZE"] = 10
    drain_outbox(max_batches=1)
    assert client.post(f"/staff/bulletins/{bulletin.id}/pause").status_code == 303
    assert drain_outbox().handled == 0  # nothing leaves while paused
    page = client.get(f"/staff/bulletins/{bulletin.id}/delivery").get_data(as_text=True)
    assert "Paused" in page and 'data-count="sent">10<' in page and "Resume sending" in page
    client.post(f"/staff/bulletins/{bulletin.id}/resume")
    drain_outbox()
    smtp_server.wait_for(25)
    recipients = [str(m["To"]) for m in smtp_server.messages]
    assert len(recipients) == 25 and len(set(recipients)) == 25


def test_a_hard_bounce_at_send_suppresses_the_address_at_once(app, client, db, staff, smtp_server):
    """Issue 19: a 5xx at send time is a hard bounce; the address gets no further bulletins."""
    bad = mf.subscriber(email="gone@example.org")
    mf.subscriber(email="fine@example.org")
    db.session.commit()
    smtp_server.reject["gone@example.org"] = (550, "5.1.1 Mailbox does not exist")
    first = mf.bulletin(title="Monthly 1")
    db.session.commit()
    client.post(f"/staff/bulletins/{first.id}/send", data={"when": "now"})
    drain_outbox()
    db.session.expire_all()
    assert db.session.get(Subscriber, bad.id).status == "bouncing"
    bounce = db.session.scalar(select(MailBounce))
    assert (bounce.kind, bounce.source, bounce.to_addr, bounce.campaign) == (
        "hard", "smtp", "gone@example.org", first.campaign)  # fmt: skip
    page = client.get(f"/staff/bulletins/{first.id}/delivery").get_data(as_text=True)
    assert "550 5.1.1 Mailbox does not exist" in page and 'data-count="bounced_hard">1<' in page
    second = mf.bulletin(title="Monthly 2")
    db.session.commit()
    client.post(f"/staff/bulletins/{second.id}/send", data={"when": "now"})
    drain_outbox()
    assert [str(m["To"]) for m in smtp_server.messages].count("gone@example.org") == 0
    assert len(smtp_server.to("fine@example.org")) == 2


def test_schedule_then_the_job_sends_it(client, db, staff, smtp_server):
    mf.subscriber()
    bulletin = mf.bulletin()
    db.session.commit()
    response = client.post(
        f"/staff/bulletins/{bulletin.id}/send", data={"when": "later", "send_at": "2020-01-01 09:00"}
    )
    assert "must be in the future" in response.get_data(as_text=True)
    response = client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "later", "send_at": "tomorrow"})
    assert "Enter the date and time like" in response.get_data(as_text=True)
    when = (utcnow() + dt.timedelta(days=1)).astimezone(dt.UTC)
    from app.times import LONDON

    local = when.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")
    assert (
        client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "later", "send_at": local}).status_code == 303
    )
    db.session.expire_all()
    bulletin = db.session.get(Bulletin, bulletin.id)
    assert bulletin.status == "scheduled"
    assert client.post(f"/staff/bulletins/{bulletin.id}/items", data={"heading": "x", "body": "y"}).status_code == 303
    assert len(bulletin.items) == 2  # a scheduled bulletin cannot be edited
    assert services.send_due_bulletins()["started"] == 0
    assert services.send_due_bulletins(now=when + dt.timedelta(minutes=1))["started"] == 1
    drain_outbox()
    smtp_server.wait_for(1)
    services.send_due_bulletins()
    db.session.expire_all()
    assert db.session.get(Bulletin, bulletin.id).status == "sent"


def test_public_archive_and_feed(client, db, query_budget):
    sent = mf.bulletin(title="Sent one", status="sent")
    sent.sent_at = utcnow()
    draft = mf.bulletin(title="Secret draft")
    for n in range(5):
        extra = mf.bulletin(title=f"Older {n}", status="sent")
        extra.sent_at = utcnow() - dt.timedelta(days=30 * (n + 1))
    db.session.commit()
    with query_budget(6):  # count, page, items and topics: the same for 6 bulletins as for 60
        page = client.get("/bulletins").get_data(as_text=True)
    assert "Sent one" in page and "Secret draft" not in page
    detail = client.get(f"/bulletins/{sent.slug}").get_data(as_text=True)
    assert "Item 1" in detail and "Find out more" in detail
    assert client.get(f"/bulletins/{draft.slug}").status_code == 404
    feed = client.get("/bulletins.atom")
    assert feed.mimetype == "application/atom+xml"
    text = feed.get_data(as_text=True)
    assert "<title>Sent one</title>" in text and "Secret draft" not in text
    assert "&lt;h2" in text  # item HTML escaped inside the feed


def test_content_sources_offer_one_click_items(client, db, staff):
    items = {"7": SourceItem(key="7", kind="event", heading="Quarterly network meeting", body="Join us on 3 March.",
                              link="https://portal.example.org/events/quarterly")}  # fmt: skip
    register_source(ContentSource("test-events", "Upcoming events", lambda limit: list(items.values()), items.get))
    try:
        bulletin = mf.bulletin(items=0)
        db.session.commit()
        page = client.get(f"/staff/bulletins/{bulletin.id}").get_data(as_text=True)
        assert "Upcoming events" in page and "Quarterly network meeting" in page
        response = client.post(
            f"/staff/bulletins/{bulletin.id}/items/from-source", data={"source": "test-events", "key": "7"}, headers=HX
        )
        assert "Item ‘Quarterly network meeting’ added." in response.get_data(as_text=True)
        item = db.session.scalar(select(BulletinItem))
        assert (item.kind, item.source, item.link) == (
            "event",
            "test-events:7",
            "https://portal.example.org/events/quarterly",
        )
        client.post(f"/staff/bulletins/{bulletin.id}/items/from-source", data={"source": "test-events", "key": "nope"})
        assert db.session.scalar(select(func.count()).select_from(BulletinItem)) == 1
    finally:
        unregister_source("test-events")


def test_sending_is_rate_limited_from_config(app, client, db, staff, smtp_server):
    import time

    topics = mf.topics()
    mf.confirmed_subscribers(10, topics[0].id)
    bulletin = mf.bulletin(topic_list=topics[:1])
    db.session.commit()
    client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "now"})
    app.config["OUTBOX_RATE_PER_SECOND"] = 20
    started = time.monotonic()
    assert drain_outbox().sent == 10
    assert time.monotonic() - started >= 9 / 20 - 0.05  # 10 messages at 20 a second: at least 0.45 s
