"""Shared fixtures (DESIGN §10): app, db, client, login_as, smtp_server, query_budget.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set
(`make test` sets it when PostgreSQL answers; CI requires it). The schema is built by
running the real migrations, never by create_all(), so the migrations are what is tested.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import make_url, text

from app import create_app
from app.db import query_counter
from app.extensions import db as _db
from app.extensions import limiter
from config import TestConfig
from tests import factories
from tests.sweep.support import signed_in

POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))
# Child processes the tests start (worker, flask CLI) build the app from the environment, which
# must name its configuration (config.select_config fails closed).
os.environ.setdefault("PORTAL_ENV", "development")


def _admin(url):
    from sqlalchemy import create_engine

    return create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """SQLite: a fresh file. PostgreSQL: a fresh database of this run's own on the server
    named by TEST_DATABASE_URL (created and dropped here), so runs never share a schema."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        # A file, not :memory:, so the live server thread and the worker share it.
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    base = make_url(url)
    name = f"{base.database}_run_{os.getpid()}"
    admin = _admin(base)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def app(database_url):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    application = create_app(Config)
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _empty_tables(app) -> None:
    with app.app_context():
        _db.session.remove()
        tables = list(_db.metadata.sorted_tables)
        if _db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            with _db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            with _db.engine.begin() as conn:
                for table in reversed(tables):
                    conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _isolation(app):
    """Every test starts with empty tables, fresh rate limits and the original config."""
    saved = dict(app.config)
    limiter.reset()
    yield
    app.config.clear()
    app.config.update(saved)
    _empty_tables(app)


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db
        _db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(app, db, client):
    """login_as("staff") creates a user with that role and signs the test client in."""

    def _login(role_or_user="member", **kwargs):
        user = role_or_user if not isinstance(role_or_user, str) else factories.user(role=role_or_user, **kwargs)
        db.session.commit()
        with client.session_transaction() as session:
            signed_in(session, user)
        return user

    return _login


# --- SMTP -----------------------------------------------------------------------------


@dataclass
class SMTPSink:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list = field(default_factory=list)
    reject: dict[str, tuple[int, str]] = field(default_factory=dict)  # rcpt -> (code, reply)
    connections: int = 0  # counted by EHLO/HELO greetings: one per SMTP connection
    # Called with each message's envelope once its last line has arrived, before the server
    # accepts it (runs on the server's thread; an exception there fails the message with a 451).
    on_data: Callable[[Any], None] | None = None

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]


class _Handler:
    def __init__(self, sink: SMTPSink) -> None:
        self.sink = sink

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sink.connections += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        self.sink.connections += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.sink.reject:
            code, reply = self.sink.reject[address]
            return f"{code} {reply}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.sink.on_data is not None:
            try:
                self.sink.on_data(envelope)
            except Exception as exc:  # the test's check failed: let the worker see a refusal
                return f"451 check failed: {exc!r}"[:500]
        self.sink.envelopes.append(envelope)
        self.sink.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server (aiosmtpd) on a free port; the app sends its mail there."""
    sink = SMTPSink("127.0.0.1", free_port())
    controller = Controller(_Handler(sink), hostname=sink.host, port=sink.port)
    controller.start()
    app.config.update(MAIL_SERVER=sink.host, MAIL_PORT=sink.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False)
    from app.extensions import mail

    mail.init_app(app)  # Flask-Mail copies settings at init
    try:
        yield sink
    finally:
        controller.stop()
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
        mail.init_app(app)


def body_of(message: EmailMessage, subtype: str = "plain") -> str:
    part = message.get_body(preferencelist=(subtype,))
    return part.get_content() if part is not None else ""


# --- query budget ---------------------------------------------------------------------


@pytest.fixture
def query_budget():
    """with query_budget(6): client.get(...)  — fails if the block runs more SQL statements.

    Requests reset the per-thread counter when they start, so the count read after the
    block is the last request's statements (the test client runs in this thread)."""

    @contextlib.contextmanager
    def _budget(limit: int):
        query_counter.reset()
        holder = {}
        yield holder
        holder["count"] = query_counter.count
        assert query_counter.count <= limit, f"{query_counter.count} SQL statements, budget {limit}"

    return _budget


# --- live server for the browser tests -------------------------------------------------


@dataclass
class LiveServer:
    url: str
    thread: threading.Thread
    server: object


@pytest.fixture(scope="session")
def live_server(app):
    from werkzeug.serving import make_server

    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(f"http://127.0.0.1:{port}", thread, server)
    server.shutdown()
