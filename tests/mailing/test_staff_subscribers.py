"""Staff subscriber management: search, add by hand, CSV import and export, subject access, erasure."""

from __future__ import annotations

import csv
import gc
import io
import json
import warnings

import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.mail import OutboxMessage
from app.mail.worker import drain_outbox
from app.mailing import services
from app.mailing.models import Subscriber, SuppressedAddress, Topic
from tests.factories import mailing as mf

HX = {"HX-Request": "true"}


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def test_search_and_filters_with_htmx(client, db, staff, query_budget):
    topics = mf.topics()
    mf.subscriber(email="amina@riverside.org", name="Amina Yusuf", topic_ids=[topics[0].id])
    mf.subscriber(email="kwame@example.org", name="Kwame Boateng", topic_ids=[topics[1].id])
    mf.subscriber(email="pending@example.org", status="pending", topic_ids=[topics[1].id])
    for _ in range(15):
        mf.subscriber(topic_ids=[topics[2].id, topics[3].id])
    db.session.commit()
    with query_budget(10):
        page = client.get("/staff/mailing-list")
    assert page.status_code == 200 and "18 subscribers found" in page.get_data(as_text=True)
    assert page.headers["Vary"] == "HX-Request" or "HX-Request" in page.headers["Vary"]
    fragment = client.get("/staff/mailing-list?q=riverside", headers=HX).get_data(as_text=True)
    assert "1 subscriber found" in fragment and "Amina Yusuf" in fragment and "<html" not in fragment
    by_topic = client.get(f"/staff/mailing-list?topic={topics[1].id}").get_data(as_text=True)
    assert "2 subscribers found" in by_topic
    by_status = client.get(f"/staff/mailing-list?topic={topics[1].id}&status=pending").get_data(as_text=True)
    assert "1 subscriber found" in by_status
    assert "18 subscribers found" in client.get("/staff/mailing-list?status=nonsense&topic=abc").get_data(as_text=True)


def test_add_by_hand_records_the_lawful_basis(client, db, staff, smtp_server):
    topics = mf.topics()
    response = client.post(
        "/staff/mailing-list/add",
        data={"email": "partner@council.example.org", "name": "Priya Shah", "topics": [str(topics[4].id)],
              "lawful_basis": "legitimate_interests", "evidence": ""},
    )  # fmt: skip
    assert "Describe how and when they agreed" in response.get_data(as_text=True)
    client.post(
        "/staff/mailing-list/add",
        data={"email": "partner@council.example.org", "name": "Priya Shah", "topics": [str(topics[4].id)],
              "lawful_basis": "legitimate_interests", "evidence": "Named contact for the health partnership"},
    )  # fmt: skip
    subscriber = services.find_subscriber("partner@council.example.org")
    assert (subscriber.status, subscriber.lawful_basis, subscriber.source) == (
        "confirmed",
        "legitimate_interests",
        "staff",
    )
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "subscriber.added")).actor_id == staff.id

    client.post(
        "/staff/mailing-list/add",
        data={"email": "ask@example.org", "name": "Ask Me", "topics": [str(topics[0].id)], "lawful_basis": "ask"},
    )
    assert services.find_subscriber("ask@example.org").status == "pending"
    drain_outbox()
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "ask@example.org" and "Confirm" in message["Subject"]
    again = client.post(
        "/staff/mailing-list/add",
        data={"email": "ASK@example.org", "name": "Ask Me", "topics": [str(topics[0].id)], "lawful_basis": "ask"},
    )
    assert "already on the mailing list" in again.get_data(as_text=True)


CSV = """email,name,organisation,topics,consent_at
amina@example.org,Amina Yusuf,Riverside,Network news;Events,2026-03-14
bilal@example.org,Bilal Khan,,Funding opportunities,
known@example.org,Known Person,,Events,2026-01-01
bad-address,Someone,,Events,
erased@example.org,Erased Person,,Events,2026-01-01
nobody@example.org,No Topics,,,
amina@example.org,Amina Again,,Events,
"=HYPERLINK(""x"")@example.org",Formula,,Events,
"""


