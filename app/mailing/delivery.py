"""Renders bulletins for the outbox worker: one render per batch, per-recipient links."""

from __future__ import annotations

import email.utils
import logging
import secrets

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from app.extensions import db
from app.i18n import current_language
from app.mail.bulk import SplicedMessage
from app.mail.campaigns import Rendered, register_campaign
from app.mail.models import OutboxMessage
from app.mail.service import clean_header
from app.mailing import services
from app.mailing.bounces import over_threshold, pause_for_bounces
from app.mailing.clicks import click_counts_on, counted_bulletin
from app.mailing.models import Bulletin, Subscriber

log = logging.getLogger(__name__)

_PLACEHOLDER = "MANAGETOKENPLACEHOLDER"
NOT_SENT = "Not sent: the address left the mailing list before this bulletin reached it"


def render_bulletin(
    bulletin: Bulletin, *, base_url: str | None = None, token: str = _PLACEHOLDER, clicks: bool = False
) -> dict[str, str]:
    """Text and HTML of a bulletin e-mail. Without a request (the worker) links are built
    from the address stored when the bulletin was sent (`link_base`). `clicks`: items' links go
    through the counting redirect (app/mailing/clicks.py; only what subscribers are sent).

    The language is the real request's (a staff preview or test), English in the worker: it is
    chosen before the stand-in request below, which has no `?lang=` of its own and would otherwise
    choose for the whole page (issue 22)."""
    base_url = base_url or bulletin.link_base or "http://localhost/"
    lang = current_language()
    with current_app.test_request_context("/", base_url=base_url), force_locale(lang.babel):
        context = {
            "bulletin": counted_bulletin(bulletin) if clicks else bulletin,
            "subject": bulletin.title,
            "web_url": url_for("mailing.bulletin", slug=bulletin.slug, _external=True),
            "preferences_url": url_for("mailing.preferences", token=token, _external=True),
            "unsubscribe_url": url_for("mailing.unsubscribe", token=token, b=bulletin.id, _external=True),
            "signup_url": url_for("mailing.signup", _external=True),
        }
        return {
            "text": render_template("email/bulletin.txt", **context),
            "html": render_template("email/bulletin.html", **context),
            "unsubscribe_url": context["unsubscribe_url"],
        }


def list_headers(unsubscribe_url: str, list_id: str | None = None) -> dict[str, str]:
    mailto = current_app.config["CONTACT_EMAIL"]
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>, <mailto:{mailto}?subject=unsubscribe>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Precedence": "bulk",
        "Auto-Submitted": "auto-generated",
    }
    if list_id:
        headers["List-Id"] = list_id
    return {clean_header(k): clean_header(v) for k, v in headers.items()}


def list_id() -> str:
    """The mailing list's List-Id (RFC 2919): the same for every bulletin, so readers' filters keep
    working from one issue to the next (it used to carry each bulletin's title)."""
    host = (current_app.config.get("SERVER_NAME") or "portal").split(":")[0]
    return clean_header(f"{current_app.config['SERVICE_NAME']} bulletin <bulletins.{host}>")


def _mail_domain() -> str:
    return email.utils.parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1].rpartition("@")[2] or "localhost"


# A bulletin being sent cannot be edited (only drafts can), so the worker renders and encodes it
# once for all its batches, not once per batch: kept on the app (its config is in the bytes),
# keyed by everything else the bytes depend on.
_TOKEN_SLACK = 8  # room for longer tokens (more digits in an id) before the message is rebuilt


def _prepared(bulletin: Bulletin, subject: str, list_id: str, tokens) -> tuple[dict[str, str], SplicedMessage | None]:
    width = max(map(len, tokens), default=1)
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    clicks = click_counts_on()
    key = (bulletin.id, bulletin.updated_at, bulletin.link_base, subject, list_id, sender, clicks)
    prepared = current_app.extensions.setdefault("bulletin_messages", {})
    cached = prepared.get(key)
    if cached is not None and not bulletin.editable and (cached[1] is None or cached[1].widths["token"] >= width):
        return cached
    template = render_bulletin(bulletin, clicks=clicks)
    headers = list_headers(template["unsubscribe_url"], list_id)
    try:
        spliced = SplicedMessage(
            sender=sender,
            subject=subject,
            text=template["text"],
            html=template["html"],
            recipient_headers={"List-Unsubscribe": headers.pop("List-Unsubscribe")},
            headers=headers,
            fields={"token": (_PLACEHOLDER, width + _TOKEN_SLACK)},
        )
    except ValueError:  # e.g. a link base that is not plain ASCII: the email package builds each one
        log.warning("bulletin %s: building each message separately", bulletin.id, exc_info=True)
        spliced = None
    if len(prepared) >= 4:
        prepared.clear()
    prepared[key] = (template, spliced)
    return template, spliced


