"""Mailing-list objects for tests (callers commit)."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from app.mailing import services
from app.mailing.models import Bulletin, BulletinItem, Subscriber, Topic

_n = itertools.count(1)


def topics() -> list[Topic]:
    services.ensure_default_topics()
    return list(db.session.scalars(select(Topic).order_by(Topic.position)))


def subscriber(*, email=None, status="confirmed", topic_ids=None, name=None) -> Subscriber:
    n = next(_n)
    s = services.new_subscriber(
        email=email or f"reader{n}@example.org",
        name=name or f"Reader {n}",
        status=status,
        consent_at=utcnow() if status == "confirmed" else None,
        confirmed_at=utcnow() if status == "confirmed" else None,
        consent_text_version="2026-11-v1",
    )
    services.set_topics(s, topic_ids if topic_ids is not None else [topics()[0].id])
    return s


def bulletin(*, title=None, topic_list=None, items=2, status="draft") -> Bulletin:
    n = next(_n)
    title = title or f"Bulletin {n}"
    b = Bulletin(
        title=title, slug=services.unique_slug(title), intro="Welcome to this month's bulletin.", status=status
    )
    b.topics = topic_list if topic_list is not None else [topics()[0]]
    for i in range(items):
        b.items.append(
            BulletinItem(kind="news", heading=f"Item {i + 1}", body=f"Body of item {i + 1}.",
                         link=f"https://example.org/{i + 1}", position=i)
        )  # fmt: skip
    db.session.add(b)
    db.session.flush()
    return b


def confirmed_subscribers(count: int, topic_id: int) -> None:
    """Many confirmed subscribers quickly (one INSERT each table)."""
    from sqlalchemy import insert

    from app.mailing.models import Subscription

    now = utcnow()
    start = (db.session.scalar(select(db.func.max(Subscriber.id))) or 0) + 1
    rows = [
        {"id": start + i, "email": f"bulk{start + i}@example.org", "name": f"Bulk {i}", "status": "confirmed",
         "lawful_basis": "consent", "source": "import", "token_key": f"k{i:015d}", "created_at": now,
         "consent_at": now, "confirmed_at": now, "bounce_count": 0}
        for i in range(count)
    ]  # fmt: skip
    db.session.execute(insert(Subscriber), rows)
    db.session.execute(
        insert(Subscription), [{"subscriber_id": r["id"], "topic_id": topic_id, "created_at": now} for r in rows]
    )
    if db.engine.dialect.name == "postgresql":
        for table in ("mailing_subscribers", "mailing_subscriptions"):
            db.session.execute(
                db.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
