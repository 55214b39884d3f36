"""Builders for toolkit tests (callers commit)."""

from __future__ import annotations

import datetime as dt

from app.db import utcnow
from app.toolkits import services as svc
from app.toolkits.models import Question, Section, Toolkit
from app.toolkits.template import mental_health_definition


def template_toolkit(*, status: str = "published", open_now: bool = True) -> Toolkit:
    toolkit = svc.toolkit_from_json(mental_health_definition())
    toolkit.status = status
    now = utcnow()
    if open_now:
        toolkit.opens_at, toolkit.closes_at = now - dt.timedelta(days=1), now + dt.timedelta(days=30)
    else:
        toolkit.opens_at, toolkit.closes_at = now - dt.timedelta(days=30), now - dt.timedelta(days=1)
    return toolkit


def small_toolkit(*, status: str = "published", threshold: int = 5) -> Toolkit:
    """One section with one question of each type, and a conditional question."""
    data = {
        "format": "portal-toolkit",
        "title": "Small toolkit",
        "audience": "organisation",
        "suppression_threshold": threshold,
        "sections": [
            {
                "title": "Everything",
                "questions": [
                    {"ref": "name", "type": "short_text", "label": "Name", "required": True},
                    {"ref": "story", "type": "long_text", "label": "Story"},
                    {"ref": "people", "type": "number", "label": "People", "min_value": 0, "max_value": 1000},
                    {"ref": "size", "type": "single_choice", "label": "Size", "allow_other": True,
                     "options": [{"id": "small", "label": "Small"}, {"id": "large", "label": "Large"}]},
                    {"ref": "work", "type": "multiple_choice", "label": "Work", "allow_other": True,
                     "options": [{"id": "a", "label": "Advice"}, {"id": "b", "label": "Befriending"},
                                 {"id": "c", "label": "Cooking"}]},
                    {"ref": "rank", "type": "ranking", "label": "Issues", "rank_top": 2,
                     "options": [{"id": "mh", "label": "Mental health"}, {"id": "db", "label": "Diabetes"},
                                 {"id": "cv", "label": "Cardiovascular disease"}]},
                    {"ref": "scale", "type": "scale", "label": "Demand", "scale_min_label": "Low",
                     "scale_max_label": "High"},
                    {"ref": "yn", "type": "yes_no", "label": "Offer support"},
                    {"ref": "why", "type": "short_text", "label": "What support",
                     "show_if": {"question": "yn", "option": "yes"}, "required": True},
                    {"ref": "when", "type": "date", "label": "Funding ends"},
                    {"ref": "mail", "type": "email", "label": "Contact email"},
                ],
            },
            {"title": "Second", "questions": [{"ref": "more", "type": "long_text", "label": "Anything else"}]},
        ],
    }  # fmt: skip
    toolkit = svc.toolkit_from_json(data)
    toolkit.status = status
    now = utcnow()
    toolkit.opens_at, toolkit.closes_at = now - dt.timedelta(days=1), now + dt.timedelta(days=30)
    return toolkit


def questions(toolkit: Toolkit) -> dict[str, Question]:
    """Questions by label."""
    return {q.label: q for q in svc.load_definition(toolkit).questions}


def sections(toolkit: Toolkit) -> list[Section]:
    return svc.load_definition(toolkit).sections
