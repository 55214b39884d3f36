"""Issue 4 requirement lines not covered elsewhere: link lifetimes and broken manage links,
HTTPS unsubscribe headers, e-mails that work in dark mode and with images off, live delivery
counts, cancelling a schedule, a well-formed feed, shareable staff filters, the salted hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
import xml.etree.ElementTree as ET

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.db import utcnow
from app.mail import OutboxMessage
from app.mail.worker import drain_outbox
from app.mailing import services
from app.mailing.delivery import render_bulletin
from app.mailing.models import Bulletin, Subscriber
from app.times import LONDON
from app.tokens import make_token
from tests.conftest import body_of
from tests.factories import mailing as mf

HX = {"HX-Request": "true"}
DAY = 24 * 3600


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def _token_made_days_ago(app, monkeypatch, days: float, make):
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time() - days * DAY))
        with app.test_request_context():
            return make()


@pytest.mark.parametrize(("days", "works"), [(6.9, True), (7.1, False)])
def test_confirmation_links_last_seven_days(app, client, db, monkeypatch, days, works):
    topic = mf.topics()[0]
    subscriber = mf.subscriber(status="pending", topic_ids=[])
    db.session.commit()
    token = _token_made_days_ago(app, monkeypatch, days, lambda: services.confirm_token(subscriber, [topic.id]))
    response = client.get(f"/mailing-list/confirm/{token}")
    page = response.get_data(as_text=True)
    db.session.expire_all()
    if works:
        assert response.status_code == 200 and db.session.get(Subscriber, subscriber.id).status == "confirmed"
    else:
        assert response.status_code == 400 and "This link has expired" in page and "7 days" in page
        assert db.session.get(Subscriber, subscriber.id).status == "pending"


def test_the_confirmation_email_says_how_long_the_link_works(client, db, smtp_server):
    topic = mf.topics()[0]
    db.session.commit()
    client.post(
        "/mailing-list",
        data={"email": "new@example.org", "name": "New Person", "topics": [str(topic.id)], "consent": "y"},
    )
    drain_outbox()
    (message,) = smtp_server.wait_for(1)
    assert "The link stops working after 7 days." in body_of(message)


BROKEN = ["tampered", "expired", "wrong-purpose", "erased", "garbage"]


@pytest.mark.parametrize("broken", BROKEN)
@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "preferences"), ("post", "preferences"), ("get", "unsubscribe"), ("post", "unsubscribe")],
)
def test_broken_manage_links_show_a_clear_page_and_change_nothing(app, client, db, monkeypatch, broken, method, path):
    topics = mf.topics()
    subscriber = mf.subscriber(topic_ids=[topics[0].id])
    db.session.commit()
    with app.test_request_context():
        token = services.manage_token(subscriber)
    if broken == "tampered":
        token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    elif broken == "expired":
        token = _token_made_days_ago(app, monkeypatch, 3 * 366, lambda: services.manage_token(subscriber))
    elif broken == "wrong-purpose":
        with app.test_request_context():
            token = services.confirm_token(subscriber, [topics[1].id])
    elif broken == "erased":  # erasure rotates the key: the person's old links stop working
        with app.test_request_context():
            token = make_token("mailing.manage", {"sid": subscriber.id, "k": "0123456789abcdef"})
    elif broken == "garbage":
        token = "not.a.token"
    data = {"topics": [str(topics[2].id)], "List-Unsubscribe": "One-Click"}
    response = getattr(client, method)(f"/mailing-list/{path}/{token}", data=data if method == "post" else None)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ("This link has expired" if broken == "expired" else "This link does not work") in page
    assert "Nothing has been changed" in page
    if broken == "expired":
        assert "Use the link at the bottom of a recent email" in page and "7 days" not in page
    db.session.expire_all()
    assert db.session.get(Subscriber, subscriber.id).status == "confirmed"
    assert services.topic_ids_of(subscriber) == {topics[0].id}
    assert db.session.scalar(select(func.count()).where(AuditEvent.verb == "subscriber.unsubscribed")) == 0


def test_manage_links_in_old_bulletins_keep_working_for_years(app, client, db, monkeypatch):
    subscriber = mf.subscriber()
    db.session.commit()
    token = _token_made_days_ago(app, monkeypatch, 2 * 365, lambda: services.manage_token(subscriber))
    assert client.get(f"/mailing-list/unsubscribe/{token}").status_code == 200
    assert client.post(f"/mailing-list/unsubscribe/{token}").status_code == 200
    db.session.expire_all()
    assert db.session.get(Subscriber, subscriber.id).status == "unsubscribed"


def test_link_base_is_https_from_server_name_whatever_the_request(app):
    saved = {k: app.config.get(k) for k in ("SERVER_NAME", "PREFERRED_URL_SCHEME")}
    try:
        app.config.update(SERVER_NAME="portal.example.org", PREFERRED_URL_SCHEME="https")
        with app.test_request_context("/", base_url="http://evil.example.net"):
            assert services.link_base() == "https://portal.example.org/"
    finally:
        app.config.update(saved)


def test_bulk_mail_headers_carry_an_https_link_and_a_mailto(client, db, staff, smtp_server):
    subscriber = mf.subscriber(email="reader@example.org")
    bulletin = mf.bulletin()
    db.session.commit()
    with client.application.test_request_context():
        bulletin.link_base = "https://portal.example.org/"
        assert services.queue_bulletin(bulletin) == 1
    db.session.commit()
    drain_outbox()
    (message,) = smtp_server.wait_for(1)
    header = message["List-Unsubscribe"]
    match = re.fullmatch(
        r"<(https://portal\.example\.org/mailing-list/unsubscribe/[^>]+)>, "
        r"<mailto:network@example\.org\?subject=unsubscribe>",
        header,
    )
    assert match, header
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Precedence"] == "bulk" and message["List-Id"]
    # The header's link is this subscriber's own, and it is the same link as in the body.
    with client.application.test_request_context():
        assert services.read_manage_token(match.group(1).split("?")[0].rsplit("/", 1)[1]).id == subscriber.id
    assert match.group(1).endswith(f"?b={bulletin.id}")  # which bulletin they left from, for its figures
    assert match.group(1) in body_of(message) and match.group(1) in body_of(message, "html")


def test_bulletin_email_is_accessible_in_dark_mode_and_with_images_off(app, db):
    bulletin = mf.bulletin(title="Health bulletin", items=0)
    bulletin.items.append(
        mf.BulletinItem(kind="event", heading="Diabetes awareness day", body="Free checks.\n\nAll welcome.",
                        link="https://example.org/diabetes", position=0)
    )  # fmt: skip
    bulletin.items.append(
        mf.BulletinItem(kind="guidance", heading="Mental health guide", body="A new guide.", link=None, position=1)
    )
    db.session.commit()
    rendered = render_bulletin(bulletin, base_url="https://portal.example.org/")
    html, text = rendered["html"], rendered["text"]
    # Dark mode: the client may recolour everything; only links get a colour, lighter in dark mode.
    assert '<meta name="color-scheme" content="light dark">' in html
    assert "@media (prefers-color-scheme: dark)" in html
    assert "background" not in html.lower() and "bgcolor" not in html.lower()
    assert not re.search(r"(?<![-\w])color:\s*#(?!1d70b8)", html.split("</style>", 1)[1])  # no fixed text colour
    # Images off: there are no images, so nothing is lost; any image would need alt text.
    assert all(" alt=" in tag for tag in re.findall(r"<img\b[^>]*>", html)) and "<img" not in html
    # Real structure and links that make sense out of context.
    assert '<html lang="en-GB">' in html and html.count("<h1") == 1 and html.count("<h2") == 2
    assert ">Find out more about Diabetes awareness day</a>" in html
    assert "Read this bulletin online" in html and ">Unsubscribe</a>" in html
    assert "click here" not in html.lower()
    # The plain-text part carries everything, including every link in full.
    assert "EVENT: Diabetes awareness day" in text and "All welcome." in text
    assert "Find out more: https://example.org/diabetes" in text
    assert "Unsubscribe: https://portal.example.org/mailing-list/unsubscribe/" in text


def test_delivery_counts_update_live_with_htmx_polling(app, client, db, staff, smtp_server):
    topic = mf.topics()[0]
    mf.confirmed_subscribers(5, topic.id)
    bulletin = mf.bulletin(topic_list=[topic])
    db.session.commit()
    client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "now"})
    page = client.get(f"/staff/bulletins/{bulletin.id}/delivery")
    assert "HX-Request" in page.headers["Vary"] and "<html" in page.get_data(as_text=True)
    fragment = client.get(f"/staff/bulletins/{bulletin.id}/delivery", headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="delivery"') and "<html" not in fragment
    assert 'hx-trigger="every 2s"' in fragment and 'data-count="queued">5<' in fragment
    app.config["OUTBOX_BATCH_SIZE"] = 2
    drain_outbox(max_batches=1)
    fragment = client.get(f"/staff/bulletins/{bulletin.id}/delivery", headers=HX).get_data(as_text=True)
    assert 'data-count="sent">2<' in fragment and 'data-count="queued">3<' in fragment
    drain_outbox()
    fragment = client.get(f"/staff/bulletins/{bulletin.id}/delivery", headers=HX).get_data(as_text=True)
    assert 'data-count="sent">5<' in fragment and 'data-announce="Sending finished"' in fragment
    assert "hx-trigger" not in fragment  # polling stops once everything is sent


def test_a_schedule_can_be_cancelled_and_then_nothing_is_sent(client, db, staff):
    mf.subscriber()
    bulletin = mf.bulletin()
    db.session.commit()
    when = (utcnow() + dt.timedelta(hours=2)).astimezone(LONDON).strftime("%Y-%m-%d %H:%M")
    client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "later", "send_at": when})
    page = client.get(f"/staff/bulletins/{bulletin.id}/delivery").get_data(as_text=True)
    assert "Cancel the schedule" in page and "Scheduled" in page
    assert client.post(f"/staff/bulletins/{bulletin.id}/unschedule").status_code == 303
    db.session.expire_all()
    assert db.session.get(Bulletin, bulletin.id).status == "draft"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "bulletin.unscheduled")).actor_id == staff.id
    assert services.send_due_bulletins(now=utcnow() + dt.timedelta(days=1))["started"] == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_atom_feed_is_well_formed(client, db):
    sent = mf.bulletin(title="Funding & jobs <March>", status="sent")
    sent.sent_at = utcnow()
    db.session.commit()
    root = ET.fromstring(client.get("/bulletins.atom").get_data())  # noqa: S314 (our own feed)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    (entry,) = root.findall("a:entry", ns)
    assert entry.find("a:title", ns).text == "Funding & jobs <March>"
    assert entry.find("a:link", ns).get("href") == f"http://localhost/bulletins/{sent.slug}"
    assert "<h2" in entry.find("a:content", ns).text  # HTML content, escaped once in the XML
    assert 'type="application/atom+xml"' in client.get("/bulletins").get_data(as_text=True)  # autodiscovery


def test_staff_filters_are_shareable_urls(client, db, staff):
    page = client.get("/staff/mailing-list").get_data(as_text=True)
    assert 'method="get"' in page and 'hx-push-url="true"' in page and 'hx-target="#subscribers-table"' in page


def test_the_suppression_hash_is_salted(app, db):
    digest = services.address_hash("Someone@Example.org")
    assert digest == services.address_hash("someone@example.org")  # one hash per address, any case
    assert digest != hashlib.sha256(b"someone@example.org").hexdigest()  # not a plain, guessable hash
    saved = app.config.get("SUPPRESSION_SALT")
    try:
        app.config["SUPPRESSION_SALT"] = "another-salt"
        assert services.address_hash("someone@example.org") != digest
    finally:
        app.config["SUPPRESSION_SALT"] = saved
