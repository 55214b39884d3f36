"""Bounces and complaints (issue 19): where they come from, how they are read, who hears of them.

- Every message leaves with a VERP return path when MAIL_BOUNCE_ADDRESS is set:
  `bounces+<id>-<signature>@domain`, so a bounce names the very message it is about.
- A refusal with a 5xx reply at send time is a hard bounce (app/mail/worker.py).
- Later bounces are delivery status notifications (RFC 3464) read by flufl.bounce, and complaints
  are feedback reports (ARF, RFC 5965); they arrive in a mailbox the worker polls
  (app/mail/mailbox.py) or a saved message given to `flask mail bounces FILE`.

Each is one `MailBounce` row; then every function registered with `@on_bounce` is called with it
(the mailing list suppresses the subscriber, pauses a bulletin that bounces too much).
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message

from flask import current_app
from flufl.bounce import all_failures
from sqlalchemy import func, select

from app.extensions import db
from app.mail.models import MailBounce, OutboxMessage

BounceHook = Callable[[MailBounce], None]
BOUNCE_HOOKS: list[BounceHook] = []


def on_bounce(func: BounceHook) -> BounceHook:
    """Register `func(bounce)`, called in the transaction that records each bounce or complaint."""
    BOUNCE_HOOKS.append(func)
    return func


# --- VERP -----------------------------------------------------------------------------------

_VERP = re.compile(r"\+(\d+)-([0-9a-f]{10})@", re.IGNORECASE)


def _signature(outbox_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"verp:{outbox_id}".encode(), hashlib.sha256).hexdigest()[:10]


def verp_address(outbox_id: int) -> str | None:
    """The return path for outbox row `outbox_id`, or None when MAIL_BOUNCE_ADDRESS is not set."""
    base = current_app.config.get("MAIL_BOUNCE_ADDRESS")
    if not base or "@" not in base:
        return None
    local, _, domain = base.rpartition("@")
    return f"{local}+{outbox_id}-{_signature(outbox_id)}@{domain}"


def verp_id(address: str) -> int | None:
    """The outbox row a VERP address names, if its signature is right."""
    match = _VERP.search(address or "")
    if not match:
        return None
    outbox_id = int(match.group(1))
    return outbox_id if hmac.compare_digest(match.group(2).lower(), _signature(outbox_id)) else None


# --- recording ------------------------------------------------------------------------------


def record_bounce(
    kind: str, to_addr: str, *, row: OutboxMessage | None = None, source: str, detail: str | None = None
) -> MailBounce:
    """One bounce or complaint, added to the session, and every hook told of it."""
    bounce = MailBounce(
        kind=kind,
        to_addr=to_addr,
        outbox_id=row.id if row is not None else None,
        campaign=row.campaign if row is not None else None,
        ref_id=row.ref_id if row is not None else None,
        source=source,
        detail=(detail or "")[:2000] or None,
    )
    db.session.add(bounce)
    for hook in BOUNCE_HOOKS:
        hook(bounce)
    return bounce


# --- reading a bounce message ---------------------------------------------------------------


@dataclass
class Report:
    kind: str  # "hard", "soft", "complaint"
    address: str
    outbox_id: int | None
    detail: str | None


_ADDRESS_HEADERS = ("To", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "Return-Path")


def _verp_in(msg: Message) -> int | None:
    for header in _ADDRESS_HEADERS:
        for value in msg.get_all(header) or []:
            for _name, address in email.utils.getaddresses([str(value)]):
                if (found := verp_id(address)) is not None:
                    return found
    return None


def _parts(msg: Message, content_type: str) -> list[Message]:
    return [part for part in msg.walk() if part.get_content_type() == content_type]


def _original(msg: Message) -> Message | None:
    """The returned message (or its headers) inside a report."""
    for content_type in ("message/rfc822", "text/rfc822-headers"):
        for part in _parts(msg, content_type):
            payload = part.get_payload()
            if isinstance(payload, list) and payload:
                return payload[0]
            if isinstance(payload, str):
                return email.message_from_string(payload)
    return None


def _message_id_row(original: Message | None) -> int | None:
    """Bulk mail's Message-ID ends in the row's id: <bulletin.random.ROW@domain>."""
    if original is None:
        return None
    match = re.search(r"<\d+\.[0-9a-f]+\.(\d+)@", str(original.get("Message-ID", "")))
    return int(match.group(1)) if match else None


def _status_fields(msg: Message) -> dict[str, str]:
    """Status and Diagnostic-Code of a DSN's first recipient, for the record."""
    fields: dict[str, str] = {}
    for part in _parts(msg, "message/delivery-status"):
        for block in part.get_payload() or []:
            for name in ("Status", "Diagnostic-Code", "Action"):
                if block.get(name) and name not in fields:
                    fields[name] = " ".join(str(block.get(name)).split())
    return fields


