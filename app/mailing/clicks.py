"""Click counts for bulletin links (issue 19): per link per bulletin, never per person.

With `BULLETIN_CLICK_COUNTS` on (the default), each item's "Find out more" link in a bulletin's e-mail
goes through `/r/<token>`. The token is signed with the app's secret and its own salt and carries only
the bulletin's id and the target URL, never a subscriber: every recipient gets the same link, so nobody's
click can be told from anyone else's. The redirect adds one to that link's count and sends the reader on
with a 302 to exactly the signed URL (http or https only: it is no open redirect). HEAD requests (link
scanners checking mail) are sent on but not counted. The unsubscribe, preferences and web-archive links
are never rewritten, nor is the web archive itself, the staff preview or a test e-mail (staff clicks
are not readers' clicks). With the setting off, e-mails carry the original links and the redirect still
works for bulletins already sent, without counting.

There are no open-tracking pixels.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, url_for
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import ForeignKey, Integer, String, Text, and_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.mailing import bp
from app.mailing.models import Bulletin, BulletinItem
from app.security import MAX_ID, public

log = logging.getLogger(__name__)

SALT = "portal.bulletin-click"
COUNTED_STATUSES = ("sending", "paused", "sent")  # a draft's links are never counted
_NOT_IN_A_WEB_ADDRESS = re.compile(r"[\x00-\x20\x7f\\]")
MAX_URL_LENGTH = 2000


class BulletinLinkClicks(db.Model):
    """How many times one link in one bulletin was followed: no subscriber, address or time."""

    __tablename__ = "mailing_link_clicks"

    bulletin_id: Mapped[int] = mapped_column(ForeignKey("mailing_bulletins.id", ondelete="CASCADE"), primary_key=True)
    url_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of url: any length is keyed
    url: Mapped[str] = mapped_column(Text)
    clicks: Mapped[int] = mapped_column(Integer, default=0)


def click_counts_on() -> bool:
    return bool(current_app.config.get("BULLETIN_CLICK_COUNTS", True))


# --- the signed link ---------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def is_web_url(url: object) -> bool:
    """An absolute http(s) URL with a host and nothing a browser would read differently (spaces,
    control characters, backslashes)."""
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH or _NOT_IN_A_WEB_ADDRESS.search(url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


def click_token(bulletin_id: int, url: str) -> str:
    """The same token for the same link every time (no timestamp): one message serves every recipient."""
    return _serializer().dumps([bulletin_id, url])


def read_click_token(token: str) -> tuple[int, str] | None:
    """(bulletin id, URL) from a token this portal signed for a web address, else None."""
    try:
        payload = _serializer().loads(token)
    except (BadData, ValueError, TypeError):
        return None
    if not isinstance(payload, list) or len(payload) != 2:
        return None
    bulletin_id, url = payload
    if type(bulletin_id) is not int or not 0 < bulletin_id <= MAX_ID or not is_web_url(url):
        return None
    return bulletin_id, url


def counted_link(bulletin_id: int, url: str | None) -> str | None:
    """The link as a counted e-mail carries it (needs a request context: the bulletin's link base)."""
    if not url or not is_web_url(url):
        return url
    return url_for("mailing.bulletin_link", token=click_token(bulletin_id, url), _external=True)


class _Shown:
    """A row as a template sees it, with some attributes replaced; everything else is the row's."""

    def __init__(self, row, **replaced) -> None:
        self._row = row
        self.__dict__.update(replaced)

    def __getattr__(self, name: str):
        return getattr(self._row, name)


def counted_bulletin(bulletin: Bulletin):
    """The bulletin for its e-mail templates with each item's link through the counting redirect.
    Only the items' links change: the templates' own links (web archive, preferences, unsubscribe)
    are built separately and never pass through here."""
    items = [_Shown(item, link=counted_link(bulletin.id, item.link)) for item in bulletin.items]
    return _Shown(bulletin, items=items)


# --- counting ----------------------------------------------------------------------------------


def _url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def count_click(bulletin_id: int, url: str) -> None:
    """One more click on this link, atomically (no read-modify-write): an UPDATE of the existing row,
    or for the first click an INSERT that becomes the same UPDATE if another request inserted first."""
    table = BulletinLinkClicks.__table__
    this_link = and_(table.c.bulletin_id == bulletin_id, table.c.url_hash == _url_hash(url))
    if db.session.execute(update(table).where(this_link).values(clicks=table.c.clicks + 1)).rowcount:
        return
    sent = select(Bulletin.id).where(Bulletin.id == bulletin_id, Bulletin.status.in_(COUNTED_STATUSES))
    if db.session.scalar(sent) is not None:
        first_click(bulletin_id, url)


def first_click(bulletin_id: int, url: str) -> None:
    """INSERT ... ON CONFLICT DO UPDATE SET clicks = clicks + 1 (SQLite and PostgreSQL): two first
    clicks at once make one row with 2, never an error or a lost click."""
    table = BulletinLinkClicks.__table__
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    first = insert(table).values(bulletin_id=bulletin_id, url_hash=_url_hash(url), url=url, clicks=1)
    keys = [table.c.bulletin_id, table.c.url_hash]
    db.session.execute(first.on_conflict_do_update(index_elements=keys, set_={"clicks": table.c.clicks + 1}))


@bp.route("/r/<token>")
@public
def bulletin_link(token: str):
    """A link in a bulletin e-mail: count it (GET only) and send the reader on. A token that is not
    ours, was altered, or names anything but a web address is a plain 404: never a redirect."""
    found = read_click_token(token)
    if found is None:
        abort(404)
    bulletin_id, url = found
    if request.method == "GET" and click_counts_on():
        try:
            count_click(bulletin_id, url)
            db.session.commit()
        except SQLAlchemyError:  # the reader still gets where they were going
            db.session.rollback()
            log.warning("click on bulletin %s not counted", bulletin_id, exc_info=True)
    response = redirect(url, code=302)
    response.headers["Cache-Control"] = "no-store"  # every click reaches the portal
    return response


# --- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkClicks:
    label: str  # the item's heading, or the URL when no item has that link
    url: str
    clicks: int


def link_clicks(bulletin_ids: Iterable[int]) -> dict[int, list[LinkClicks]]:
    """Clicks per link for each bulletin, most clicked first (one query; bulletins with none are left out)."""
    ids = list(bulletin_ids)
    table = BulletinLinkClicks
    item = and_(BulletinItem.bulletin_id == table.bulletin_id, BulletinItem.link == table.url)
    rows = db.session.execute(
        select(table.bulletin_id, table.url_hash, table.url, table.clicks, BulletinItem.heading)
        .outerjoin(BulletinItem, item)
        .where(table.bulletin_id.in_(ids))
        .order_by(table.bulletin_id, table.clicks.desc(), table.url, BulletinItem.position)
    )
    out: dict[int, list[LinkClicks]] = {}
    seen: set[tuple[int, str]] = set()
    for bulletin_id, url_hash, url, clicks, heading in rows:
        if (bulletin_id, url_hash) in seen:  # two items with the same link: the first one names it
            continue
        seen.add((bulletin_id, url_hash))
        out.setdefault(bulletin_id, []).append(LinkClicks(heading or url, url, clicks))
    return out
