"""DKIM signing with dkimpy when a key is configured (issue 19): the message the server receives
verifies against the public key published in DNS (given to dkimpy's verifier directly here)."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess

import dkim
import pytest

from app.mail import enqueue
from app.mail.worker import drain_outbox
from app.mailing import services
from tests.factories import mailing as mf

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a key")


@pytest.fixture
def dkim_key(app, tmp_path):
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    public = subprocess.run(["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"], check=True,
                            capture_output=True).stdout  # fmt: skip
    app.config.update(DKIM_SELECTOR="portal", DKIM_PRIVATE_KEY_PATH=str(key))
    yield b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    app.config.update(DKIM_SELECTOR=None, DKIM_PRIVATE_KEY_PATH=None)


def _verifies(raw: bytes, record: bytes) -> bool:
    def dns(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"portal._domainkey.example.org."
        return record

    return dkim.verify(raw, dnsfunc=dns)


def test_transactional_and_bulk_mail_are_signed(app, client, db, smtp_server, dkim_key, login_as):
    with app.test_request_context():
        enqueue("bulletin_test", to="amina@example.org", subject="[Test] Hello", text="Hello", html="<p>Hello</p>")
    mf.subscriber(email="reader@example.org")
    bulletin = mf.bulletin()
    db.session.commit()
    with app.test_request_context():
        bulletin.link_base = services.link_base()
        services.queue_bulletin(bulletin)
    db.session.commit()
    assert drain_outbox().sent == 2
    envelopes = smtp_server.envelopes
    assert len(envelopes) == 2
    for envelope in envelopes:
        raw = envelope.original_content
        assert raw.startswith(b"DKIM-Signature:")
        assert re.search(rb"d=example\.org;", raw) and re.search(rb"s=portal;", raw)
        assert _verifies(raw, dkim_key)
        assert not _verifies(raw.replace(b"Subject:", b"Subject: changed"), dkim_key)
