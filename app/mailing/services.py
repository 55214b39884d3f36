"""Mailing-list logic shared by routes, jobs, the worker and the CLI. Callers commit."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable

from flask import current_app, url_for
from sqlalchemy import ColumnElement, String, case, cast, delete, exists, func, insert, literal, select, update
from sqlalchemy.orm import lazyload, noload, selectinload

from app import slugs
from app.audit import record
from app.auth.models import normalise_email
from app.db import UTCDateTime, utcnow
from app.extensions import db
from app.i18n import SOURCE, _, _l
from app.i18n.languages import known
from app.mail import OutboxMessage, enqueue
from app.mail.models import MailBounce
from app.mail.service import clean_header
from app.mailing.consent import agreed_to_current, consent_version
from app.mailing.models import Bulletin, BulletinItem, Subscriber, Subscription, SuppressedAddress, Topic
from app.tokens import TokenError, make_token, read_token, token_maker
from app.urls import configured_root

DEFAULT_TOPICS = [
    ("Network news", "News from the network and its member groups"),
    ("Events", "Network meetings, community of practice sessions and networking events"),
    ("Funding opportunities", "Grants and funding open to community groups"),
    ("Employment and skills bulletin", "The monthly partnership bulletin on employment and skills"),
    ("Health inequalities", "Research, guidance and action on health inequalities"),
]
RESEND_AFTER = dt.timedelta(minutes=2)  # at most one sign-up email per address in this time


# --- topics ----------------------------------------------------------------------------


def ensure_default_topics() -> None:
    if db.session.scalar(select(func.count()).select_from(Topic)):
        return
    for position, (name, description) in enumerate(DEFAULT_TOPICS):
        db.session.add(Topic(name=name, description=description, position=position))
    db.session.flush()


def active_topics() -> list[Topic]:
    return list(db.session.scalars(select(Topic).where(Topic.archived.is_(False)).order_by(Topic.position, Topic.name)))


def topic_choices() -> list[tuple[str, str]]:
    return [(str(t.id), t.name) for t in active_topics()]


# --- addresses and suppression ---------------------------------------------------------------


def _salt() -> bytes:
    configured = current_app.config.get("SUPPRESSION_SALT")
    if configured:
        return configured.encode()
    return hashlib.sha256(b"suppression:" + current_app.config["SECRET_KEY"].encode()).digest()


def address_hash(email: str) -> str:
    return hmac.new(_salt(), normalise_email(email).encode(), hashlib.sha256).hexdigest()


def is_suppressed(email: str) -> bool:
    return bool(
        db.session.scalar(select(SuppressedAddress.id).where(SuppressedAddress.address_hash == address_hash(email)))
    )


def suppress(email: str, reason: str) -> None:
    if not is_suppressed(email):
        db.session.add(SuppressedAddress(address_hash=address_hash(email), reason=reason))


def find_subscriber(email: str) -> Subscriber | None:
    return db.session.scalar(select(Subscriber).where(Subscriber.email == normalise_email(email)))


def new_subscriber(**fields) -> Subscriber:
    subscriber = Subscriber(token_key=secrets.token_hex(8), **fields)
    subscriber.email = normalise_email(subscriber.email)
    db.session.add(subscriber)
    db.session.flush()
    return subscriber


def set_topics(subscriber: Subscriber, topic_ids: Iterable[int], *, keep_archived: bool = False) -> None:
    """Subscribe to exactly these (active) topics. With keep_archived, subscriptions to archived
    topics, which nobody can choose any more, are left as they are."""
    wanted = {int(t) for t in topic_ids}
    valid = set(db.session.scalars(select(Topic.id).where(Topic.id.in_(wanted), Topic.archived.is_(False))))
    current = {
        s.topic_id: s
        for s in db.session.scalars(select(Subscription).where(Subscription.subscriber_id == subscriber.id))
    }
    for topic_id, row in current.items():
        if topic_id not in valid and not (keep_archived and row.topic.archived):
            db.session.delete(row)
    for topic_id in valid - current.keys():
        db.session.add(Subscription(subscriber_id=subscriber.id, topic_id=topic_id))
    db.session.flush()


def topic_ids_of(subscriber: Subscriber) -> set[int]:
    return set(db.session.scalars(select(Subscription.topic_id).where(Subscription.subscriber_id == subscriber.id)))


# --- tokens ----------------------------------------------------------------------------


def confirm_token(subscriber: Subscriber, topic_ids: Iterable[int]) -> str:
    return make_token("mailing.confirm", {"sid": subscriber.id, "k": subscriber.token_key, "t": sorted(topic_ids)})


def manage_token(subscriber: Subscriber) -> str:
    return make_token("mailing.manage", _manage_payload(subscriber))


def manage_token_maker() -> Callable[[Subscriber], str]:
    """manage_token() for a batch of recipients (see token_maker)."""
    make = token_maker("mailing.manage")
    return lambda subscriber: make(_manage_payload(subscriber))


def _manage_payload(subscriber: Subscriber) -> dict:
    return {"sid": subscriber.id, "k": subscriber.token_key}


def _subscriber_from(data) -> Subscriber:
    try:
        subscriber = db.session.get(Subscriber, int(data["sid"]))
        key = data["k"]
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenError("invalid") from exc
    if subscriber is None or subscriber.email is None or not hmac.compare_digest(str(key), subscriber.token_key):
        raise TokenError("invalid")
    return subscriber


def read_confirm_token(token: str) -> tuple[Subscriber, list[int]]:
    data = read_token("mailing.confirm", token, current_app.config["CONFIRM_TOKEN_MAX_AGE"])
    subscriber = _subscriber_from(data)
    topics = data.get("t") if isinstance(data.get("t"), list) else []
    return subscriber, [int(t) for t in topics if isinstance(t, int)]


def read_manage_token(token: str) -> Subscriber:
    return _subscriber_from(read_token("mailing.manage", token, current_app.config["MAILING_LINK_MAX_AGE"]))


# --- sign-up, confirmation, preferences, unsubscribe -----------------------------------------


def _throttled(subscriber: Subscriber) -> bool:
    now = utcnow()
    if subscriber.last_mailed_at and now - subscriber.last_mailed_at < RESEND_AFTER:
        return True
    subscriber.last_mailed_at = now
    return False


def send_confirmation(subscriber: Subscriber, topic_ids: Iterable[int], *, again: bool = False) -> None:
    if _throttled(subscriber):
        return
    topic_ids = set(topic_ids)
    names = [t.name for t in active_topics() if t.id in topic_ids]
    enqueue(
        "mailing_confirm",
        to=subscriber.email,
        subject=_l("Confirm you want emails from %(service_name)s", service_name=current_app.config["SERVICE_NAME"]),
        sensitive=True,
        language_code=subscriber.language,
        subscriber=subscriber,
        topics=names,
        again=again,
        link=url_for("mailing.confirm", token=confirm_token(subscriber, topic_ids), _external=True),
        days=current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 86400,
    )


def send_manage_link(subscriber: Subscriber) -> None:
    if _throttled(subscriber):
        return
    enqueue(
        "mailing_already_subscribed",
        to=subscriber.email,
        subject=_l(
            "You are already on the %(service_name)s mailing list", service_name=current_app.config["SERVICE_NAME"]
        ),
        sensitive=True,
        language_code=subscriber.language,
        subscriber=subscriber,
        link=url_for("mailing.preferences", token=manage_token(subscriber), _external=True),
    )


def set_language(subscriber: Subscriber, code: str | None) -> None:
    """The language they read the bulletin and their e-mails in; anything the portal does not speak is English."""
    subscriber.language = known(code) or SOURCE.code


def sign_up(
    *, email: str, name: str, organisation_name: str | None, topic_ids: list[int], language: str | None = None
) -> None:
    """The public form. Whatever the address's state, the caller shows the same page.

    Signing up again before confirming (issue 19) merges what the person chose: the topics are
    added to the earlier ones, a name or organisation left blank keeps the earlier one, and the
    confirmation is sent again (at most one e-mail per address every RESEND_AFTER) listing all of
    them. The choices are kept on the pending subscriber, so either e-mail's link confirms them all."""
    subscriber = find_subscriber(email)
    if subscriber is None:
        subscriber = new_subscriber(
            email=email,
            name=name,
            organisation_name=organisation_name or None,
            status="pending",
            consent_text_version=consent_version(),
            lawful_basis="consent",
            source="signup",
        )
        set_language(subscriber, language)
        subscriber.pending_topic_ids = sorted(set(topic_ids))
        send_confirmation(subscriber, topic_ids)
    elif subscriber.status == "confirmed":
        send_manage_link(subscriber)
    elif subscriber.status == "pending":
        subscriber.name = name or subscriber.name
        subscriber.organisation_name = organisation_name or subscriber.organisation_name
        set_language(subscriber, language or subscriber.language)
        merged = set(subscriber.pending_topic_ids or []) | set(topic_ids)
        subscriber.pending_topic_ids = sorted(merged)
        record("subscriber.signed_up_again", subscriber, actor=None, topics=sorted(merged))
        send_confirmation(subscriber, merged, again=True)
    else:
        # Unsubscribed or bouncing: nothing changes until they open the new link.
        send_confirmation(subscriber, topic_ids)


