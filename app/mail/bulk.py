"""Bulk messages built once and spliced per recipient (issue 4's speed target).

Building a MIME message with Python's `email` package costs 10–25 ms for a bulletin, far more than
sending it to a local server. A bulk message is the same for every recipient except a few short
values (the address, a Message-ID, a signed token in its links), so `SplicedMessage` builds and
encodes the message once, as bytes with slots for those values, and `render()` only joins bytes.

The encoding keeps every slot intact and every line within the limits whatever the recipient's
values are:

- headers with a per-recipient value are written by hand and must be plain ASCII (they are ours:
  the address, `List-Unsubscribe`); every other header is folded and encoded by the `email`
  package, once;
- a body part that is ASCII with short lines is sent as 7bit, anything else as quoted-printable
  produced here, treating each slot as an unbreakable run as wide as its longest allowed value.
  Slot values may hold only letters, digits and `-._~`, which quoted-printable leaves as they are,
  and long values (a token is about 80 characters, longer than a quoted-printable line) are cut into
  pieces of at most `PIECE` characters with a possible soft line break between them.

`render()` refuses (ValueError) a value it cannot place safely: a line break or space in the address,
a character outside the allowed set, a value longer than its slot. Callers then fall back to the
`email` package for that one message.
"""

from __future__ import annotations

import math
import re
import secrets
from email import policy

PIECE = 32  # characters of a slot value between two places a soft line break may fall
_QP_LINE = 76  # quoted-printable line limit (RFC 2045), including a soft break's "="
_MAX_LINE = 998  # any line, without CRLF (RFC 5322)
_SAFE_VALUE = re.compile(r"[A-Za-z0-9._~-]*\Z")
_ADDRESS = re.compile(r"[\x21-\x7e]+@[\x21-\x7e]+\Z")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_QP_LITERAL = frozenset(range(33, 127)) - {ord("=")}
_CRLF = b"\r\n"


class _Slot(str):
    """A place in the template filled per recipient (a subclass of str, so parts stay a flat list)."""


def _fold(name: str, value: str) -> bytes:
    """One header, folded and RFC 2047-encoded by the email package (raises ValueError on CR/LF)."""
    name, header = policy.SMTP.header_store_parse(name, value)
    return header.fold(policy=policy.SMTP).encode("ascii")


