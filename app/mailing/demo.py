"""Demo data for `make run`: subscribers across topics, a sent bulletin and a draft."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db
from app.mail.models import OutboxMessage
from app.mailing import services
from app.mailing.consent import CONSENT_VERSION
from app.mailing.delivery import render_bulletin
from app.mailing.models import Bulletin, BulletinItem, Subscriber, Topic

PEOPLE = [
    ("Amina Yusuf", "Riverside Somali Women's Group"), ("Bilal Khan", "Eastside Mosque Community Trust"),
    ("Grace Okafor", "Nigerian Community Association"), ("Chen Wei", "Chinese Elders Lunch Club"),
    ("Marcia Campbell", "Windrush Generations CIC"), ("Ravi Patel", "Gujarati Arts Society"),
    ("Nadia Hussain", "Bangladeshi Youth Forum"), ("Tomasz Nowak", None),
    ("Fatima Ali", "Refugee Welcome Network"), ("Samuel Mensah", "Ghana Union"),
    ("Leila Ahmed", "Mental Health Peer Support"), ("Joseph Roberts", "Gypsy and Traveller Voice"),
    ("Priya Shah", "Borough Council public health"), ("Kofi Asante", "Black Men's Health Project"),
    ("Sofia Rossi", None), ("Hana Begum", "Women's Diabetes Circle"),
]  # fmt: skip

SENT_ITEMS = [
    ("funding", "Community capacity fund now open",
     "Grants of up to £10,000 for groups led by and for Black, Asian and minority ethnic communities. "
     "Apply by the end of next month.", "https://www.example.org/funding/capacity"),
    ("research", "Mental health is the biggest gap, our pilot finds",
     "Thirty member groups answered the mapping toolkit. Mental health came first, with diabetes close "
     "behind.", "https://www.example.org/toolkit/findings"),
    ("job", "Outreach worker, employment and skills (part time)",
     "Help people from our communities into work and training. 21 hours a week.",
     "https://www.example.org/jobs/outreach-worker"),
    ("event", "Quarterly network meeting",
     "Hear the action plan progress update and share news from your group.", None),
]  # fmt: skip


def seed_demo() -> None:
    services.ensure_default_topics()
    topics = list(db.session.scalars(select(Topic).order_by(Topic.position)))
    if not db.session.scalar(select(func.count()).select_from(Subscriber)):
        rng = random.Random(4)
        for n, (name, organisation) in enumerate(PEOPLE):
            status = "pending" if n == 7 else "unsubscribed" if n == 14 else "confirmed"
            subscriber = services.new_subscriber(
                email=f"{name.split()[0].lower()}.{name.split()[1].lower()}@example.net",
                name=name,
                organisation_name=organisation,
                status=status,
                consent_text_version=CONSENT_VERSION,
                consent_at=utcnow() - dt.timedelta(days=rng.randint(5, 300)) if status != "pending" else None,
                source=rng.choice(["signup", "signup", "import", "staff"]),
            )
            subscriber.confirmed_at = subscriber.consent_at
            if status == "unsubscribed":
                subscriber.unsubscribed_at = utcnow() - dt.timedelta(days=3)
            services.set_topics(subscriber, [t.id for t in rng.sample(topics, rng.randint(1, 3))])
    if not db.session.scalar(select(func.count()).select_from(Bulletin)):
        sent = Bulletin(
            title="Employment and skills bulletin: October 2026",
            slug="employment-and-skills-bulletin-october-2026",
            intro="Welcome to this month's bulletin from the network.\n\nThis month: new funding, what our "
            "mapping toolkit found, and a job in outreach.",
            status="sent",
            sent_at=utcnow() - dt.timedelta(days=20),
            finished_at=utcnow() - dt.timedelta(days=20),
        )
        sent.topics = [topics[3], topics[0]]
        for position, (kind, heading, body, link) in enumerate(SENT_ITEMS):
            sent.items.append(BulletinItem(kind=kind, heading=heading, body=body, link=link, position=position))
        draft = Bulletin(
            title="Employment and skills bulletin: November 2026",
            slug="employment-and-skills-bulletin-november-2026",
            intro="Our November round-up.",
        )
        draft.topics = [topics[3]]
        draft.items.append(
            BulletinItem(kind="guidance", heading="New guidance on fair recruitment",
                         body="Practical steps for employers to widen their reach.", position=0)
        )  # fmt: skip
        db.session.add_all([sent, draft])
        db.session.flush()
        _sent_mail(sent)
    db.session.flush()


def _sent_mail(bulletin: Bulletin) -> None:
    """The sent bulletin's outbox rows, one per recipient, so every page that counts its e-mails
    (the list, the delivery page, the funder report: app/mailing/figures.py) agrees."""
    text = render_bulletin(bulletin)["text"]
    recipients = db.session.execute(services.recipients_select([t.id for t in bulletin.topics])).all()
    for subscriber_id, address in recipients:
        db.session.add(
            OutboxMessage(
                kind="bulletin", to_addr=address, subject=bulletin.title, body_text=text, headers={},
                status="sent", delivery="captured", attempts=1, created_at=bulletin.sent_at,
                next_attempt_at=bulletin.sent_at, sent_at=bulletin.sent_at, campaign=bulletin.campaign,
                ref_id=subscriber_id, dedupe_key=f"{bulletin.campaign}:subscriber:{subscriber_id}",
            )
        )  # fmt: skip
    bulletin.recipient_count = len(recipients)