def confirm(subscriber: Subscriber, topic_ids: list[int]) -> bool:
    """Returns False when the address was already confirmed (the link was used before)."""
    if subscriber.status == "confirmed":
        return False
    # The wording a pending subscriber agreed to on the sign-up form (in its language) stays; someone
    # coming back after unsubscribing, or under older wording, is recorded with the wording shown now.
    if subscriber.status != "pending" or not agreed_to_current(subscriber.consent_text_version):
        subscriber.consent_text_version = consent_version()
    if subscriber.status == "pending":  # choices made by signing up again are kept (issue 19)
        topic_ids = sorted(set(topic_ids) | set(subscriber.pending_topic_ids or []))
    subscriber.pending_topic_ids = None
    subscriber.status = "confirmed"
    subscriber.confirmed_at = subscriber.consent_at = utcnow()
    subscriber.lawful_basis = "consent"
    subscriber.unsubscribed_at = None
    subscriber.unsubscribe_reason = subscriber.unsubscribed_bulletin_id = None
    subscriber.bounce_count = 0
    set_topics(subscriber, topic_ids)
    # Their own new, confirmed consent lifts an earlier suppression.
    db.session.execute(
        delete(SuppressedAddress).where(SuppressedAddress.address_hash == address_hash(subscriber.email))
    )
    record("subscriber.confirmed", subscriber, actor=None)
    return True


