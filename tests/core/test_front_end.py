"""Issue 21 §2, §3, §5 without a browser: the page classes set before first paint, htmx's own styles
off, and a bulletin e-mail that keeps the paragraphs a browser sends (tests/e2e/test_front_end.py
checks the same in Chromium)."""

from __future__ import annotations

import re

from app.mailing.delivery import render_bulletin
from app.mailing.models import Bulletin
from tests.factories import mailing as mf


def _text(client, url: str) -> str:
    response = client.get(url)
    text = response.get_data(as_text=True)
    response.close()  # a static file is sent from an open file
    return text


def test_page_classes_are_set_by_a_blocking_script_first_in_body(client):
    html = _text(client, "/")
    # Not deferred, not a module: it must run before the browser draws anything below it.
    first_in_body = re.search(r"<body[^>]*>\s*<script src=\"([^\"]*js-enabled[^\"]*)\"></script>", html)
    assert first_in_body, html[html.index("<body") :][:300]
    assert "<script>" not in html  # nothing inline: the CSP allows 'self' only
    script = _text(client, first_in_body.group(1))
    assert "js-enabled" in script and "govuk-frontend-supported" in script


def test_htmx_injects_no_indicator_styles(client):
    html = _text(client, "/")
    assert '"includeIndicatorStyles": false' in html
    css = re.search(r'<link rel="stylesheet" href="([^"]*app[.][^"]*css)">', html).group(1)
    assert ".htmx-request .htmx-indicator" in _text(client, css)


def test_bulletin_email_keeps_paragraphs_typed_in_a_browser(client, db, login_as):
    login_as("staff")
    topic = mf.topics()[0]
    db.session.commit()
    # A browser sends a textarea's line breaks as CRLF.
    intro = "First paragraph of the introduction.\r\n\r\nSecond paragraph.\r\n\r\nThird paragraph."
    response = client.post(
        "/staff/bulletins/new", data={"title": "Paragraphs", "intro": intro, "topics": [str(topic.id)]}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    bulletin_id = int(response.headers["Location"].rsplit("/", 1)[1])
    item = {"kind": "news", "heading": "News", "body": "One.\r\n\r\nTwo.", "link": ""}
    assert client.post(f"/staff/bulletins/{bulletin_id}/items", data=item).status_code == 303

    html = render_bulletin(db.session.get(Bulletin, bulletin_id))["html"]
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.findall(r"<p[^>]*>(.*?)</p>", html, flags=re.S)]
    for text in ("First paragraph of the introduction.", "Second paragraph.", "Third paragraph.", "One.", "Two."):
        assert text in paragraphs, paragraphs

    # The staff preview and the web version of the bulletin share _bulletin_body.html: the same paragraphs.
    from flask import render_template

    with client.application.test_request_context():
        page = render_template("mailing/_bulletin_body.html", bulletin=db.session.get(Bulletin, bulletin_id))
    on_page = [re.sub(r"\s+", " ", p).strip() for p in re.findall(r"<p[^>]*>(.*?)</p>", page, flags=re.S)]
    for text in ("First paragraph of the introduction.", "Second paragraph.", "One.", "Two."):
        assert text in on_page, on_page
