"""The bounce mailbox (BOUNCE_MAILBOX_URL): pop3[s]://user:password@host[:port] or
imap[s]://user:password@host[:port][/folder]. Each message is read, its bounces or complaint
recorded and committed, and only then deleted from the mailbox, so a crash re-reads rather than
loses one (recording the same bounce twice does no harm: the address is already suppressed)."""

from __future__ import annotations

import imaplib
import logging
import poplib
from urllib.parse import unquote, urlsplit

from flask import current_app

from app.extensions import db
from app.mail.bounces import process_message

log = logging.getLogger(__name__)


def _handle(raw: bytes) -> bool:
    try:
        process_message(raw)
        db.session.commit()
    except Exception:  # one unreadable message must not stop the others; it stays in the mailbox
        db.session.rollback()
        log.exception("could not read a message in the bounce mailbox")
        return False
    return True


def _pop3(url) -> int:
    port = url.port or (995 if url.scheme == "pop3s" else 110)
    timeout = current_app.config.get("MAIL_TIMEOUT", 30)
    box = (
        poplib.POP3_SSL(url.hostname, port, timeout=timeout)
        if url.scheme == "pop3s"
        else poplib.POP3(url.hostname, port, timeout=timeout)
    )
    done = 0
    try:
        box.user(unquote(url.username or ""))
        box.pass_(unquote(url.password or ""))
        count, _size = box.stat()
        for number in range(1, count + 1):
            _resp, lines, _octets = box.retr(number)
            if _handle(b"\r\n".join(lines) + b"\r\n"):
                box.dele(number)
                done += 1
    finally:
        box.quit()  # deletions take effect on QUIT
    return done


def _imap(url) -> int:
    port = url.port or (993 if url.scheme == "imaps" else 143)
    box = imaplib.IMAP4_SSL(url.hostname, port) if url.scheme == "imaps" else imaplib.IMAP4(url.hostname, port)
    done = 0
    try:
        box.login(unquote(url.username or ""), unquote(url.password or ""))
        box.select(url.path.strip("/") or "INBOX")
        _status, data = box.search(None, "ALL")
        for number in (data[0] or b"").split():
            _status, parts = box.fetch(number, "(RFC822)")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), b"")
            if raw and _handle(raw):
                box.store(number, "+FLAGS", "\\Deleted")
                done += 1
        box.expunge()
    finally:
        box.logout()
    return done


def poll_mailbox(url: str | None = None) -> int:
    """Read and empty the bounce mailbox; the number of messages handled (0 when none is set)."""
    url = url or current_app.config.get("BOUNCE_MAILBOX_URL")
    if not url:
        return 0
    parts = urlsplit(url)
    if parts.scheme in ("pop3", "pop3s"):
        return _pop3(parts)
    if parts.scheme in ("imap", "imaps"):
        return _imap(parts)
    raise ValueError(f"BOUNCE_MAILBOX_URL must start pop3://, pop3s://, imap:// or imaps://, not {parts.scheme}://")