def drop_queued_bulk_mail(subscriber: Subscriber) -> None:
    if subscriber.email:
        db.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.to_addr == subscriber.email,
                OutboxMessage.campaign.is_not(None),
                OutboxMessage.status == "queued",
            )
        )


UNSUBSCRIBE_REASONS = {"link": "link", "one-click": "one_click", "preferences": "preferences",
                       "staff": "staff", "complaint": "complaint"}  # fmt: skip


def unsubscribe(subscriber: Subscriber, how: str, *, bulletin_id: int | None = None, force: bool = False) -> bool:
    """Unsubscribe, recording how and (from a bulletin's link) which bulletin. `force`: a
    complaint overrides an earlier reason for an address already unsubscribed."""
    if subscriber.status == "unsubscribed" and not force:
        return False
    if subscriber.status != "unsubscribed":
        subscriber.unsubscribed_at = utcnow()
        subscriber.unsubscribed_bulletin_id = bulletin_id
    subscriber.status = "unsubscribed"
    subscriber.unsubscribe_reason = UNSUBSCRIBE_REASONS.get(how, "link")
    drop_queued_bulk_mail(subscriber)
    record("subscriber.unsubscribed", subscriber, actor=None, how=how, bulletin_id=bulletin_id)
    return True


# --- staff: erasure and subject access ----------------------------------------------------


def erase(subscriber: Subscriber, **audit) -> None:
    """Remove personal data; keep a salted hash so imports cannot add the address again."""
    email = subscriber.email
    if email:
        suppress(email, "erased")
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.to_addr == email))
        db.session.execute(delete(MailBounce).where(func.lower(MailBounce.to_addr) == email.lower()))
    db.session.execute(delete(Subscription).where(Subscription.subscriber_id == subscriber.id))
    subscriber.email = subscriber.name = subscriber.organisation_name = subscriber.consent_evidence = None
    subscriber.status = "erased"
    subscriber.token_key = secrets.token_hex(8)
    record("subscriber.erased", subscriber, **audit)


