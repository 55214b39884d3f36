"""Demo data: the mental-health toolkit with 30 submitted organisation responses (mental health
ranked first, closely followed by diabetes), a few drafts and a published "You said". Benchmark
data (`flask generate-load-data --toolkit-responses N`) is in app/toolkits/loaddata.py."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from app.auth.models import find_user_by_email
from app.db import utcnow
from app.extensions import db
from app.groups.models import Organisation
from app.toolkits import services as svc
from app.toolkits.models import CHOICE_TYPES, Answer, Response, Toolkit
from app.toolkits.template import mental_health_definition

DEMO_SLUG = "mental-health-mapping-toolkit"
# Ten orderings of the top three health issues, repeated: mental health scores 23 points per ten
# organisations, diabetes 20, so the finding reads "Mental health was ranked first, closely
# followed by Diabetes" — the pilot assessment's result.
RANK_PATTERNS = [
    ["mental-health", "diabetes", "cardiovascular-disease-heart-disease-stroke-high-blood-pressure"],
    ["mental-health", "diabetes", "maternal-health"],
    ["mental-health", "diabetes", "covid-19-and-its-long-term-effects"],
    ["mental-health", "diabetes", "obesity-and-healthy-weight"],
    ["diabetes", "mental-health", "maternal-health"],
    ["diabetes", "mental-health", "cardiovascular-disease-heart-disease-stroke-high-blood-pressure"],
    ["diabetes", "mental-health", "obesity-and-healthy-weight"],
    ["cardiovascular-disease-heart-disease-stroke-high-blood-pressure", "diabetes", "mental-health"],
    ["maternal-health", "mental-health", "diabetes"],
    [
        "covid-19-and-its-long-term-effects",
        "mental-health",
        "cardiovascular-disease-heart-disease-stroke-high-blood-pressure",
    ],
]
DRAFT_GROUPS = [
    ("Stepney Somali Elders", "Lunch club and advice for Somali elders."),
    ("Poplar Mums Together", "Peer support for Black and Asian mothers with young children."),
    ("Bow Tamil Youth", "Homework club and sport for Tamil young people."),
]


def fill_answers(definition: svc.Definition, response: Response, rng: random.Random, ranks: list[str],
                 *, complete: bool = True) -> list[Answer]:  # fmt: skip
    """Plausible answers to every question (or the first sections only for a draft)."""
    rows: list[Answer] = []
    selected: dict[int, set[str]] = {}
    sections = definition.sections if complete else definition.sections[:2]
    for section in sections:
        for q in definition.by_section.get(section.id, []):
            if not svc.is_visible(q, selected):
                continue
            values: list[dict] = []
            if q.type == "ranking":
                values = [{"option_id": o, "rank": i} for i, o in enumerate(ranks, start=1)]
            elif q.type == "yes_no":
                values = [{"option_id": "yes" if rng.random() < 0.8 else "no"}]
            elif q.type == "single_choice":
                values = [{"option_id": rng.choice(q.options)["id"]}]
            elif q.type == "multiple_choice":
                chosen = rng.sample(q.options, rng.randint(1, min(4, len(q.options))))
                values = [{"option_id": o["id"]} for o in chosen]
            elif q.type == "scale":
                values = [{"number_value": float(rng.choices([1, 2, 3, 4, 5], [1, 1, 3, 6, 5])[0])}]
            elif q.type == "number":
                values = [
                    {"number_value": float(rng.randint(int(q.min_value or 0), min(int(q.max_value or 500), 500)))}
                ]
            elif q.type == "date":
                values = [{"date_value": dt.date(2027, rng.randint(1, 12), 1)}]
            elif q.type == "email":
                values = [{"text_value": f"contact{response.organisation_id or response.user_id}@example.org"}]
            elif q.type == "short_text":
                values = [{"text_value": rng.choice(["Project coordinator", "Chair", "Volunteer lead", "Director"])}]
            elif q.type == "long_text":
                if rng.random() < 0.5:
                    continue
                values = [{"text_value": rng.choice([
                    "Many of our elders feel isolated since the pandemic and do not know where to turn.",
                    "Waiting lists for talking therapies are long and there is nothing in Sylheti.",
                    "We work with the GP surgery and the wellbeing partnership.",
                    "Young people tell us they worry about money and housing.",
                ])}]  # fmt: skip
            if q.type in CHOICE_TYPES or q.type == "yes_no":
                selected[q.id] = {v["option_id"] for v in values}
            for value in values:
                rows.append(Answer(response_id=response.id, question_id=q.id, **{"option_id": "", **value}))
    response.saved_sections = [s.id for s in sections]
    return rows


def seed_demo() -> None:
    """demo_seeders() entry (idempotent): needs the directory's demo groups first."""
    if db.session.scalar(select(Toolkit.id).where(Toolkit.slug == DEMO_SLUG)) is not None:
        return
    organisations = list(
        db.session.scalars(select(Organisation).where(Organisation.status == "approved").order_by(Organisation.id))
    )[:30]
    toolkit = svc.toolkit_from_json(mental_health_definition())
    toolkit.slug = DEMO_SLUG
    now = utcnow()
    toolkit.status = "published"
    toolkit.opens_at = now - dt.timedelta(days=14)
    toolkit.closes_at = now + dt.timedelta(days=16)
    db.session.flush()
    definition = svc.load_definition(toolkit)
    rng = random.Random(2026)
    member = find_user_by_email("member@example.org")
    for i, org in enumerate(organisations):
        by = member if (member and i == 0) else None
        response = Response(
            toolkit_id=toolkit.id, respondent_key=f"org:{org.id}", organisation_id=org.id, status="submitted",
            submitted_at=now - dt.timedelta(days=13 - i % 13, hours=i), updated_at=now - dt.timedelta(days=13 - i % 13),
            updated_by_id=by.id if by else None, submitted_by_id=by.id if by else None,
        )  # fmt: skip
        db.session.add(response)
        db.session.flush()
        db.session.add_all(fill_answers(definition, response, rng, RANK_PATTERNS[i % len(RANK_PATTERNS)]))
    from app.groups.services import unique_slug

    for name, description in DRAFT_GROUPS:
        org = Organisation(name=name, slug=unique_slug(name), status="approved", legal_form="unincorporated",
                           description=description)  # fmt: skip
        db.session.add(org)
        db.session.flush()
        response = Response(toolkit_id=toolkit.id, respondent_key=f"org:{org.id}", organisation_id=org.id,
                            status="draft", updated_at=now - dt.timedelta(days=2))  # fmt: skip
        db.session.add(response)
        db.session.flush()
        db.session.add_all(fill_answers(definition, response, rng, RANK_PATTERNS[0], complete=False))
    publish = [q.id for q in definition.questions if q.type in ("ranking", "multiple_choice", "yes_no", "scale")]
    toolkit.you_said_question_ids = publish
    toolkit.you_said_summary = (
        "<p>Thank you to the 30 organisations who answered. Mental health was the health issue organisations "
        "ranked highest, closely followed by diabetes. Language, stigma and long waiting lists were the barriers "
        "mentioned most often.</p>"
    )
    toolkit.you_said_published_at = now - dt.timedelta(days=1)
    db.session.flush()
