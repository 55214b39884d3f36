"""Signed tokens: a batch's token maker gives the same tokens as make_token(), which read_token()
accepts for its own purpose only."""

from __future__ import annotations

import pytest

from app.tokens import TokenError, make_token, read_token, token_maker


@pytest.mark.parametrize(
    "payload",
    [{"sid": 7, "k": "abc"}, {"sid": 123456789, "k": "x" * 43}, {"sid": 1, "k": "a" * 32}, [1, 2]],
)
def test_a_token_maker_makes_the_tokens_make_token_makes(app, payload, monkeypatch):
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: 1_790_000_000)  # one second for both
    with app.app_context():
        make = token_maker("mailing.manage")
        token = make(payload)
        assert token == make_token("mailing.manage", payload)
        assert make(payload) == token  # and again: nothing is used up
        assert read_token("mailing.manage", token, max_age=10**10) == payload
        with pytest.raises(TokenError):
            read_token("mailing.confirm", token, max_age=10**10)
