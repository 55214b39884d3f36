"""SplicedMessage: a message encoded once, each recipient's values spliced into its bytes."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from app.mail.bulk import PIECE, SplicedMessage

TOKEN = "TOKENMARK"
DATE = "Sat, 21 Nov 2026 11:44:42 GMT"
REAL_TOKEN = "eyJzaWQiOjEsImsiOiIzYzRjYmM4ZmE3YTU5N2Q0In0.awGEKg.fiV-t1ZBv3cVjTt7VS3L9pApR5I"


def _message(text: str, html: str | None, width: int = 90) -> SplicedMessage:
    return SplicedMessage(
        sender="Community Network Portal <noreply@example.org>",
        subject="Café news: a subject long enough that the email package has to fold it onto two lines",
        text=text,
        html=html,
        headers={"List-Id": "Café news <bulletins.portal>", "Precedence": "bulk"},
        recipient_headers={"List-Unsubscribe": f"<https://portal.example/u/{TOKEN}>, <mailto:n@example.org>"},
        fields={"token": (TOKEN, width)},
    )


def _lines(raw: bytes) -> list[bytes]:
    assert b"\n" not in raw.replace(b"\r\n", b"")  # every line ends CRLF, no bare LF or CR
    assert b"\r" not in raw.replace(b"\r\n", b"")
    return raw.split(b"\r\n")


def _parts(raw: bytes) -> dict[str, tuple[str, bytes]]:
    """content type -> (transfer encoding, encoded body lines as sent)."""
    message = message_from_bytes(raw, policy=policy.default)
    return {
        part.get_content_type(): (part["Content-Transfer-Encoding"], part.get_payload(decode=False).encode())
        for part in message.walk()
        if not part.is_multipart()
    }


LONG = "word " * 300  # one 1,500-character line: too long for 7bit


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (f"Hello\nPreferences: https://portal.example/p/{TOKEN}\n", f'<p><a href="https://x/u/{TOKEN}">Leave</a></p>'),
        (f"£5,000 grants – apply now\n{LONG}{TOKEN} end\n", f'<p>Café · {LONG}</p>\n<a href="{TOKEN}">x</a>  \n'),
        (f"{TOKEN}{TOKEN}\n\n.leading dot\n", None),
        (f"=3D is not an escape here, {TOKEN}=\n\ttab at the end\t", "x" * 74 + TOKEN + "=" * 80),
    ],
)
@pytest.mark.parametrize("token", ["a" * 90, REAL_TOKEN, "", "x.y_z-~9"])
def test_spliced_message_is_valid_mime_carrying_the_values(text, html, token):
    template = _message(text, html)
    raw = template.render(to="reader@example.org", message_id="<1.abc@example.org>", date=DATE, token=token)
    lines = _lines(raw)
    assert max(map(len, lines)) <= 998
    message = message_from_bytes(raw, policy=policy.default)
    assert not message.defects and all(not part.defects for part in message.walk())
    assert message["To"] == "reader@example.org"
    assert message["Message-ID"] == "<1.abc@example.org>" and f"\r\nDate: {DATE}\r\n".encode() in raw
    assert message["Subject"].startswith("Café news: a subject long enough")
    assert message["List-Id"] == "Café news <bulletins.portal>"
    assert message["List-Unsubscribe"] == f"<https://portal.example/u/{token}>, <mailto:n@example.org>"
    assert message["MIME-Version"] == "1.0"
    plain = message.get_body(preferencelist=("plain",)).get_content()
    assert plain.replace("\r\n", "\n") == text.replace(TOKEN, token)
    if html is None:
        assert message.get_content_type() == "text/plain"
    else:
        assert message.get_content_type() == "multipart/alternative"
        assert message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n") == html.replace(
            TOKEN, token
        )
    for encoding, body in _parts(raw).values():
        if encoding == "quoted-printable":
            assert all(len(line) <= 76 for line in body.splitlines())
            assert not re.search(rb"[ \t]$", body, re.MULTILINE)  # no trailing whitespace
        else:
            assert encoding == "7bit" and body.isascii()


def test_ascii_short_lines_stay_readable_7bit_and_the_rest_is_quoted_printable():
    raw = _message(f"Plain words {TOKEN}", "<p>Café</p>").render(
        to="a@example.org", message_id="<1@x>", date=DATE, token="t" * 80
    )
    parts = _parts(raw)
    assert parts["text/plain"][0] == "7bit" and b"Plain words " + b"t" * 80 in raw
    assert parts["text/html"][0] == "quoted-printable" and b"Caf=C3=A9" in raw


def test_a_boundary_never_occurs_in_the_bodies():
    raw = _message("--==portal_ in the text", "<p>==portal_</p>").render(
        to="a@example.org", message_id="<1@x>", date=DATE, token="t"
    )
    boundary = re.search(rb'boundary="([^"]+)"', raw).group(1)
    assert raw.count(boundary) == 4  # the header, two part separators and the closing one
    assert len(message_from_bytes(raw, policy=policy.default).get_payload()) == 2


@pytest.mark.parametrize(
    ("to", "token"),
    [
        ("victim@example.org\r\nBcc: other@example.org", "t"),
        ("Someone <a@example.org>", "t"),
        ("a b@example.org", "t"),
        ("zoë@example.org", "t"),
        ("no-at-sign", "t"),
        ("a@example.org", "t" * 91),  # longer than its slot
        ("a@example.org", "t\r\nBcc: x@example.org"),
        ("a@example.org", "t=3D"),
        ("a@example.org", "t/../x"),
    ],
)
def test_values_that_cannot_be_spliced_safely_are_refused(to, token):
    with pytest.raises(ValueError):
        _message("x", "y").render(to=to, message_id="<1@x>", date=DATE, token=token)


def test_header_values_cannot_break_lines():
    with pytest.raises(ValueError):
        SplicedMessage(sender="a@example.org", subject="News\r\nBcc: victim@example.org", text="x")
    with pytest.raises(ValueError):
        SplicedMessage(
            sender="a@example.org", subject="News", text="x", recipient_headers={"X-Token": f"{TOKEN}\r\nBcc: v@x"}
        )
    with pytest.raises(ValueError):
        SplicedMessage(sender="a@example.org", subject="News", text="x", recipient_headers={"X-Tök": "é"})


def test_a_token_longer_than_a_quoted_printable_line_is_cut_in_pieces():
    template = _message("é" + "a" * 70 + TOKEN, None, width=3 * PIECE + 5)
    token = "b" * (3 * PIECE + 5)
    raw = template.render(to="a@example.org", message_id="<1@x>", date=DATE, token=token)
    body = _parts(raw)["text/plain"][1]
    assert all(len(line) <= 76 for line in body.splitlines())
    assert message_from_bytes(raw, policy=policy.default).get_content().endswith(token)
