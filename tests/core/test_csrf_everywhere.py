"""CSRFProtect guards every POST: a one-button form needs no check of its own in the view."""

from __future__ import annotations

import pytest
from werkzeug.routing.converters import NumberConverter

from app.extensions import csrf


def _post_urls(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if "POST" not in rule.methods or f"{view.__module__}.{view.__name__}" in csrf._exempt_views:
            continue
        values = {name: 1 if isinstance(conv, NumberConverter) else "x" for name, conv in rule._converters.items()}
        with app.test_request_context():
            urls.append(app.url_for(rule.endpoint, **values))
    return urls


@pytest.fixture
def csrf_enabled(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_every_post_without_a_token_is_refused(app, db, client, csrf_enabled):
    urls = _post_urls(app)
    assert len(urls) > 50
    refused = {url: client.post(url, data={}).status_code for url in urls}
    assert {url: code for url, code in refused.items() if code != 400} == {}


def test_the_one_click_unsubscribe_is_the_only_exempt_post(app):
    # ... and the mail provider's webhook (issue 19): a server, not a browser, which proves itself
    # with a shared secret (tests/mail/test_bounces.py checks it is refused without one).
    assert {view.rsplit(".", 1)[1] for view in csrf._exempt_views} == {"unsubscribe", "mail_webhook"}