def subject_access_export(subscriber: Subscriber) -> dict:
    topics = {t.id: t.name for t in db.session.scalars(select(Topic))}
    mail = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_addr == subscriber.email).order_by(OutboxMessage.id)
    ).all()

    def when(value):
        return value.isoformat() if value else None

    return {
        "subscriber": {
            "email": subscriber.email,
            "name": subscriber.name,
            "organisation_name": subscriber.organisation_name,
            "status": subscriber.status,
            "lawful_basis": subscriber.lawful_basis,
            "consent_text_version": subscriber.consent_text_version,
            "consent_at": when(subscriber.consent_at),
            "consent_evidence": subscriber.consent_evidence,
            "source": subscriber.source,
            "language": subscriber.language,
            "created_at": when(subscriber.created_at),
            "confirmed_at": when(subscriber.confirmed_at),
            "unsubscribed_at": when(subscriber.unsubscribed_at),
        },
        "topics": sorted(topics[t] for t in topic_ids_of(subscriber) if t in topics),
        "emails": [
            {"subject": m.subject, "status": m.status, "created_at": when(m.created_at), "sent_at": when(m.sent_at)}
            for m in mail
        ],
    }


# --- bulletins -------------------------------------------------------------------------------


def unique_slug(title: str, bulletin_id: int | None = None) -> str:
    return slugs.unique_slug(Bulletin, slugs.slugify(title, 150, "bulletin"), exclude_id=bulletin_id)


def recipients_select(topic_ids: Iterable[int]):
    """Confirmed subscribers of any of the topics, each once."""
    ids = list(topic_ids)
    return select(Subscriber.id, Subscriber.email, Subscriber.language).where(
        Subscriber.status == "confirmed",
        exists().where(Subscription.subscriber_id == Subscriber.id, Subscription.topic_id.in_(ids)),
    )


def recipient_count(bulletin: Bulletin) -> int:
    sub = recipients_select([t.id for t in bulletin.topics]).subquery()
    return db.session.scalar(select(func.count()).select_from(sub)) or 0


def problems_before_sending(bulletin: Bulletin) -> list[str]:
    problems = []
    if not bulletin.items:
        problems.append(_("Add at least one item to the bulletin"))
    if not bulletin.topics:
        problems.append(_("Choose at least one topic to send the bulletin to"))
    return problems


def dedupe_key(bulletin_id: int, subscriber_id: ColumnElement[int]) -> ColumnElement[str]:
    """The outbox key that sends a bulletin once to each subscriber ("bulletin:3:subscriber:9"), as
    SQL: bulletins are queued by one INSERT … SELECT."""
    return literal(f"bulletin:{bulletin_id}:subscriber:", String) + cast(subscriber_id, String)


def link_base() -> str:
    """Where links in bulk mail point, stored with the bulletin when it is sent."""
    return configured_root()


def queue_bulletin(bulletin: Bulletin) -> int:
    """Write one outbox row per recipient in ONE statement (INSERT … SELECT) and mark the
    bulletin sending. Returns the number of rows, or -1 if another request got there first."""
    claimed = db.session.execute(
        update(Bulletin)
        .where(Bulletin.id == bulletin.id, Bulletin.status.in_(("draft", "scheduled")))
        .values(status="sending", sent_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return -1
    now = utcnow()
    recipients = recipients_select([t.id for t in bulletin.topics]).subquery()
    subject = literal(clean_header(bulletin.title), String)
    if bulletin.versions:  # each row's subject is the title of the version its reader gets (issue 22)
        titles = [
            (recipients.c.language == v.language, literal(clean_header(v.title), String)) for v in bulletin.versions
        ]
        subject = case(*titles, else_=subject)
    source = select(
        literal("bulletin", String),
        recipients.c.email,
        subject,
        literal("", String),
        literal({}, OutboxMessage.headers.type),
        literal(False),
        literal("queued", String),
        literal(0),
        literal(now, UTCDateTime()),
        literal(now, UTCDateTime()),
        dedupe_key(bulletin.id, recipients.c.id),
        literal(bulletin.campaign, String),
        recipients.c.id,
        literal(False),
    ).order_by(recipients.c.id)
    columns = [
        "kind", "to_addr", "subject", "body_text", "headers", "sensitive", "status", "attempts",
        "created_at", "next_attempt_at", "dedupe_key", "campaign", "ref_id", "held",
    ]  # fmt: skip
    db.session.execute(insert(OutboxMessage).from_select(columns, source))
    # (rowcount of INSERT … SELECT is not reported by every driver, so count the rows.)
    count = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.campaign == bulletin.campaign)
    )
    db.session.refresh(bulletin)
    bulletin.recipient_count = count
    return count