def test_import_is_checked_first_then_applied(client, db, staff, smtp_server):
    mf.topics()
    mf.subscriber(email="known@example.org")
    services.suppress("erased@example.org", "erased")
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(Subscriber))
    upload = {"file": (io.BytesIO(CSV.encode()), "list.csv")}
    page = client.post("/staff/mailing-list/import", data=upload, content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert "Check the import" in text
    assert "Refuse: this address was erased or suppressed" in text
    assert "Email address is not valid" in text and "Name at least one topic" in text
    assert "appears earlier in the file" in text
    assert "Import 2 subscribers" in text
    assert db.session.scalar(select(func.count()).select_from(Subscriber)) == before  # dry run saved nothing

    response = client.post("/staff/mailing-list/import", data={"csv_text": CSV, "confirm": "yes"})
    assert response.status_code == 303
    amina, bilal = services.find_subscriber("amina@example.org"), services.find_subscriber("bilal@example.org")
    assert amina.status == "confirmed" and amina.source == "import" and amina.consent_at.year == 2026
    assert {t.name for t in db.session.scalars(select(Topic).where(Topic.id.in_(services.topic_ids_of(amina))))} == {
        "Network news", "Events"}  # fmt: skip
    assert bilal.status == "pending"  # no recorded consent: confirmation only
    assert services.find_subscriber("erased@example.org") is None
    drain_outbox()
    smtp_server.wait_for(1)
    assert [str(m["To"]) for m in smtp_server.messages] == ["bilal@example.org"]
    bulletin = mf.bulletin(topic_list=list(db.session.scalars(select(Topic))))
    db.session.commit()
    assert services.recipient_count(bulletin) == 2  # amina and known, never bilal


def test_import_refuses_files_it_cannot_read(client, db, staff):
    bad = client.post(
        "/staff/mailing-list/import",
        data={"file": (io.BytesIO(b"name,organisation\nx,y\n"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert "at least an ‘email’ column" in bad.get_data(as_text=True)
    empty = client.post("/staff/mailing-list/import", data={})
    assert "Choose a CSV file to import" in empty.get_data(as_text=True)


def test_import_refuses_files_too_large_or_not_utf8(client, db, staff):
    def upload(content: bytes) -> str:
        with warnings.catch_warnings():
            # Werkzeug's *test client* spools a large request body to a temporary file it never closes.
            warnings.simplefilter("ignore", ResourceWarning)
            response = client.post(
                "/staff/mailing-list/import",
                data={"file": (io.BytesIO(content), "list.csv")},
                content_type="multipart/form-data",
            )
            page = response.get_data(as_text=True)
            del response
            gc.collect()
        return page

    assert "The file is larger than 5 MB" in upload(b"email,name,topics\n" + b"x" * (5 * 1024 * 1024))
    assert "The file must be saved as CSV UTF-8" in upload("email,name\nz@example.org,Zo\xeb\n".encode("cp1252"))


def test_export_csv_has_no_formulas(client, db, staff):
    mf.subscriber(email="a@example.org", name="=cmd|' /C calc'!A0")
    db.session.commit()
    response = client.get("/staff/mailing-list/export.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0]["email"] == "a@example.org" and rows[0]["name"].startswith("'=")
    assert rows[0]["status"] == "Subscribed"


def test_subject_access_export_and_erasure(client, db, staff, smtp_server):
    subscriber = mf.subscriber(email="leaving@example.org", name="Leila Ahmed")
    db.session.commit()
    client.post(f"/staff/bulletins/{mf.bulletin().id}/send", data={"when": "now"})
    drain_outbox()
    export = client.get(f"/staff/mailing-list/{subscriber.id}/export.json")
    data = json.loads(export.get_data(as_text=True))
    assert data["subscriber"]["email"] == "leaving@example.org" and data["topics"] == ["Network news"]
    assert len(data["emails"]) == 1 and data["emails"][0]["status"] == "sent"

    assert "Erase Leila Ahmed’s data" in client.get(f"/staff/mailing-list/{subscriber.id}/erase").get_data(as_text=True)
    assert client.post(f"/staff/mailing-list/{subscriber.id}/erase").status_code == 303
    db.session.expire_all()
    erased = db.session.get(Subscriber, subscriber.id)
    assert (erased.email, erased.name, erased.status) == (None, None, "erased")
    assert (
        db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.to_addr == "leaving@example.org")
        )
        == 0
    )
    row = db.session.scalar(select(SuppressedAddress))
    assert "leaving" not in row.address_hash and len(row.address_hash) == 64
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "subscriber.erased"))
    assert event.actor_id == staff.id and "leaving" not in json.dumps(event.details)
    # The address cannot be added back by staff or by import.
    topics = mf.topics()
    again = client.post(
        "/staff/mailing-list/add",
        data={"email": "Leaving@example.org", "name": "L", "topics": [str(topics[0].id)], "lawful_basis": "ask"},
    )
    assert "erased or asked not to be contacted" in again.get_data(as_text=True)
    assert client.get(f"/staff/mailing-list/{subscriber.id}/export.json").status_code == 404


def test_topics_are_staff_editable(client, db, staff):
    mf.topics()
    client.post("/staff/mailing-list/topics", data={"name": "Housing", "description": "Housing news"})
    assert "Housing" in client.get("/mailing-list").get_data(as_text=True)
    duplicate = client.post("/staff/mailing-list/topics", data={"name": "housing"})
    assert "already a topic with this name" in duplicate.get_data(as_text=True)
    housing = db.session.scalar(select(Topic).where(Topic.name == "Housing"))
    client.post(f"/staff/mailing-list/topics/{housing.id}/archive", follow_redirects=True)
    assert f'value="{housing.id}"' not in client.get("/mailing-list").get_data(as_text=True)
