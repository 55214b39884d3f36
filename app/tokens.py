"""Signed, expiring tokens for e-mail links (one serializer per purpose, so a token made
for one purpose can never be replayed for another)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class TokenError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal.{purpose}")


def make_token(purpose: str, payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def token_maker(purpose: str) -> Callable[[Any], str]:
    """make_token() for many payloads in a row (a bulletin's recipients): the serializer and its
    signer are made once instead of for every token. The tokens are the same."""
    serializer = _serializer(purpose)
    signer = serializer.make_signer()

    def make(payload: Any) -> str:
        return signer.sign(serializer.dump_payload(payload)).decode("utf-8")

    return make


def read_token(purpose: str, token: str, max_age: int) -> Any:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError("expired") from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise TokenError("invalid") from exc
