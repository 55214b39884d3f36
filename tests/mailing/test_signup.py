"""Sign-up with double opt-in, preferences and unsubscribe, against a real SMTP server."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.mail import OutboxMessage
from app.mail.worker import drain_outbox
from app.mailing import services
from app.mailing.models import Subscriber, Subscription
from app.tokens import make_token
from tests.conftest import body_of
from tests.factories import mailing as mf


def _signup(client, email="amina@example.org", name="Amina Yusuf", topics=None, **extra):
    data = {"email": email, "name": name, "organisation_name": "Riverside Women's Group", "consent": "y"}
    data.update(extra)
    return client.post("/mailing-list", data={**data, "topics": topics or []})


def _link(message, path: str) -> str:
    return re.search(rf"http://localhost(/mailing-list/{path}/\S+)", body_of(message)).group(1)


@pytest.fixture
def topic_ids(db):
    return [t.id for t in mf.topics()]


def test_signup_page_lists_topics_consent_and_group_link(client, db, topic_ids):
    page = client.get("/mailing-list").get_data(as_text=True)
    for name in ("Network news", "Events", "Funding opportunities", "Employment and skills bulletin",
                 "Health inequalities"):  # fmt: skip
        assert name in page
    assert "I agree to receive these emails" in page
    assert 'href="/groups/apply"' in page


def test_double_opt_in(client, db, smtp_server, topic_ids):
    response = _signup(client, topics=[str(topic_ids[0]), str(topic_ids[2])])
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    subscriber = db.session.scalar(select(Subscriber))
    assert subscriber.status == "pending" and subscriber.consent_text_version == "2026-11-v1"
    assert subscriber.organisation_name == "Riverside Women's Group"
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 0  # nothing until confirmed

    drain_outbox()
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "amina@example.org"
    assert "Network news, Funding opportunities" in body_of(message)
    assert "<h1" in body_of(message, "html")

    page = client.get(_link(message, "confirm"))
    assert page.status_code == 200
    assert "You have joined the mailing list" in page.get_data(as_text=True)
    db.session.expire_all()
    subscriber = db.session.scalar(select(Subscriber))
    assert subscriber.status == "confirmed" and subscriber.consent_at is not None
    assert services.topic_ids_of(subscriber) == {topic_ids[0], topic_ids[2]}
    # Opening the link again is harmless.
    assert "already on the mailing list" in client.get(_link(message, "confirm")).get_data(as_text=True)


def test_unconfirmed_address_gets_no_bulletin(client, db, topic_ids):
    _signup(client, topics=[str(topic_ids[0])])
    bulletin = mf.bulletin(topic_list=mf.topics()[:1])
    db.session.commit()
    assert services.recipient_count(bulletin) == 0


def test_repeat_signups_reveal_nothing_and_send_the_right_email(client, db, smtp_server, topic_ids):
    subscribed = mf.subscriber(email="known@example.org")
    db.session.commit()
    first = _signup(client, email="known@example.org", topics=[str(topic_ids[1])]).get_data(as_text=True)
    second = _signup(client, email="new@example.org", topics=[str(topic_ids[1])]).get_data(as_text=True)
    strip = lambda html: html.replace("known@example.org", "X").replace("new@example.org", "X")  # noqa: E731
    assert strip(first) == strip(second)
    _signup(client, email="NEW@example.org", topics=[str(topic_ids[1])])  # same address again, other case
    assert db.session.scalar(select(func.count()).select_from(Subscriber)) == 2  # no duplicate rows
    drain_outbox()
    smtp_server.wait_for(2)
    known = smtp_server.to("known@example.org")
    assert len(known) == 1 and "already on the" in known[0]["Subject"]
    assert "/mailing-list/preferences/" in body_of(known[0])
    assert len(smtp_server.to("new@example.org")) == 1  # throttled: one email, not two
    assert services.topic_ids_of(subscribed) == {topic_ids[0]}  # nothing changed


def test_signup_errors_keep_what_was_typed(client, db, topic_ids):
    response = _signup(client, email="amina@example", name="Amina\r\nBcc: evil@example.org", consent="")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in page
    assert "Name must not contain line breaks" in page
    assert "Choose at least one topic" in page
    assert "Tick the box to agree" in page
    assert 'value="amina@example"' in page
    long = "a" * 250 + "@example.org"
    assert "254 characters or fewer" in _signup(client, email=long, topics=[str(topic_ids[0])]).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Subscriber)) == 0


def test_signup_is_rate_limited(app, client, db, topic_ids):
    app.config["RATELIMIT_SIGNUP"] = "3 per minute"
    codes = [_signup(client, email=f"p{i}@example.org", topics=[str(topic_ids[0])]).status_code for i in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


@pytest.mark.parametrize("bad", ["tampered", "expired", "wrong-key", "wrong-purpose"])
def test_bad_confirm_links_change_nothing(app, client, db, topic_ids, bad):
    subscriber = mf.subscriber(status="pending", topic_ids=[])
    db.session.commit()
    with app.test_request_context():
        token = services.confirm_token(subscriber, [topic_ids[0]])
        if bad == "tampered":
            token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
        elif bad == "wrong-key":
            token = make_token("mailing.confirm", {"sid": subscriber.id, "k": "nope", "t": [topic_ids[0]]})
        elif bad == "wrong-purpose":
            token = services.manage_token(subscriber)
    if bad == "expired":
        app.config["CONFIRM_TOKEN_MAX_AGE"] = -1
    response = client.get(f"/mailing-list/confirm/{token}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert ("This link has expired" if bad == "expired" else "This link does not work") in page
    assert "Nothing has been changed" in page
    db.session.expire_all()
    assert db.session.get(Subscriber, subscriber.id).status == "pending"


def test_preferences_change_topics_and_unsubscribe_all(app, client, db, topic_ids):
    subscriber = mf.subscriber(topic_ids=[topic_ids[0]])
    db.session.commit()
    with app.test_request_context():
        token = services.manage_token(subscriber)
    page = client.get(f"/mailing-list/preferences/{token}").get_data(as_text=True)
    assert "Your mailing list choices" in page
    response = client.post(
        f"/mailing-list/preferences/{token}", data={"topics": [str(topic_ids[1]), str(topic_ids[4])]}
    )
    assert "Your choices have been saved" in response.get_data(as_text=True)
    assert services.topic_ids_of(subscriber) == {topic_ids[1], topic_ids[4]}
    response = client.post(f"/mailing-list/preferences/{token}", data={})
    assert "You have unsubscribed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Subscriber, subscriber.id).status == "unsubscribed"
    assert client.get("/mailing-list/preferences/not-a-token").status_code == 400


def test_unsubscribe_get_asks_post_unsubscribes(app, client, db, topic_ids):
    subscriber = mf.subscriber()
    db.session.commit()
    with app.test_request_context():
        token = services.manage_token(subscriber)
    page = client.get(f"/mailing-list/unsubscribe/{token}")
    assert page.status_code == 200 and "Unsubscribe from the mailing list" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Subscriber, subscriber.id).status == "confirmed"  # a link scanner changes nothing
    assert "You have unsubscribed" in client.post(f"/mailing-list/unsubscribe/{token}").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Subscriber, subscriber.id).status == "unsubscribed"


def test_one_click_unsubscribe_works_without_cookie_or_csrf(app, db, topic_ids):
    app.config["WTF_CSRF_ENABLED"] = True
    subscriber = mf.subscriber()
    other = mf.subscriber()
    db.session.commit()
    with app.test_request_context():
        token = services.manage_token(subscriber)
    client = app.test_client(use_cookies=False)
    response = client.post(
        f"/mailing-list/unsubscribe/{token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Subscriber, subscriber.id).status == "unsubscribed"
    # CSRF still protects every other form, e.g. preferences.
    with app.test_request_context():
        other_token = services.manage_token(other)
    assert client.post(f"/mailing-list/preferences/{other_token}", data={}).status_code == 400
    assert db.session.get(Subscriber, other.id).status == "confirmed"
    # A forged token unsubscribes nobody.
    assert client.post("/mailing-list/unsubscribe/forged", data="List-Unsubscribe=One-Click").status_code == 400


def test_resubscribing_needs_a_new_opt_in(client, db, smtp_server, topic_ids):
    subscriber = mf.subscriber(email="back@example.org")
    services.unsubscribe(subscriber, how="test")
    db.session.commit()
    _signup(client, email="back@example.org", topics=[str(topic_ids[3])])
    db.session.expire_all()
    assert db.session.get(Subscriber, subscriber.id).status == "unsubscribed"  # not until they confirm
    drain_outbox()
    (message,) = smtp_server.wait_for(1)
    assert "Confirm" in message["Subject"]
    client.get(_link(message, "confirm"))
    db.session.expire_all()
    assert db.session.get(Subscriber, subscriber.id).status == "confirmed"
    assert services.topic_ids_of(subscriber) == {topic_ids[3]}


def test_outbox_rows_for_signup_are_sensitive(client, db, topic_ids):
    _signup(client, topics=[str(topic_ids[0])])
    row = db.session.scalar(select(OutboxMessage))
    assert row.sensitive  # staff cannot read someone else's confirmation link once mail really goes out


def test_signing_up_again_before_confirming_merges_the_choices_and_resends(client, db, smtp_server, topic_ids):
    """Issue 19: the second sign-up used to be ignored (no new email, the organisation blanked,
    the new topics dropped)."""
    _signup(client, topics=[str(topic_ids[0])])
    page = _signup(client, topics=[str(topic_ids[2])], organisation_name="").get_data(as_text=True)
    assert "If you had already asked to join" in page
    assert "The link in any of our emails confirms everything you have chosen" in page
    subscriber = db.session.scalar(select(Subscriber))
    assert subscriber.status == "pending"
    assert subscriber.organisation_name == "Riverside Women's Group"  # not blanked
    assert subscriber.pending_topic_ids == [topic_ids[0], topic_ids[2]]
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 0  # nothing until confirmed
    drain_outbox()
    assert len(smtp_server.wait_for(1)) == 1  # within two minutes: one email (rate-limited)
    first_email = smtp_server.messages[0]
    # Later, the confirmation is sent again, listing everything chosen, and says why.
    subscriber.last_mailed_at = subscriber.last_mailed_at - services.RESEND_AFTER
    db.session.commit()
    _signup(client, topics=[str(topic_ids[3])])
    drain_outbox()
    second_email = smtp_server.wait_for(2)[1]
    text = body_of(second_email)
    assert "Network news" in text and "Funding opportunities" in text and "Employment and skills bulletin" in text
    assert "You asked to join again before confirming" in text
    # The earlier email's link confirms all the choices too.
    client.get(_link(first_email, "confirm"))
    db.session.expire_all()
    subscriber = db.session.scalar(select(Subscriber))
    assert subscriber.status == "confirmed" and subscriber.pending_topic_ids is None
    assert services.topic_ids_of(subscriber) == {topic_ids[0], topic_ids[2], topic_ids[3]}
