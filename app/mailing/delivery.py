"""Renders bulletins for the outbox worker: one render per batch, per-recipient links."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.mail.service import clean_header
from app.mail.worker import Rendered, register_campaign
from app.mailing import services
from app.mailing.models import Bulletin, Subscriber

_PLACEHOLDER = "MANAGETOKENPLACEHOLDER"
NOT_SENT = "Not sent: the address left the mailing list before this bulletin reached it"


def render_bulletin(bulletin: Bulletin, *, base_url: str | None = None, token: str = _PLACEHOLDER) -> dict[str, str]:
    """Text and HTML of a bulletin e-mail. Without a request (the worker) links are built
    from the address stored when the bulletin was sent (`link_base`)."""
    base_url = base_url or bulletin.link_base or "http://localhost/"
    with current_app.test_request_context("/", base_url=base_url):
        context = {
            "bulletin": bulletin,
            "subject": bulletin.title,
            "web_url": url_for("mailing.bulletin", slug=bulletin.slug, _external=True),
            "preferences_url": url_for("mailing.preferences", token=token, _external=True),
            "unsubscribe_url": url_for("mailing.unsubscribe", token=token, _external=True),
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


def _subscriber_id(row: OutboxMessage) -> int | None:
    try:
        return int((row.dedupe_key or "").rsplit(":", 1)[1])
    except (IndexError, ValueError):
        return None


class BulletinBatch:
    """One batch of one bulletin: the bulletin rendered once, subscribers loaded in one query."""

    def __init__(self, rows: list[OutboxMessage]) -> None:
        bulletin_id = int(rows[0].campaign.split(":", 1)[1])
        self.bulletin = db.session.get(Bulletin, bulletin_id)
        ids = [sid for sid in (_subscriber_id(r) for r in rows) if sid is not None]
        self.subscribers = {s.id: s for s in db.session.scalars(select(Subscriber).where(Subscriber.id.in_(ids)))}
        self.template = render_bulletin(self.bulletin) if self.bulletin else None
        host = (current_app.config.get("SERVER_NAME") or "portal").split(":")[0]
        self.list_id = f"{self.bulletin.title if self.bulletin else 'Bulletin'} <bulletins.{host}>"

    def _subscriber(self, row: OutboxMessage) -> Subscriber | None:
        subscriber = self.subscribers.get(_subscriber_id(row))
        if subscriber is None or subscriber.status != "confirmed" or subscriber.email != row.to_addr:
            return None
        return subscriber

    def render(self, row: OutboxMessage) -> Rendered | str:
        subscriber = self._subscriber(row)
        if subscriber is None or self.template is None:
            return NOT_SENT
        token = services.manage_token(subscriber)
        text = self.template["text"].replace(_PLACEHOLDER, token)
        html = self.template["html"].replace(_PLACEHOLDER, token)
        unsubscribe_url = self.template["unsubscribe_url"].replace(_PLACEHOLDER, token)
        return Rendered(text=text, html=html, headers=list_headers(unsubscribe_url, self.list_id))

    def after(self, row: OutboxMessage, error: str | None, permanent: bool) -> None:
        subscriber = self.subscribers.get(_subscriber_id(row))
        if subscriber is None or self.bulletin is None:
            return
        if error is None:
            if subscriber.bounce_count:
                subscriber.bounce_count = 0
            return
        if permanent and subscriber.last_bounce_bulletin_id != self.bulletin.id:
            subscriber.bounce_count += 1
            subscriber.last_bounce_bulletin_id = self.bulletin.id
            if subscriber.bounce_count >= 3 and subscriber.status == "confirmed":
                subscriber.status = "bouncing"


register_campaign("bulletin", BulletinBatch)
