"""A small real IMAP4rev1 server (the commands imaplib uses to read and empty a mailbox: CAPABILITY,
LOGIN, SELECT, SEARCH ALL, FETCH (RFC822), STORE +FLAGS \\Deleted, EXPUNGE, LOGOUT) on a free port, for
the bounce mailbox tests."""

from __future__ import annotations

import re
import socketserver

from tests.mail.pop3_server import LocalMailServer, Mailbox


class _Session(socketserver.StreamRequestHandler):
    def _say(self, line: str | bytes) -> None:
        self.wfile.write((line if isinstance(line, bytes) else line.encode()) + b"\r\n")

    def handle(self) -> None:
        self.box: Mailbox = self.server.mailbox  # type: ignore[attr-defined]
        self.deleted: set[int] = set()
        self.authed = False
        self._say("* OK [CAPABILITY IMAP4rev1] test IMAP server ready")
        for raw in self.rfile:
            tag, _, rest = raw.decode().strip().partition(" ")
            command, _, args = rest.partition(" ")
            if self._command(tag, command.upper(), args):
                return

    def _command(self, tag: str, command: str, args: str) -> bool:
        if command == "CAPABILITY":
            self._say("* CAPABILITY IMAP4rev1")
        elif command == "LOGIN":
            user, password = (part.strip('"') for part in args.split(" ", 1))
            self.authed = (user, password) == (self.box.user, self.box.password)
            self.box.logins += self.authed
            self._say(f"{tag} {'OK' if self.authed else 'NO'} LOGIN {'completed' if self.authed else 'failed'}")
            return False
        elif command == "LOGOUT":
            self._say("* BYE")
            self._say(f"{tag} OK LOGOUT completed")
            return True
        elif not self.authed:
            self._say(f"{tag} NO sign in first")
            return False
        else:
            self._mailbox_command(command, args)
        self._say(f"{tag} OK {command} completed")
        return False

    def _mailbox_command(self, command: str, args: str) -> None:
        messages = self.box.messages
        if command == "SELECT":
            self._say(f"* {len(messages)} EXISTS")
        elif command == "SEARCH":
            self._say("* SEARCH " + " ".join(str(n) for n in range(1, len(messages) + 1)))
        elif command == "FETCH":
            number = int(args.split(" ", 1)[0])
            body = messages[number - 1]
            self.wfile.write(f"* {number} FETCH (RFC822 {{{len(body)}}}\r\n".encode() + body + b")\r\n")
        elif command == "STORE" and re.search(r"\\Deleted", args):
            number = int(args.split(" ", 1)[0])
            self.deleted.add(number)
            self._say(f"* {number} FETCH (FLAGS (\\Deleted))")
        elif command == "EXPUNGE":
            for number in sorted(self.deleted, reverse=True):
                del messages[number - 1]
                self._say(f"* {number} EXPUNGE")
            self.deleted.clear()


class ImapServer(LocalMailServer):
    session = _Session
    scheme = "imap"
    path = "/INBOX"
