"""Sending over SMTP: the drain's one connection, and each message written on it.

Bulk messages arrive already built as bytes (`Rendered.raw`, app/mail/bulk.py) and are written
as they are (`send_raw`), with hooks that let the previous message's mark travel meanwhile; any
other message is built by Flask-Mail. See docs/performance.md for where a bulk send's time goes.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_mail import BadHeaderError, Message, sanitize_address

from app.extensions import mail
from app.mail.bounces import verp_address
from app.mail.campaigns import Rendered
from app.mail.dkim import signer
from app.mail.marks import Outcomes, SentMarks, open_sent_marks
from app.mail.models import OutboxMessage
from app.mail.service import clean_header


@dataclass
class Failure:
    """Why a message was not sent. `refused`: the server refused it (the campaign hears of it, e.g.
    to count bounces); `lost`: the connection is gone, so the rest of the batch waits."""

    error: str
    permanent: bool = False
    refused: bool = False
    lost: bool = False


class _Pacer:
    """Keeps delivery under OUTBOX_RATE_PER_SECOND (0 means as fast as the server accepts)."""

    def __init__(self) -> None:
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self, rate: float) -> None:
        if rate <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + 1.0 / rate
        if slot > now:
            time.sleep(slot - now)


pacer = _Pacer()


class SmtpTransport:
    """Delivery to MAIL_SERVER over one connection for the whole drain: opened when first needed,
    kept for its later batches (checked with NOOP first, reopened if the server has closed it),
    closed at the end or as soon as it fails."""

    delivery = "smtp"

    def __init__(self) -> None:
        self.connection: Any = None
        self.mail_from = ""
        self.rate = 0.0
        self.verp = False
        self.sign: Callable[[bytes], bytes] | None = None

    def open(self) -> None:
        """Ready for a batch (raises OSError or SMTPException if the server cannot be reached)."""
        self._connect()
        sender = sanitize_address(current_app.config["MAIL_DEFAULT_SENDER"])
        self.mail_from = f"FROM:{smtplib.quoteaddr(sender)}"
        self.rate = float(current_app.config.get("OUTBOX_RATE_PER_SECOND") or 0)
        self.verp = bool(current_app.config.get("MAIL_BOUNCE_ADDRESS"))
        self.sign = signer()

    def _envelope_from(self, row: OutboxMessage) -> str:
        """The MAIL command's argument: the row's own VERP return path when bounces are handled."""
        return f"FROM:<{verp_address(row.id)}>" if self.verp else self.mail_from

    def _connect(self) -> None:
        if self.connection is not None:
            try:
                if self.connection.host.noop()[0] == 250:
                    return
            except (OSError, smtplib.SMTPException):
                pass
            self.close()
        connection = mail.connect()
        connection.__enter__()
        sock = getattr(connection.host, "sock", None)
        if sock is not None:  # send_raw writes a message's last line on its own: send it at once
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.connection = connection

    def sent_marks(self) -> SentMarks:
        return open_sent_marks()

    def send(
        self, row: OutboxMessage, rendered: Rendered | None, outcomes: Outcomes, prepare_next: Callable[[], None]
    ) -> Failure | None:
        """Deliver one message; the messages before it are marked as it goes (see send_raw), and
        the next one is prepared while the server reads this one."""
        if self.rate > 0:
            outcomes.flush()
            pacer.wait(self.rate)
        try:
            if rendered is not None and rendered.raw is not None:
                host = self.connection.host
                hooks = (outcomes.start_pending, prepare_next, outcomes.finish)
                raw = self.sign(rendered.raw) if self.sign else rendered.raw
                send_raw(host, self._envelope_from(row), row.to_addr, raw, *hooks)
            else:
                outcomes.flush()
                self._send_built(row, rendered)
        except BadHeaderError:
            return Failure("Not sent: a header contained a line break", permanent=True)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            return Failure(f"{code} {reply.decode(errors='replace')}", permanent=500 <= code < 600, refused=True)
        except smtplib.SMTPResponseException as exc:
            reply = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
            return Failure(f"{exc.smtp_code} {reply}", permanent=500 <= exc.smtp_code < 600, refused=True)
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            return Failure(f"Connection lost: {exc}", lost=True)
        return None

    def _send_built(self, row: OutboxMessage, rendered: Rendered | None) -> None:
        message = to_mail_message(row, rendered)
        if not self.verp and not self.sign:
            self.connection.send(message)
            return
        if message.has_bad_headers():
            raise BadHeaderError
        data = message.as_bytes()
        data = self.sign(data) if self.sign else data
        sender = self._envelope_from(row).removeprefix("FROM:").strip("<>")
        self.connection.host.sendmail(sender, [sanitize_address(row.to_addr)], data)

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.__exit__(None, None, None)
            self.connection = None


def to_mail_message(row: OutboxMessage, rendered: Rendered | None = None) -> Message:
    headers = dict(row.headers or {})
    if rendered is not None:
        headers.update({clean_header(k): clean_header(v) for k, v in rendered.headers.items()})
    message = Message(
        subject=(rendered.subject if rendered is not None else None) or row.subject,
        recipients=[row.to_addr],
        body=rendered.text if rendered is not None else row.body_text,
        html=rendered.html if rendered is not None else row.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers=headers,
    )
    for item in row.attachments or []:
        message.attach(item["filename"], item["content_type"], item["data"].encode("utf-8"))
    return message


_LEADING_DOT = re.compile(rb"(?m)^\.")
# An address smtplib.quoteaddr() would return unchanged inside <>; anything else goes through it.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+\Z")


def _quoted(address: str) -> str:
    return f"<{address}>" if _PLAIN_ADDRESS.match(address) else smtplib.quoteaddr(address)


def _refused(smtp: smtplib.SMTP, code: int) -> None:
    """After a refusal: 421 means the server is closing the connection, anything else resets the
    transaction for the next message."""
    smtp.close() if code == 421 else smtp._rset()


def send_raw(
    smtp: smtplib.SMTP,
    mail_from: str,
    recipient: str,
    data: bytes,
    meanwhile: Callable[[], None],
    while_data_is_read: Callable[[], None] = lambda: None,
    before_end: Callable[[bool], bool] = lambda block: True,
) -> None:
    """smtplib's sendmail() for one recipient and a message already built (`mail_from` is the
    MAIL command's argument, "FROM:<address>"), with three hooks:

    - `meanwhile` runs after MAIL FROM is written and before its reply is read: the previous
      message's mark is started then, while the server works;
    - `before_end(block)` says whether the previous message's mark is durable, waiting for it
      if `block`; it is asked before the line that ends this message is written. This message
      cannot be delivered before the server has that last line, so at most one delivered
      message is ever unmarked, as with sendmail(). If the mark is still on its way, the
      message's other lines are written first, so the server reads them meanwhile;
    - `while_data_is_read` runs after the message is ended and before the server's verdict is
      read: the next message is prepared then."""
    smtp.ehlo_or_helo_if_needed()
    options = f" SIZE={len(data)}" if smtp.does_esmtp and smtp.has_extn("size") else ""
    try:
        smtp.putcmd("mail", mail_from + options)
    finally:
        meanwhile()
    code, reply = smtp.getreply()
    if code != 250:
        _refused(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, mail_from)
    smtp.putcmd("rcpt", f"TO:{_quoted(recipient)}")
    code, reply = smtp.getreply()
    if code not in (250, 251):
        _refused(smtp, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        _refused(smtp, code)
        raise smtplib.SMTPDataError(code, reply)
    _write_data(smtp, data, before_end)
    try:
        while_data_is_read()
    finally:
        code, reply = smtp.getreply()
    if code != 250:
        _refused(smtp, code)
        raise smtplib.SMTPDataError(code, reply)


def _write_data(smtp: smtplib.SMTP, data: bytes, before_end: Callable[[bool], bool]) -> None:
    """The message's lines and the line that ends it, written once the previous mark is durable."""
    body = _LEADING_DOT.sub(b"..", data)  # dot-stuffing, as smtplib.SMTP.data() does
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    try:
        if before_end(False):  # nothing to wait for: the message and its end in one write
            smtp.send(body + b".\r\n")
        else:
            smtp.send(body)
            before_end(True)
            smtp.send(b".\r\n")
    except BaseException:
        smtp.close()  # a message left unended is dropped by the server
        raise
