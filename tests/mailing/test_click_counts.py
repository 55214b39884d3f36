"""Click counts per bulletin (issue 19): optional, per link and never per person, through a signed
redirect (`/r/<token>`, app/mailing/clicks.py). The e-mails go through the real outbox into the test
SMTP server; the redirect is followed with the test client."""

from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from app.mail.worker import drain_outbox
from app.mailing import services
from app.mailing.clicks import SALT, BulletinLinkClicks, click_token, count_click, first_click, read_click_token
from app.mailing.figures import bulletin_figures
from app.mailing.models import Bulletin, BulletinItem
from tests.conftest import body_of
from tests.factories import mailing as mf

REDIRECT = re.compile(r"http://localhost/r/([A-Za-z0-9._-]+)")
ITEM_LINKS = {"https://example.org/1", "https://example.org/2"}


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def _sent_bulletin(db, **kwargs) -> Bulletin:
    bulletin = mf.bulletin(status="sent", **kwargs)
    db.session.commit()
    return bulletin


def _clicks(db) -> dict[str, int]:
    db.session.expire_all()
    return {row.url: row.clicks for row in db.session.scalars(select(BulletinLinkClicks))}


def _send_to_subscribers(client, db, smtp_server, count: int = 2) -> tuple[Bulletin, list]:
    for _n in range(count):
        mf.subscriber()
    bulletin = mf.bulletin(title="December news")
    db.session.commit()
    assert client.post(f"/staff/bulletins/{bulletin.id}/send", data={"when": "now"}).status_code == 303
    drain_outbox()
    return bulletin, smtp_server.wait_for(count)


def test_the_sent_emails_links_are_signed_redirects_and_the_others_are_untouched(app, client, db, staff, smtp_server):
    bulletin, messages = _send_to_subscribers(client, db, smtp_server)
    assert len(messages) == 2
    seen = []
    for message in messages:
        text, html = body_of(message), body_of(message, "html")
        tokens = set(REDIRECT.findall(text))
        assert tokens == set(REDIRECT.findall(html)) and len(tokens) == 2  # HTML and text parts alike
        with app.test_request_context():
            assert {read_click_token(t) for t in tokens} == {(bulletin.id, url) for url in ITEM_LINKS}
            # The token carries the bulletin and the URL, and nothing about the subscriber.
            assert all(len(URLSafeSerializer(app.config["SECRET_KEY"], salt=SALT).loads(t)) == 2 for t in tokens)
        assert not any(url in text or url in html for url in ITEM_LINKS)
        assert 'href="http://localhost/r/' in html and "Find out more: http://localhost/r/" in text
        # Never rewritten: unsubscribe (body and header), preferences, the web archive, the mailto.
        unsubscribe = re.search(r"<(http://localhost/mailing-list/unsubscribe/[^>]+)>", message["List-Unsubscribe"])
        assert unsubscribe and unsubscribe.group(1) in text and unsubscribe.group(1) in html.replace("&amp;", "&")
        assert f"mailto:{app.config['CONTACT_EMAIL']}?subject=unsubscribe" in message["List-Unsubscribe"]
        assert (
            "http://localhost/mailing-list/preferences/" in text
            and "http://localhost/mailing-list/preferences/" in html
        )
        assert f"Read this bulletin online: http://localhost/bulletins/{bulletin.slug}" in text
        assert f'href="http://localhost/bulletins/{bulletin.slug}"' in html
        seen.append(tokens)
    assert seen[0] == seen[1]  # every recipient gets the very same links: no way to tell who clicked


def test_the_redirect_goes_to_the_exact_url_and_counts_each_click(app, client, db):
    bulletin = _sent_bulletin(db, items=0)
    bulletin.items.append(BulletinItem(kind="funding", heading="Small grants", body="Apply.",
                                       link="https://example.org/fund?a=1&b=2", position=0))  # fmt: skip
    db.session.commit()
    with app.test_request_context():
        grants, other = (
            click_token(bulletin.id, "https://example.org/fund?a=1&b=2"),
            click_token(bulletin.id, "http://example.com/x"),
        )
    for _n in range(2):
        response = client.get(f"/r/{grants}")
        assert response.status_code == 302
        assert response.headers["Location"] == "https://example.org/fund?a=1&b=2"
        assert response.headers["Cache-Control"] == "no-store"
    assert client.get(f"/r/{other}").headers["Location"] == "http://example.com/x"
    assert _clicks(db) == {"https://example.org/fund?a=1&b=2": 2, "http://example.com/x": 1}
    figures = bulletin_figures(bulletin.id)
    assert figures["clicks"] == 3
    assert [(link.label, link.url, link.clicks) for link in figures["links"]] == [
        ("Small grants", "https://example.org/fund?a=1&b=2", 2),  # named by its item
        ("http://example.com/x", "http://example.com/x", 1),  # no item has it: its URL
    ]


def test_two_first_clicks_at_once_make_one_row_counting_both(app, db):
    """The first click's INSERT meets a row another request inserted since its UPDATE found none:
    ON CONFLICT turns it into the same + 1 (on SQLite and PostgreSQL)."""
    bulletin = _sent_bulletin(db)
    first_click(bulletin.id, "https://example.org/1")
    first_click(bulletin.id, "https://example.org/1")
    count_click(bulletin.id, "https://example.org/1")
    db.session.commit()
    assert _clicks(db) == {"https://example.org/1": 3}