class SplicedMessage:
    """A text (+ HTML) message with per-recipient slots, encoded once.

    `fields` maps a field name to (marker, maximum length): every occurrence of the marker in
    `text`, `html` and `recipient_headers` values is that recipient's value at render time.
    `recipient_headers` are headers that contain markers (ASCII only, no line breaks).
    """

    def __init__(
        self,
        *,
        sender: str,
        subject: str,
        text: str,
        html: str | None = None,
        headers: dict[str, str] | None = None,
        recipient_headers: dict[str, str] | None = None,
        fields: dict[str, tuple[str, int]] | None = None,
    ) -> None:
        self.fields = dict(fields or {})
        self.pieces = {name: max(1, math.ceil(width / PIECE)) for name, (_m, width) in self.fields.items()}
        self.widths = {name: width for name, (_m, width) in self.fields.items()}
        parts: list[bytes | _Slot] = []
        head = [
            _fold("From", sender),
            b"To: ",
            _Slot("to"),
            _CRLF,
            _fold("Subject", subject),
            b"Date: ",
            _Slot("date"),
            _CRLF,
            b"Message-ID: ",
            _Slot("message_id"),
            _CRLF,
            b"MIME-Version: 1.0\r\n",
        ]
        parts += head
        for name, value in (recipient_headers or {}).items():
            parts += self._raw_header(name, value)
        for name, value in (headers or {}).items():
            parts.append(_fold(name, value))
        text_part = self._body(text)
        if html is None:
            parts += [b'Content-Type: text/plain; charset="utf-8"\r\n', *text_part]
        else:
            html_part = self._body(html, subtype="html")
            boundary = self._boundary(text_part + html_part)
            parts += [
                f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'.encode("ascii"),
                f'--{boundary}\r\nContent-Type: text/plain; charset="utf-8"\r\n'.encode("ascii"),
                *text_part,
                f'\r\n--{boundary}\r\nContent-Type: text/html; charset="utf-8"\r\n'.encode("ascii"),
                *html_part,
                f"\r\n--{boundary}--\r\n".encode("ascii"),
            ]
        self.parts = _merge(parts)

    # --- building ---------------------------------------------------------------------------

    def _split(self, value: str) -> list[str | _Slot]:
        """Text cut at markers: literal strings and one slot per piece of each field."""
        out: list[str | _Slot] = [value]
        for name, (marker, _width) in self.fields.items():
            slots = [_Slot(f"{name}.{n}") for n in range(self.pieces[name])]
            nxt: list[str | _Slot] = []
            for chunk in out:
                if isinstance(chunk, _Slot):
                    nxt.append(chunk)
                    continue
                for n, literal in enumerate(chunk.split(marker)):
                    if n:
                        nxt += slots
                    nxt.append(literal)
            out = nxt
        return [c for c in out if c]

    def _width(self, slot: _Slot) -> int:
        name, _, n = slot.partition(".")
        if name not in self.widths:
            raise ValueError(f"slot {slot!r} cannot be in a body")
        last = self.pieces[name] - 1
        return PIECE if int(n) < last else self.widths[name] - PIECE * last

    def _raw_header(self, name: str, value: str) -> list[bytes | _Slot]:
        if not re.fullmatch(r"[!-9;-~]+", name) or not value.isascii() or _LINE_BREAK.search(value):
            raise ValueError(f"header {name!r} must be ASCII on one line")
        out: list[bytes | _Slot] = [f"{name}: ".encode("ascii")]
        for chunk in self._split(value.replace(", ", ",\r\n ")):  # fold between list members
            out.append(chunk if isinstance(chunk, _Slot) else chunk.encode("ascii"))
        out.append(_CRLF)
        return out

    def _body(self, text: str, subtype: str = "plain") -> list[bytes | _Slot]:
        lines = [self._split(line) for line in _LINE_BREAK.split(text)]
        seven_bit = text.isascii() and "\x00" not in text
        if seven_bit:
            for line in lines:
                width = sum(self._width(c) if isinstance(c, _Slot) else len(c) for c in line)
                if width > _MAX_LINE:
                    seven_bit = False
                    break
        out: list[bytes | _Slot] = []
        if seven_bit:
            out.append(b"Content-Transfer-Encoding: 7bit\r\n\r\n")
            for n, line in enumerate(lines):
                if n:
                    out.append(_CRLF)
                out += [c if isinstance(c, _Slot) else c.encode("ascii") for c in line]
            return out
        out.append(b"Content-Transfer-Encoding: quoted-printable\r\n\r\n")
        for n, line in enumerate(lines):
            if n:
                out.append(_CRLF)
            out += self._quoted_printable(line)
        return out

    def _quoted_printable(self, line: list[str | _Slot]) -> list[bytes | _Slot]:
        units: list[tuple[bytes | _Slot, int]] = []
        for chunk in line:
            if isinstance(chunk, _Slot):
                units.append((chunk, self._width(chunk)))
                continue
            for byte in chunk.encode("utf-8"):
                if byte in _QP_LITERAL or byte in (0x20, 0x09):
                    units.append((bytes((byte,)), 1))
                else:
                    units.append((b"=%02X" % byte, 3))
        if units and units[-1][0] in (b" ", b"\t"):  # whitespace at the end of a line is encoded
            units[-1] = (b"=%02X" % units[-1][0][0], 3)
        out: list[bytes | _Slot] = []
        used = 0
        for unit, width in units:
            if used + width > _QP_LINE - 1:  # room for the soft break's "="
                out.append(b"=\r\n")
                used = 0
            out.append(unit)
            used += width
        return out

    @staticmethod
    def _boundary(parts: list[bytes | _Slot]) -> str:
        body = b"".join(p for p in parts if not isinstance(p, _Slot))
        while True:
            boundary = "==portal_" + secrets.token_hex(12)
            if boundary.encode("ascii") not in body:
                return boundary

    # --- per recipient ----------------------------------------------------------------------

    def render(self, *, to: str, message_id: str, date: str, **values: str) -> bytes:
        """The whole message for one recipient, CRLF line ends, ready for SMTP DATA."""
        if not _ADDRESS.match(to) or any(c in to for c in '<>,;"\\()'):
            raise ValueError("the address cannot be written into a header as it is")
        if not re.fullmatch(r"<[\x21-\x7e]+>", message_id) or _LINE_BREAK.search(date) or not date.isascii():
            raise ValueError("bad Message-ID or Date")
        filled: dict[str, bytes] = {"to": to.encode(), "message_id": message_id.encode(), "date": date.encode()}
        for name, (_marker, width) in self.fields.items():
            value = values[name]
            if len(value) > width or not _SAFE_VALUE.match(value):
                raise ValueError(f"{name} does not fit its slot")
            for n in range(self.pieces[name]):
                last = n == self.pieces[name] - 1
                filled[f"{name}.{n}"] = value[n * PIECE : None if last else (n + 1) * PIECE].encode("ascii")
        return b"".join(filled[p] if isinstance(p, _Slot) else p for p in self.parts)


def _merge(parts: list[bytes | _Slot]) -> list[bytes | _Slot]:
    """Adjacent literal bytes joined, so render() joins a short list."""
    out: list[bytes | _Slot] = []
    run: list[bytes] = []
    for part in parts:
        if isinstance(part, _Slot):
            if run:
                out.append(b"".join(run))
                run = []
            out.append(part)
        else:
            run.append(part)
    if run:
        out.append(b"".join(run))
    return out
