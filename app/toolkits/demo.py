"""Demo data: the mental-health toolkit with 30 submitted organisation responses (mental health
ranked first, closely followed by diabetes), a few drafts and a published "You said". Benchmark
data (`flask generate-load-data --toolkit-responses N`) is in bench/loaddata/toolkits.py."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app import slugs
from app.auth.models import find_user_by_email
from app.db import utcnow
from app.extensions import db
from app.groups.models import Organisation
from app.toolkits import disclosure
from app.toolkits import services as svc
from app.toolkits.models import Answer, Response, Toolkit
from app.toolkits.template import mental_health_definition

DEMO_SLUG = "mental-health-mapping-toolkit"
# The top three health issues of the 30 demo organisations. Mental health is put first by 10, second
# by 10, third by 5 and left out by 5 (55 points); diabetes first by 5, second by 10, third by 10 and
# left out by 5 (45 points), so the finding reads "Mental health was ranked first, closely followed
# by Diabetes" — the pilot assessment's result — and both are published in full: every count behind
# their figures is at least 5 (app/toolkits/disclosure.py). The other issues share the remaining
# places and are hidden.
MH, DIABETES = "mental-health", "diabetes"
OTHER_ISSUES = [
    slugs.slugify("Cardiovascular disease (heart disease, stroke, high blood pressure)", max_length=60),
    "maternal-health",
    "covid-19-and-its-long-term-effects",
    "obesity-and-healthy-weight",
]


def _rank_patterns() -> list[list[str]]:
    others = [OTHER_ISSUES[i % 4] for i in range(40)]
    pick = iter(others)

    def other(*taken: str) -> str:
        choice = next(pick)
        while choice in taken:
            choice = next(pick)
        return choice

    patterns = []
    for i in range(30):
        if i < 10:
            patterns.append([MH, DIABETES, other()])
        elif i < 15:
            patterns.append([DIABETES, MH, other()])
        elif i < 20:
            patterns.append([other(), MH, DIABETES])
        elif i < 25:
            first = other()
            patterns.append([first, other(first), MH])
        else:
            first = other()
            patterns.append([first, other(first), DIABETES])
    return patterns


RANK_PATTERNS = _rank_patterns()
DRAFT_GROUPS = [
    ("Stepney Somali Elders", "Lunch club and advice for Somali elders."),
    ("Poplar Mums Together", "Peer support for Black and Asian mothers with young children."),
    ("Bow Tamil Youth", "Homework club and sport for Tamil young people."),
]


# Answers that fit the demo toolkit's questions, by label (app/toolkits/template.py); any other
# question gets its type's sample answer.
RANKING = "Rank the 3 health issues that most affect the people you support"
LANGUAGES = "Which languages do you work in?"
NAME_AND_ROLE = "Your name and role in the organisation"
FUNDING_ENDS = "When does your main funding for health and wellbeing work end?"
TEXT_ANSWERS = {
    NAME_AND_ROLE: [
        "Ruksana Ali, project coordinator", "Joseph Okafor, chair of trustees", "Li Wei, volunteer lead",
        "Maria Lopes, director", "Amina Hussain, health and wellbeing worker",
    ],
    LANGUAGES: ["English"],  # replaced by the group's own languages
    "Tell us about a health issue we have not asked about": [
        "Sickle cell disease: families tell us that A&E staff do not understand a crisis.",
        "Vitamin D deficiency among older women who rarely go outside.",
        "Hearing loss in elders, which cuts them off from family and services.",
        "Children's oral health: many families have no NHS dentist.",
    ],
    "Which partners do you work with on mental health?": [
        "The GP surgery and the wellbeing partnership.",
        "The borough's talking therapies service and a local Mind.",
        "Our mosque's welfare committee and the social prescribing link worker.",
        "The council's public health team and two other community groups.",
    ],
    "Is there anything else you would like the network to know?": [
        "Many of our elders feel isolated since the pandemic and do not know where to turn.",
        "Waiting lists for talking therapies are long and there is nothing in Sylheti.",
        "Young people tell us they worry about money and housing.",
    ],
}  # fmt: skip
# The long free-text questions, which about half the organisations leave blank.
OFTEN_SKIPPED = set(TEXT_ANSWERS) - {NAME_AND_ROLE}
NUMBER_RANGES = {
    "How many people did your organisation support in the last 12 months?": (40, 2500),
    "How many paid staff and volunteers work on health and wellbeing?": (2, 35),
}
# "You said" shows the counted findings; the organisations' own figures (size, income) and the
# single biggest barrier stay unpublished.
NOT_PUBLISHED = {*NUMBER_RANGES, "Which of these is the biggest barrier?",
                 "What was your organisation's income in the last financial year?"}  # fmt: skip


def _text(q, org: Organisation, rng: random.Random) -> str:
    """A free-text answer; the group's own languages and contact where the question asks for them."""
    answer = rng.choice(TEXT_ANSWERS[q.label])
    if q.label == LANGUAGES:
        names = [tag.name for tag in org.tags if tag.kind == "language"] or ["English"]
        answer = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    elif q.label == NAME_AND_ROLE and org.contact_name:
        answer = f"{org.contact_name},{answer.split(',', 1)[1]}"
    return answer


