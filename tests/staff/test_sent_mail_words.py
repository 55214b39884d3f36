"""The Sent mail page names messages in words and reads as sentences (issue 19)."""

from __future__ import annotations

from sqlalchemy import select

from app.mail.models import OutboxMessage
from app.mailing.models import Subscriber
from tests.factories import mailing as mf
from tests.factories.groups import application_data
from tests.pages import page_text


def test_messages_are_named_in_words_and_empty_values_read_as_sentences(client, db, login_as):
    login_as("member", email="ruksana@example.org")
    client.post("/groups/apply", data=application_data())
    login_as("staff")
    listing = page_text(client.get("/staff/mail"))
    assert "Group application received" in listing and "group_application_received" not in listing
    message = db.session.scalar(select(OutboxMessage))
    text = page_text(client.get(f"/staff/mail/{message.id}"))
    assert "What it is Group application received" in text
    assert "Not sent yet" in text and "Not tried yet" in text and "No problems sending it" in text
    assert "None" not in text


def test_subscriber_page_says_plainly_when_there_is_no_record_of_consent(client, db, login_as):
    subscriber = mf.subscriber(email="amina@example.org")
    subscriber.consent_evidence = None
    db.session.commit()
    login_as("staff")
    text = page_text(client.get(f"/staff/mailing-list/{subscriber.id}"))
    assert "Record of consent No record of consent was given when they were added" in text
    assert "None" not in text
    assert db.session.get(Subscriber, subscriber.id).status == "confirmed"
