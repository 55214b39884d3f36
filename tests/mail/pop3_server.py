"""A small real POP3 server (RFC 1939: USER, PASS, STAT, LIST, RETR, DELE, NOOP, RSET, QUIT) on a
free port, for the bounce mailbox tests: the worker's poplib client talks to it over TCP."""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class Mailbox:
    user: str = "bounces"
    password: str = "secret"
    messages: list[bytes] = field(default_factory=list)
    logins: int = 0


class _Session(socketserver.StreamRequestHandler):
    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        box: Mailbox = self.server.mailbox  # type: ignore[attr-defined]
        deleted: set[int] = set()
        user = None
        authed = False
        self._say("+OK test POP3 server ready")
        for raw in self.rfile:
            command, _, arg = raw.decode().strip().partition(" ")
            command = command.upper()
            if command == "USER":
                user = arg
                self._say("+OK")
            elif command == "PASS":
                authed = user == box.user and arg == box.password
                box.logins += authed
                self._say("+OK logged in" if authed else "-ERR wrong user or password")
            elif command == "QUIT":
                if authed:
                    box.messages[:] = [m for n, m in enumerate(box.messages, 1) if n not in deleted]
                self._say("+OK bye")
                return
            elif not authed:
                self._say("-ERR sign in first")
            elif command == "STAT":
                live = [m for n, m in enumerate(box.messages, 1) if n not in deleted]
                self._say(f"+OK {len(live)} {sum(map(len, live))}")
            elif command == "RETR":
                message = box.messages[int(arg) - 1]
                self._say(f"+OK {len(message)} octets")
                for line in message.replace(b"\r\n", b"\n").split(b"\n"):
                    self.wfile.write((b"." + line if line.startswith(b".") else line) + b"\r\n")
                self._say(".")
            elif command == "DELE":
                deleted.add(int(arg))
                self._say("+OK deleted")
            elif command in ("NOOP", "RSET"):
                if command == "RSET":
                    deleted.clear()
                self._say("+OK")
            else:
                self._say("-ERR unknown command")


class LocalMailServer(socketserver.ThreadingTCPServer):
    """A mailbox served on a free loopback port in a thread, as a context manager; each protocol's
    subclass names its session handler and its URL scheme."""

    daemon_threads = True
    allow_reuse_address = True
    session: type[socketserver.BaseRequestHandler]
    scheme = ""
    path = ""

    def __init__(self, mailbox: Mailbox) -> None:
        super().__init__(("127.0.0.1", 0), self.session)
        self.mailbox = mailbox
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"{self.scheme}://{self.mailbox.user}:{self.mailbox.password}@{host}:{port}{self.path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()


class Pop3Server(LocalMailServer):
    session = _Session
    scheme = "pop3"