def delivery_counts(bulletin: Bulletin) -> dict[str, int]:
    rows = db.session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.campaign == bulletin.campaign)
        .group_by(OutboxMessage.status)
    ).all()
    counts = {"queued": 0, "sending": 0, "sent": 0, "failed": 0, **dict(rows)}
    counts["total"] = sum(counts[s] for s in ("queued", "sending", "sent", "failed"))
    return counts


def pause(bulletin: Bulletin, **audit) -> bool:
    if bulletin.status != "sending":
        return False
    bulletin.status = "paused"
    # Queued rows are held. Rows a worker already holds finish sending: nobody is skipped
    # (held rows stay queued) and nobody gets two copies (a row is sent once, then marked).
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.campaign == bulletin.campaign, OutboxMessage.status.in_(("queued", "sending")))
        .values(held=True)
        .execution_options(synchronize_session=False)
    )
    record("bulletin.paused", bulletin, **audit)
    return True


def resume(bulletin: Bulletin) -> bool:
    if bulletin.status != "paused":
        return False
    bulletin.status, bulletin.pause_reason = "sending", None
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.campaign == bulletin.campaign, OutboxMessage.held.is_(True))
        .values(held=False)
        .execution_options(synchronize_session=False)
    )
    record("bulletin.resumed", bulletin)
    return True


def send_due_bulletins(now: dt.datetime | None = None) -> dict[str, int]:
    """Periodic: start scheduled bulletins that are due; mark finished sends as sent."""
    now = now or utcnow()
    started = 0
    for bulletin in db.session.scalars(select(Bulletin).where(Bulletin.status == "scheduled", Bulletin.send_at <= now)):
        if queue_bulletin(bulletin) >= 0:
            record("bulletin.sent", bulletin, actor=None, scheduled=True, recipients=bulletin.recipient_count)
            started += 1
        db.session.commit()
    finished = 0
    for bulletin in db.session.scalars(select(Bulletin).where(Bulletin.status == "sending")):
        open_rows = db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.campaign == bulletin.campaign, OutboxMessage.status.in_(("queued", "sending")))
        )
        if not open_rows:
            bulletin.status, bulletin.finished_at = "sent", now
            finished += 1
    db.session.commit()
    return {"started": started, "finished": finished}


# --- the public archive (also the home page's "latest bulletin") -----------------------------

PUBLISHED = ("sending", "paused", "sent")


def published_bulletins():
    """Bulletins that have gone out (or are going out), newest first."""
    return select(Bulletin).where(Bulletin.status.in_(PUBLISHED)).order_by(Bulletin.sent_at.desc(), Bulletin.id.desc())


def latest_bulletin(code: str = SOURCE.code):
    """The newest published bulletin with its items, as a reader in `code` gets it (their version when
    there is one, English otherwise). An English reader's costs two queries: the versions in other
    languages are not loaded (the home page, issue 22's speed)."""
    from app.mailing import versions

    query = published_bulletins().options(lazyload(Bulletin.topics))
    if code == SOURCE.code:
        query = query.options(noload(Bulletin.versions), selectinload(Bulletin.items).noload(BulletinItem.versions))
    bulletin = db.session.scalar(query.limit(1))
    return versions.shown_in(bulletin, code) if bulletin is not None and code != SOURCE.code else bulletin