def _feedback(msg: Message) -> Report | None:
    parts = _parts(msg, "message/feedback-report")
    if not parts:
        return None
    fields: dict[str, str] = {}
    payload = parts[0].get_payload()
    blocks = payload if isinstance(payload, list) else [email.message_from_string(str(payload))]
    for block in blocks:
        for name, value in block.items():
            fields.setdefault(name.lower(), " ".join(str(value).split()))
    original = _original(msg)
    address = fields.get("original-rcpt-to", "")
    if not address and original is not None:
        address = email.utils.parseaddr(str(original.get("To", "")))[1]
    address = email.utils.parseaddr(address.removeprefix("rfc822;").strip())[1]
    outbox_id = _verp_in(msg) or (_verp_in(original) if original is not None else None) or _message_id_row(original)
    detail = f"Complaint ({fields.get('feedback-type', 'abuse')}) from {fields.get('user-agent', 'a mail provider')}"
    return Report("complaint", address, outbox_id, detail)


def read_reports(raw: bytes) -> list[Report]:
    """What a message in the bounce mailbox says: a complaint, failed recipients, or nothing."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    complaint = _feedback(msg)
    if complaint is not None:
        return [complaint] if complaint.address or complaint.outbox_id else []
    temporary, permanent = all_failures(msg)
    fields = _status_fields(msg)
    detail = " ".join(fields[k] for k in ("Status", "Diagnostic-Code") if k in fields) or None
    outbox_id = _verp_in(msg) or _message_id_row(_original(msg))
    reports = [Report("hard", a.decode(errors="replace"), outbox_id, detail) for a in sorted(permanent)]
    reports += [Report("soft", a.decode(errors="replace"), outbox_id, detail) for a in sorted(temporary - permanent)]
    if not reports and outbox_id is not None and fields.get("Action", "").lower() == "failed":
        reports.append(Report("hard", "", outbox_id, detail))
    return reports


def _row_for(report: Report) -> OutboxMessage | None:
    if report.outbox_id is not None:
        row = db.session.get(OutboxMessage, report.outbox_id)
        if row is not None and (not report.address or row.to_addr.lower() == report.address.lower()):
            return row
    if not report.address:
        return None
    return db.session.scalar(
        select(OutboxMessage)
        .where(func.lower(OutboxMessage.to_addr) == report.address.lower(), OutboxMessage.status == "sent")
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


def process_message(raw: bytes, source: str | None = None) -> list[MailBounce]:
    """Record what one bounce-mailbox message reports (the caller commits)."""
    bounces = []
    for report in read_reports(raw):
        row = _row_for(report)
        address = report.address or (row.to_addr if row is not None else "")
        if not address:
            continue
        kind_source = source or ("arf" if report.kind == "complaint" else "dsn")
        bounces.append(record_bounce(report.kind, address, row=row, source=kind_source, detail=report.detail))
    return bounces


# --- an ESP's webhook -------------------------------------------------------------------------

WEBHOOK_KINDS = {"bounce": "hard", "hard_bounce": "hard", "soft_bounce": "soft", "complaint": "complaint"}


def process_webhook(events: object) -> int:
    """Events an e-mail provider reports, in the portal's own small format (docs/deployment.md):
    {"events": [{"type": "bounce" | "soft_bounce" | "complaint", "email": "...", "outbox_id": 12,
    "detail": "..."}]}. Returns how many were recorded; anything else is ignored."""
    items = events.get("events") if isinstance(events, dict) else None
    recorded = 0
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or item.get("type") not in WEBHOOK_KINDS:
            continue
        address = str(item.get("email") or "")[:254]
        outbox_id = item.get("outbox_id") if isinstance(item.get("outbox_id"), int) else None
        report = Report(WEBHOOK_KINDS[item["type"]], address, outbox_id, str(item.get("detail") or "")[:500] or None)
        row = _row_for(report)
        address = report.address or (row.to_addr if row is not None else "")
        if address:
            record_bounce(report.kind, address, row=row, source="webhook", detail=report.detail)
            recorded += 1
    return recorded
