"""DKIM signing (dkimpy) when DKIM_SELECTOR and DKIM_PRIVATE_KEY_PATH are set; the DNS records
to publish are in docs/deployment.md ("Mail: SPF, DKIM and DMARC")."""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from pathlib import Path

import dkim
from flask import current_app

SIGNED_HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type",
                  b"list-id", b"list-unsubscribe", b"list-unsubscribe-post"]  # fmt: skip


def signer() -> Callable[[bytes], bytes] | None:
    """A function that returns a message with its DKIM-Signature header first, or None."""
    config = current_app.config
    selector, key_path = config.get("DKIM_SELECTOR"), config.get("DKIM_PRIVATE_KEY_PATH")
    if not selector or not key_path:
        return None
    key = Path(key_path).read_bytes()
    domain = email.utils.parseaddr(config["MAIL_DEFAULT_SENDER"])[1].rpartition("@")[2].encode()

    def sign(message: bytes) -> bytes:
        header = dkim.sign(message, selector.encode(), domain, key, include_headers=SIGNED_HEADERS,
                           canonicalize=(b"relaxed", b"relaxed"))  # fmt: skip
        return header + message

    return sign