def _values(q, org: Organisation, rng: random.Random, ranks: list[str]) -> list[dict]:
    """One plausible answer to `q`, as Answer column values (none for a skipped free-text question)."""
    if q.label == RANKING:
        return [{"option_id": o, "rank": i} for i, o in enumerate(ranks, start=1)]
    if q.label in NUMBER_RANGES:
        return [{"number_value": float(rng.randint(*NUMBER_RANGES[q.label]))}]
    if q.label == FUNDING_ENDS:  # grants run to the first of a month
        return [{"date_value": dt.date(2027, rng.randint(1, 12), 1)}]
    if q.label in TEXT_ANSWERS:
        return [] if q.label in OFTEN_SKIPPED and rng.random() < 0.5 else [{"text_value": _text(q, org, rng)}]
    return q.kind.sample_answer(rng, org.id)


def _most_mentioned_barriers(definition: svc.Definition) -> str:
    """The summary's sentence about barriers, from the submitted answers just made (the staff-written
    summary must not name a barrier the published figures show few organisations chose)."""
    question = next(q for q in definition.questions if q.label.startswith("What stops your beneficiaries"))
    labels = {o["id"]: o["label"] for o in question.options}
    counts = db.session.execute(
        select(Answer.option_id, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.question_id == question.id, Response.status == "submitted", Answer.option_id.in_(list(labels)))
        .group_by(Answer.option_id)
    ).all()
    top = [labels[option] for option, _count in sorted(counts, key=lambda row: (-row[1], labels[row[0]]))[:3]]
    named = [top[0], *(label[0].lower() + label[1:] for label in top[1:])]
    return f"{', '.join(named[:-1])} and {named[-1]} were the barriers mentioned most often."


def fill_answers(definition: svc.Definition, response: Response, org: Organisation, rng: random.Random,
                 ranks: list[str], *, complete: bool = True) -> list[Answer]:  # fmt: skip
    """Answers that fit every question, for `org` (or the first sections only for a draft)."""
    rows: list[Answer] = []
    selected: dict[int, set[str]] = {}
    sections = definition.sections if complete else definition.sections[:2]
    for section in sections:
        for q in definition.by_section.get(section.id, []):
            if not svc.is_visible(q, selected):
                continue
            values = _values(q, org, rng, ranks)
            if q.kind.counts_options:
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
        db.session.scalars(
            select(Organisation)
            .where(Organisation.status == "approved")
            .order_by(Organisation.id)
            .options(selectinload(Organisation.tags))
        )
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
        db.session.add_all(fill_answers(definition, response, org, rng, RANK_PATTERNS[i % len(RANK_PATTERNS)]))
    for name, description in DRAFT_GROUPS:
        slug = slugs.unique_slug(Organisation, slugs.slugify(name, 200, "group"))
        org = Organisation(name=name, slug=slug, status="approved", tags=[], legal_form="unincorporated",
                           description=description)  # fmt: skip
        db.session.add(org)
        db.session.flush()
        response = Response(toolkit_id=toolkit.id, respondent_key=f"org:{org.id}", organisation_id=org.id,
                            status="draft", updated_at=now - dt.timedelta(days=2))  # fmt: skip
        db.session.add(response)
        db.session.flush()
        db.session.add_all(fill_answers(definition, response, org, rng, RANK_PATTERNS[0], complete=False))
    toolkit.you_said_question_ids = [
        q.id for q in definition.questions if q.kind.publishable and q.label not in NOT_PUBLISHED
    ]
    db.session.flush()
    toolkit.you_said_summary = (
        "<p>Thank you to the 30 organisations who answered. Mental health was the health issue organisations "
        f"ranked highest, closely followed by diabetes. {_most_mentioned_barriers(definition)}</p>"
    )
    toolkit.you_said_published_at = now - dt.timedelta(days=1)
    db.session.flush()
    chosen = [q for q in definition.questions if q.id in set(toolkit.you_said_question_ids)]
    toolkit.you_said_snapshot = disclosure.check(toolkit, chosen).snapshot
