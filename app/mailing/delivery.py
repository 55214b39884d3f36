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
from app.i18n import LANGUAGES, SOURCE, current_language, language
from app.mail.bulk import SplicedMessage
from app.mail.campaigns import Rendered, register_campaign
from app.mail.models import OutboxMessage
from app.mail.service import clean_header
from app.mailing import services, versions
from app.mailing.bounces import over_threshold, pause_for_bounces
from app.mailing.clicks import click_counts_on, counted_bulletin
from app.mailing.models import Bulletin, Subscriber

log = logging.getLogger(__name__)

_PLACEHOLDER = "MANAGETOKENPLACEHOLDER"
NOT_SENT = "Not sent: the address left the mailing list before this bulletin reached it"


def render_bulletin(
    bulletin: Bulletin,
    *,
    base_url: str | None = None,
    token: str = _PLACEHOLDER,
    clicks: bool = False,
    code: str | None = None,
) -> dict[str, str]:
    """Text and HTML of a bulletin e-mail. Without a request (the worker) links are built
    from the address stored when the bulletin was sent (`link_base`). `clicks`: items' links go
    through the counting redirect (app/mailing/clicks.py; only what subscribers are sent).

    `code`: the reader's language; they get that version of the bulletin when staff wrote one, else
    English, and the whole e-mail is in the version's language (`language` in the result). Without
    `code` the language is the real request's (a staff preview or test), English in the worker: it is
    chosen before the stand-in request below, which has no `?lang=` of its own and would otherwise
    choose for the whole page (issue 22)."""
    base_url = base_url or bulletin.link_base or "http://localhost/"
    written_in = language(versions.version_code(bulletin, code or current_language().code))
    shown = versions.shown_in(bulletin, written_in.code)
    with current_app.test_request_context("/", base_url=base_url), force_locale(written_in.babel):
        context = {
            "bulletin": counted_bulletin(shown) if clicks else shown,
            "subject": shown.title,
            "mail_language": written_in,
            "web_url": _archive_url(bulletin, written_in.code, own=True),
            "other_versions": [
                {"language": other, "url": _archive_url(bulletin, other.code)}
                for other in versions.available(bulletin)
                if other.code != written_in.code
            ],
            "preferences_url": url_for("mailing.preferences", token=token, _external=True),
            "unsubscribe_url": url_for("mailing.unsubscribe", token=token, b=bulletin.id, _external=True),
            "signup_url": url_for("mailing.signup", _external=True),
        }
        return {
            "text": render_template("email/bulletin.txt", **context),
            "html": render_template("email/bulletin.html", **context),
            "unsubscribe_url": context["unsubscribe_url"],
            "subject": clean_header(shown.title),
            "language": written_in.tag,
            "code": written_in.code,
        }


def _archive_url(bulletin: Bulletin, code: str, own: bool = False) -> str:
    """A version's page in the web archive; `?lang=` also puts the page around it in that language.
    The English e-mail's own "read online" link has none: the reader's page language stays theirs."""
    if own and code == SOURCE.code:
        return url_for("mailing.bulletin", slug=bulletin.slug, _external=True)
    return url_for("mailing.bulletin", slug=bulletin.slug, lang=code, _external=True)


def list_headers(
    unsubscribe_url: str, list_id: str | None = None, content_language: str | None = None
) -> dict[str, str]:
    mailto = current_app.config["CONTACT_EMAIL"]
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>, <mailto:{mailto}?subject=unsubscribe>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Precedence": "bulk",
        "Auto-Submitted": "auto-generated",
    }
    if list_id:
        headers["List-Id"] = list_id
    if content_language:
        headers["Content-Language"] = content_language
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


def _prepared(
    bulletin: Bulletin, code: str, subject: str, list_id: str, tokens
) -> tuple[dict[str, str], SplicedMessage | None]:
    """The bulletin's message in version `code`, rendered and encoded once (per version)."""
    width = max(map(len, tokens), default=1)
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    clicks = click_counts_on()
    key = (bulletin.id, code, bulletin.updated_at, bulletin.link_base, subject, list_id, sender, clicks)
    prepared = current_app.extensions.setdefault("bulletin_messages", {})
    cached = prepared.get(key)
    if cached is not None and not bulletin.editable and (cached[1] is None or cached[1].widths["token"] >= width):
        return cached
    template = render_bulletin(bulletin, clicks=clicks, code=code)
    headers = list_headers(template["unsubscribe_url"], list_id, template["language"])
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
    if len(prepared) >= 4 * len(LANGUAGES):
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
        self.sign = services.manage_token_maker()
        self.smtp = bool(current_app.config.get("MAIL_SERVER"))
        if self.smtp:
            self.date = email.utils.formatdate(usegmt=True)
            self.message_id = f"{bulletin_id}.{secrets.token_hex(6)}.{{}}@{_mail_domain()}"
        # One render (and one encoded message) per version this batch's recipients read (issue 22),
        # made when its first recipient comes up: code -> (template, spliced or None).
        self.prepared: dict[str, tuple[dict[str, str], SplicedMessage | None]] = {}

    def _version(self, subscriber: Subscriber) -> tuple[dict[str, str], SplicedMessage | None]:
        code = versions.version_code(self.bulletin, subscriber.language)
        if code not in self.prepared:
            if self.smtp:
                subject = clean_header(versions.shown_in(self.bulletin, code).title)
                self.prepared[code] = _prepared(self.bulletin, code, subject, self.list_id, self._sample_tokens())
            else:
                self.prepared[code] = (render_bulletin(self.bulletin, clicks=click_counts_on(), code=code), None)
        return self.prepared[code]

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
        if subscriber is None or self.bulletin is None:
            return NOT_SENT
        template, spliced = self._version(subscriber)
        if spliced is not None and row.subject == template["subject"] and not row.headers:
            token = self.sign(subscriber)
            try:
                raw = spliced.render(
                    to=row.to_addr, message_id=f"<{self.message_id.format(row.id)}>", date=self.date, token=token
                )
            except ValueError:
                pass  # an address or token that cannot be spliced safely: built the slow way below
            else:
                return Rendered(raw=raw)
        token = self.sign(subscriber)
        text = template["text"].replace(_PLACEHOLDER, token)
        html = template["html"].replace(_PLACEHOLDER, token)
        unsubscribe_url = template["unsubscribe_url"].replace(_PLACEHOLDER, token)
        headers = list_headers(unsubscribe_url, self.list_id, template["language"])
        return Rendered(text=text, html=html, headers=headers, subject=template["subject"])

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
