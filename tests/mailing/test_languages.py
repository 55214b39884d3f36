"""The mailing list in other languages (issue 22): pages render in a right-to-left language with
their errors, and e-mails rendered outside a request (the worker) are in English."""

from __future__ import annotations

from sqlalchemy import select

from app.mail import OutboxMessage, enqueue
from app.mailing.delivery import render_bulletin
from app.mailing.models import Bulletin
from tests.factories import mailing as mf


def test_signup_errors_render_in_urdu(client, db):
    mf.topics()
    page = client.post("/mailing-list?lang=ur", data={"email": "not an address"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="ur" dir="rtl"' in html
    assert "govuk-error-summary" in html and 'href="#consent"' in html


def test_public_pages_render_in_every_language(client, db):
    mf.topics()
    for code in ("bn", "so", "ur"):
        for path in ("/mailing-list", "/bulletins"):
            response = client.get(f"{path}?lang={code}")
            assert response.status_code == 200, (path, code)
            assert f'<html lang="{code}"' in response.get_data(as_text=True)


def test_emails_rendered_outside_a_request_are_english(app, db):
    # No request: what the worker and the scheduler do.
    message = enqueue(
        "bulletin_paused",
        to="staff@example.org",
        subject="Sending paused: News",
        name=None,
        bulletin=mf.bulletin(title="News"),
        reason="Too many bounces",
        url="https://example.org/staff",
    )
    db.session.flush()
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message.id))
    assert row.body_text.startswith("Hello there,")
    assert 'Sending "News" has stopped by itself.' in row.body_text
    assert '<html lang="en-GB">' in row.body_html and "is run by" in row.body_html


def test_bulletin_email_renders_in_english_in_the_worker(app, db):
    bulletin_id = mf.bulletin(title="News", status="sent").id
    db.session.commit()
    with app.app_context():  # the worker's own context: no request, no chosen language
        rendered = render_bulletin(db.session.get(Bulletin, bulletin_id))
    assert "Unsubscribe: http://localhost/mailing-list/unsubscribe/" in rendered["text"]
    assert '<html lang="en-GB">' in rendered["html"] and "Find out more about Item 1" in rendered["html"]


def test_staff_preview_page_keeps_the_chosen_language(client, db, login_as):
    # The preview renders the e-mail in a stand-in request; the page must still follow ?lang=.
    login_as("staff")
    bulletin = mf.bulletin(title="News")
    page = client.get(f"/staff/bulletins/{bulletin.id}/preview?lang=bn").get_data(as_text=True)
    assert '<html lang="bn"' in page
    page = client.get(f"/staff/bulletins/{bulletin.id}/preview?lang=ur").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl"' in page