def _changed_signature(token: str) -> str:
    """The signature's first character changed (all six of its bits count; the last one's do not)."""
    payload, signature = token.rsplit(".", 1)
    return f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: _changed_signature(token),
        lambda token: "x" + token,  # the payload changed
        lambda token: token.split(".")[0],  # no signature
        lambda token: "not-a-token",
    ],
)
def test_a_tampered_token_is_a_plain_404_and_not_counted(app, client, db, tamper):
    bulletin = _sent_bulletin(db)
    with app.test_request_context():
        token = click_token(bulletin.id, "https://example.org/1")
    response = client.get(f"/r/{tamper(token)}")
    assert response.status_code == 404 and "Location" not in response.headers
    assert "Page not found" in response.get_data(as_text=True)
    assert _clicks(db) == {}


def test_a_token_signed_for_something_else_or_with_another_key_is_a_404(app, client, db):
    bulletin = _sent_bulletin(db)
    subscriber = mf.subscriber()
    db.session.commit()
    with app.test_request_context():
        manage = services.manage_token(subscriber)  # the app's key, another purpose's salt
    foreign = URLSafeSerializer("someone-elses-key", salt=SALT).dumps([bulletin.id, "https://evil.example/"])
    for token in (manage, foreign):
        assert client.get(f"/r/{token}").status_code == 404
    assert _clicks(db) == {}


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "mailto:someone@example.org", "//evil.example/path", "https:///no-host",
     "ftp://example.org/file", "https://example.org/a b", "https://example.org\\@evil.example/"],
)  # fmt: skip
def test_only_web_addresses_are_followed_even_when_signed(app, client, db, url):
    bulletin = _sent_bulletin(db)
    with app.test_request_context():
        token = click_token(bulletin.id, url)
    response = client.get(f"/r/{token}")
    assert response.status_code == 404 and "Location" not in response.headers
    assert _clicks(db) == {}


def test_head_requests_are_sent_on_but_not_counted(app, client, db):
    bulletin = _sent_bulletin(db)
    with app.test_request_context():
        token = click_token(bulletin.id, "https://example.org/1")
    response = client.head(f"/r/{token}")
    assert response.status_code == 302 and response.headers["Location"] == "https://example.org/1"
    assert _clicks(db) == {}
    client.get(f"/r/{token}")
    assert _clicks(db) == {"https://example.org/1": 1}


def test_clicks_on_a_draft_are_not_counted(app, client, db):
    draft = mf.bulletin()
    db.session.commit()
    with app.test_request_context():
        token = click_token(draft.id, "https://example.org/1")
    assert client.get(f"/r/{token}").status_code == 302
    assert _clicks(db) == {}


def test_turned_off_emails_carry_the_original_links_and_nothing_is_counted(app, client, db, staff, smtp_server):
    app.config["BULLETIN_CLICK_COUNTS"] = False
    bulletin, messages = _send_to_subscribers(client, db, smtp_server, count=1)
    (message,) = messages
    text, html = body_of(message), body_of(message, "html")
    assert "/r/" not in text and "/r/" not in html
    assert "Find out more: https://example.org/1" in text and 'href="https://example.org/1"' in html
    # A link in a bulletin sent while counts were on still works, and is not counted.
    with app.test_request_context():
        token = click_token(bulletin.id, "https://example.org/1")
    response = client.get(f"/r/{token}")
    assert response.status_code == 302 and response.headers["Location"] == "https://example.org/1"
    assert _clicks(db) == {}
    page = client.get(f"/staff/bulletins/{bulletin.id}/delivery").get_data(as_text=True)
    assert "Click counts are off" in page


def test_the_delivery_page_shows_clicks_per_link_and_in_all(app, client, db, staff):
    bulletin = _sent_bulletin(db)
    page = client.get(f"/staff/bulletins/{bulletin.id}/delivery").get_data(as_text=True)
    assert "Clicks on links" in page and "Nobody has followed a link in this bulletin yet." in page
    assert "Click counts are off" not in page
    with app.test_request_context():
        first, second = (click_token(bulletin.id, url) for url in sorted(ITEM_LINKS))
    for token in (first, first, second):
        client.get(f"/r/{token}")
    page = client.get(f"/staff/bulletins/{bulletin.id}/delivery").get_data(as_text=True)
    assert 'data-link-clicks="https://example.org/1">2<' in page
    assert 'data-link-clicks="https://example.org/2">1<' in page
    assert 'data-count="clicks">3<' in page
    assert page.index("Item 1") < page.index("Item 2")  # named by the items, most clicked first
    fragment = client.get(f"/staff/bulletins/{bulletin.id}/delivery", headers={"HX-Request": "true"})
    assert 'data-count="clicks">3<' in fragment.get_data(as_text=True)  # the polled part too


def test_the_web_archive_the_preview_and_a_test_email_never_use_the_redirect(app, client, db, staff, smtp_server):
    sent = _sent_bulletin(db)
    archive = client.get(f"/bulletins/{sent.slug}").get_data(as_text=True)
    assert 'href="https://example.org/1"' in archive and "/r/" not in archive
    feed = client.get("/bulletins.atom").get_data(as_text=True)
    assert "https://example.org/1" in feed and "/r/" not in feed
    draft = mf.bulletin()
    db.session.commit()
    preview = client.get(f"/staff/bulletins/{draft.id}/preview/email.html").get_data(as_text=True)
    assert 'href="https://example.org/1"' in preview and "/r/" not in preview
    assert client.post(f"/staff/bulletins/{draft.id}/test").status_code == 303
    drain_outbox()
    (message,) = smtp_server.wait_for(1)
    assert "/r/" not in body_of(message) and "Find out more: https://example.org/1" in body_of(message)
    assert db.session.scalar(select(func.count()).select_from(BulletinLinkClicks)) == 0