class BulletinBatch:
    """One batch of one bulletin: the bulletin rendered once, subscribers loaded in one query.

    Sending over SMTP, the message is also built once (app/mail/bulk.py) and each recipient's
    address, Message-ID and signed token are spliced into its bytes; capture mode keeps the
    text and HTML on the row so staff can read what was "sent"."""

    def __init__(self, rows: list[OutboxMessage]) -> None:
        bulletin_id = int(rows[0].campaign.split(":", 1)[1])
        # Items and topics only when the bulletin has to be rendered (not cached, or capture mode).
        lazy = [lazyload(Bulletin.items), lazyload(Bulletin.topics)]
        self.bulletin = db.session.get(Bulletin, bulletin_id, options=lazy)
        ids = [row.ref_id for row in rows if row.ref_id is not None]  # the subscribers
        self.subscribers = {s.id: s for s in db.session.scalars(select(Subscriber).where(Subscriber.id.in_(ids)))}
        self.list_id = list_id()
        self.halted = False  # the safety valve paused the bulletin: the worker stops this batch
        self.spliced = None
        self.sign = services.manage_token_maker()
        if self.bulletin is not None and current_app.config.get("MAIL_SERVER"):
            self.subject = rows[0].subject
            self.date = email.utils.formatdate(usegmt=True)
            self.message_id = f"{self.bulletin.id}.{secrets.token_hex(6)}.{{}}@{_mail_domain()}"
            self.template, self.spliced = _prepared(self.bulletin, self.subject, self.list_id, self._sample_tokens())
        else:
            self.template = render_bulletin(self.bulletin, clicks=click_counts_on()) if self.bulletin else None

    def _sample_tokens(self) -> list[str]:
        """Tokens as long as this batch's can be, for the width of the token slot: a token's length
        depends only on the digits of the id and the length of the key (a shorter compressed one
        is possible, never a longer one), so one per shape. Each recipient's own token is signed
        in render(), which the worker runs while the server reads the previous message; one that
        is somehow longer than its slot is built the slow way."""
        shapes: dict[tuple[int, int], Subscriber] = {}
        for subscriber in self.subscribers.values():
            shapes.setdefault((len(str(subscriber.id)), len(subscriber.token_key or "")), subscriber)
        return [self.sign(subscriber) for subscriber in shapes.values()]

    def _subscriber(self, row: OutboxMessage) -> Subscriber | None:
        subscriber = self.subscribers.get(row.ref_id)
        if subscriber is None or subscriber.status != "confirmed" or subscriber.email != row.to_addr:
            return None
        return subscriber

    def render(self, row: OutboxMessage) -> Rendered | str:
        subscriber = self._subscriber(row)
        if subscriber is None or self.template is None:
            return NOT_SENT
        if self.spliced is not None and row.subject == self.subject and not row.headers:
            token = self.sign(subscriber)
            try:
                raw = self.spliced.render(
                    to=row.to_addr, message_id=f"<{self.message_id.format(row.id)}>", date=self.date, token=token
                )
            except ValueError:
                pass  # an address or token that cannot be spliced safely: built the slow way below
            else:
                return Rendered(raw=raw)
        token = self.sign(subscriber)
        text = self.template["text"].replace(_PLACEHOLDER, token)
        html = self.template["html"].replace(_PLACEHOLDER, token)
        unsubscribe_url = self.template["unsubscribe_url"].replace(_PLACEHOLDER, token)
        return Rendered(text=text, html=html, headers=list_headers(unsubscribe_url, self.list_id))

    def after(self, row: OutboxMessage, error: str | None, permanent: bool) -> None:
        """A success resets the subscriber's bounce count; a refusal (its hard bounce is already
        recorded, app/mailing/bounces.py) may trip the safety valve."""
        subscriber = self.subscribers.get(row.ref_id)
        if subscriber is None or self.bulletin is None:
            return
        if error is None:
            if subscriber.bounce_count:
                subscriber.bounce_count = 0
            return
        if permanent and self.bulletin.status == "sending":
            pause, hard, finished = over_threshold(self.bulletin)
            if pause and pause_for_bounces(self.bulletin, hard, finished):
                self.halted = True


register_campaign("bulletin", BulletinBatch)
