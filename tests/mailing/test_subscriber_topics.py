"""Staff change a subscriber's topics on the subscriber page: audited, and never a way to
subscribe someone who has not opted in themselves."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.mailing import services
from app.mailing.models import Subscriber, Subscription
from tests.factories import mailing as mf


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def _changes(db) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "subscriber.topics_changed")))


def test_staff_change_a_subscribers_topics(client, db, staff):
    topics = mf.topics()
    subscriber = mf.subscriber(name="Amina Yusuf", topic_ids=[topics[0].id, topics[1].id])
    db.session.commit()
    page = client.get(f"/staff/mailing-list/{subscriber.id}").get_data(as_text=True)
    assert f'action="/staff/mailing-list/{subscriber.id}/topics"' in page
    assert page.count("checked") == 2 and "Save topics" in page

    response = client.post(
        f"/staff/mailing-list/{subscriber.id}/topics", data={"topics": [str(topics[1].id), str(topics[4].id)]}
    )
    assert response.status_code == 303
    db.session.expire_all()
    subscriber = db.session.get(Subscriber, subscriber.id)
    assert services.topic_ids_of(subscriber) == {topics[1].id, topics[4].id}
    assert subscriber.status == "confirmed"
    (event,) = _changes(db)
    assert event.actor_id == staff.id and event.object_id == str(subscriber.id)
    assert event.details == {"added": ["Health inequalities"], "removed": ["Network news"]}
    assert "Topics saved for Amina Yusuf." in client.get(f"/staff/mailing-list/{subscriber.id}").get_data(as_text=True)

    # The same choice again changes nothing and records nothing.
    client.post(f"/staff/mailing-list/{subscriber.id}/topics", data={"topics": [str(topics[1].id), str(topics[4].id)]})
    assert len(_changes(db)) == 1


def test_a_bouncing_subscriber_keeps_their_status(client, db, staff):
    topics = mf.topics()
    subscriber = mf.subscriber(status="bouncing", topic_ids=[topics[0].id])
    db.session.commit()
    client.post(f"/staff/mailing-list/{subscriber.id}/topics", data={"topics": [str(topics[2].id)]})
    db.session.expire_all()
    subscriber = db.session.get(Subscriber, subscriber.id)
    assert subscriber.status == "bouncing" and services.topic_ids_of(subscriber) == {topics[2].id}
    bulletin = mf.bulletin(topic_list=[topics[2]])
    db.session.commit()
    assert services.recipient_count(bulletin) == 0  # still not mailed


@pytest.mark.parametrize("status", ["pending", "unsubscribed"])
def test_staff_cannot_subscribe_someone_who_has_not_opted_in(client, db, staff, status):
    topics = mf.topics()
    subscriber = mf.subscriber(status=status, topic_ids=[])
    db.session.commit()
    page = client.get(f"/staff/mailing-list/{subscriber.id}").get_data(as_text=True)
    assert "Their topics cannot be changed here because they are not subscribed" in page
    assert "Save topics" not in page
    response = client.post(f"/staff/mailing-list/{subscriber.id}/topics", data={"topics": [str(topics[0].id)]})
    assert response.status_code == 303
    assert "Only a subscribed person’s topics can be changed" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(Subscriber, subscriber.id).status == status
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 0
    assert _changes(db) == []
    bulletin = mf.bulletin(topic_list=[topics[0]])
    db.session.commit()
    assert services.recipient_count(bulletin) == 0


def test_erased_subscribers_topics_cannot_be_set(client, db, staff):
    topics = mf.topics()
    subscriber = mf.subscriber(topic_ids=[topics[0].id])
    services.erase(subscriber)
    db.session.commit()
    client.post(f"/staff/mailing-list/{subscriber.id}/topics", data={"topics": [str(topics[0].id)]})
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 0
    assert db.session.get(Subscriber, subscriber.id).status == "erased"
    assert client.post("/staff/mailing-list/999999/topics", data={"topics": [str(topics[0].id)]}).status_code == 404


def test_bad_choices_are_refused_with_a_clear_error(client, db, staff):
    topics = mf.topics()
    subscriber = mf.subscriber(topic_ids=[topics[0].id])
    db.session.commit()
    for data, message in (({}, "Choose at least one topic"), ({"topics": ["999999"]}, "Choose topics from the list")):
        response = client.post(f"/staff/mailing-list/{subscriber.id}/topics", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "There is a problem" in page and message in page
        assert 'href="#topics"' in page  # the error summary links to the checkboxes
    assert services.topic_ids_of(subscriber) == {topics[0].id}
    assert _changes(db) == []


def test_subscriptions_to_archived_topics_are_kept(client, db, staff):
    topics = mf.topics()
    subscriber = mf.subscriber(topic_ids=[topics[0].id, topics[3].id])
    topics[3].archived = True
    db.session.commit()
    page = client.get(f"/staff/mailing-list/{subscriber.id}").get_data(as_text=True)
    assert "Employment and skills bulletin (archived)" in page
    client.post(f"/staff/mailing-list/{subscriber.id}/topics", data={"topics": [str(topics[1].id)]})
    db.session.expire_all()
    assert services.topic_ids_of(subscriber) == {topics[1].id, topics[3].id}


def test_members_cannot_change_topics(app, client, db, login_as):
    topics = mf.topics()
    subscriber = mf.subscriber(topic_ids=[topics[0].id])
    db.session.commit()
    url = f"/staff/mailing-list/{subscriber.id}/topics"
    assert app.test_client().post(url, data={"topics": [str(topics[1].id)]}).status_code in (302, 401)
    login_as("member")
    assert client.post(url, data={"topics": [str(topics[1].id)]}).status_code == 403
    assert services.topic_ids_of(subscriber) == {topics[0].id}
