"""Benchmark data for the toolkit (issue 6's sizes): `flask generate-load-data --toolkit-responses N`
makes a published toolkit of 40 questions (every question type, four of each, all required, no
conditions) and N organisations' submitted responses answering every question, so
N × 40 question answers (2,500 × 40 = 100,000). Responses and answers are written with bulk
INSERTs (bench/loaddata), so the largest size takes seconds on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from app.groups.models import Organisation
from app.toolkits import services as svc
from app.toolkits.models import Answer, Response, Toolkit
from app.toolkits.template import COMMUNITIES, HEALTH_ISSUES
from bench.loaddata import bulk
from bench.loaddata.groups import generate_groups

LOAD_TITLE = "Load test toolkit"
# Four of each type, interleaved so every section has a mix.
TYPES = ["single_choice", "multiple_choice", "ranking", "scale", "number",
         "yes_no", "short_text", "long_text", "date", "email"]  # fmt: skip
SECTIONS = 5


def load_definition_json(questions: int = 40) -> dict:
    """A toolkit definition (the export format) with `questions` questions in five sections."""
    sections = [{"title": f"Part {n + 1}", "description": "", "questions": []} for n in range(SECTIONS)]
    for i in range(questions):
        kind = TYPES[i % len(TYPES)]
        q: dict = {"ref": f"q{i + 1}", "type": kind, "label": f"Question {i + 1}: {kind.replace('_', ' ')}",
                   "required": True}  # fmt: skip
        if kind == "single_choice":
            q["options"], q["allow_other"] = HEALTH_ISSUES[:6], True
        elif kind == "multiple_choice":
            q["options"], q["allow_other"] = COMMUNITIES, True
        elif kind == "ranking":
            q["options"], q["rank_top"] = HEALTH_ISSUES, 3
        elif kind == "scale":
            q["scale_min_label"], q["scale_max_label"] = "Not at all", "A great deal"
        elif kind == "number":
            q["min_value"], q["max_value"] = 0, 100000
        sections[i * SECTIONS // questions]["questions"].append(q)
    return {"format": "portal-toolkit", "version": 1, "title": LOAD_TITLE, "audience": "organisation",
            "suppression_threshold": 5, "description": "<p>Benchmark data.</p>", "sections": sections}  # fmt: skip


def _answers(definition: svc.Definition, response_id: int, org_id: int, rng: random.Random) -> list[dict]:
    """Every question answered with its type's sample answer, as whole rows for a bulk INSERT."""
    base = {"response_id": response_id, "option_id": "", "rank": None, "number_value": None, "text_value": None,
            "date_value": None}  # fmt: skip
    return [
        {**base, "question_id": q.id, **row} for q in definition.questions for row in q.kind.sample_answer(rng, org_id)
    ]


def generate_toolkit_responses(count: int, questions: int = 40, seed: int = 1) -> Toolkit:
    """A new published toolkit with `questions` questions and `count` organisations' submitted
    responses (approved organisations are created when there are fewer than `count`)."""
    rng = random.Random(seed)
    now = utcnow()
    toolkit = svc.toolkit_from_json(load_definition_json(questions))
    toolkit.status = "published"
    toolkit.opens_at, toolkit.closes_at = now - dt.timedelta(days=7), now + dt.timedelta(days=30)
    db.session.flush()
    orgs = list(db.session.scalars(
        select(Organisation.id).where(Organisation.status == "approved").order_by(Organisation.id).limit(count)
    ))  # fmt: skip
    if len(orgs) < count:
        generate_groups(count - len(orgs), seed=seed)
        orgs = list(db.session.scalars(
            select(Organisation.id).where(Organisation.status == "approved").order_by(Organisation.id).limit(count)
        ))  # fmt: skip
    definition = svc.load_definition(toolkit)
    section_ids = [s.id for s in definition.sections]
    bulk(Response, (
        {"toolkit_id": toolkit.id, "respondent_key": f"org:{org_id}", "organisation_id": org_id,
         "status": "submitted", "submitted_at": now - dt.timedelta(minutes=i), "saved_sections": section_ids,
         "created_at": now, "updated_at": now - dt.timedelta(minutes=i)}
        for i, org_id in enumerate(orgs)
    ))  # fmt: skip
    responses = db.session.execute(
        select(Response.id, Response.organisation_id).where(Response.toolkit_id == toolkit.id).order_by(Response.id)
    ).all()
    bulk(Answer, (row for response_id, org_id in responses for row in _answers(definition, response_id, org_id, rng)))
    return toolkit
